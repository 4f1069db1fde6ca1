import { describe, expect, it } from 'vitest';
import { ERROR_CODES, PeerError } from '../errors.js';
import { findExecutable, runProcess } from './process.js';
import { isAlive, pidFromLog } from './test-helpers.js';
import { sleep } from './wait.js';

describe('runProcess', () => {
  it('passes env and cwd, captures output, and is ready when `ready` resolves', async () => {
    const p = await runProcess({
      name: 'echoer',
      command: 'sh',
      args: ['-c', 'echo "cwd=$(pwd) v=$GEARSPEC_TEST_VALUE"; echo oops >&2; exec sleep 30'],
      env: { GEARSPEC_TEST_VALUE: 'forty-two' },
      cwd: '/tmp',
      ready: async ({ logs, signal }) => {
        while (!logs().includes('v=forty-two') && !signal.aborted) await sleep(10, signal);
      },
    });
    try {
      expect(p.logs()).toContain('[stdout] cwd=/tmp v=forty-two');
      expect(p.logs()).toContain('[stderr] oops');
      expect(isAlive(p.pid)).toBe(true);
      expect(p.exit).toBeUndefined();
    } finally {
      const exit = await p.stop();
      expect(exit.signal).toBe('SIGTERM');
    }
    expect(isAlive(p.pid)).toBe(false);
    expect(await p.stop()).toEqual(p.exit);
  });

  it('stop after the program exited on its own resolves with that exit', async () => {
    const p = await runProcess({ name: 'quick', command: 'sh', args: ['-c', 'exit 3'] });
    const exit = await p.exited;
    expect(exit.code).toBe(3);
    expect(await p.stop()).toEqual({ code: 3, signal: null });
  });

  it('an early exit during readiness fails at once with the output', async () => {
    const t0 = Date.now();
    const e = await runProcess({
      name: 'crasher',
      command: 'sh',
      args: ['-c', 'echo "fatal: bad config" >&2; exit 7'],
      startupTimeoutMs: 10_000,
      ready: ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    }).then(
      () => new Error('started'),
      (err: unknown) => err,
    );
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(e).toBeInstanceOf(PeerError);
    expect((e as PeerError).code).toBe(ERROR_CODES.PEER_START_FAILED);
    expect((e as PeerError).message).toMatch(/exited with code 7 before it was ready/);
    expect((e as PeerError).message).toContain('fatal: bad config');
    expect(isAlive(pidFromLog((e as PeerError).log)!)).toBe(false);
  });

  it('a command missing from PATH is PEER_UNAVAILABLE with the hint', async () => {
    expect(await findExecutable('sh')).toMatch(/\/sh$/);
    await expect(runProcess({ name: 'php', command: 'gearspec-no-such-program', missingHint: 'install Debian package php8.2-cli' })).rejects.toMatchObject({
      code: ERROR_CODES.PEER_UNAVAILABLE,
      message: expect.stringContaining('install Debian package php8.2-cli'),
    });
  });
});
