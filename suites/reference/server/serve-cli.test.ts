/**
 * `gearspec serve`: prints its address, serves, stops on admin shutdown and on SIGTERM (also sent
 * to the launcher of `npx gearspec serve`); bad flags and a port in use exit 2.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { command } from '../../../src/cli/commands/serve.js';
import { beforeDeadline } from '../../../src/deadline.js';
import { T } from '../../../src/protocol/constants.js';
import { req } from '../../../src/protocol/packet.js';
import { GearmanConnection } from '../../../src/transport/connection.js';
import { WAIT_MS } from './helpers.js';
import { descendants, running, startCli } from '../../fixtures/cli-run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const VITE_NODE = path.join(ROOT, 'node_modules/vite-node/vite-node.mjs');
const MAIN = path.join(ROOT, 'suites/fixtures/cli-source.ts');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface Serve {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function serve(...argv: string[]): Serve {
  // vite-node runs the TypeScript CLI in this one process, so signals reach our handlers. Its
  // start-up (transforming the sources) takes seconds on a loaded machine: hence the long deadlines.
  const child = spawn(process.execPath, [VITE_NODE, MAIN, 'serve', ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

async function listening(s: Serve, timeoutMs = 45_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /gearspec reference server listening on 127\.0\.0\.1:(\d+)/.exec(s.output());
    if (m) return Number(m[1]);
    if (s.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`serve did not report its address: ${s.output()}`);
}

const withDeadline = <T>(p: Promise<T>, ms: number, what: string): Promise<T> => beforeDeadline(p, ms, () => new Error(`${what}: not within ${ms} ms`));

describe('gearspec serve', () => {
  it('--port 0 prints the ephemeral port, serves, and exits 0 on admin shutdown', async () => {
    const s = serve('--port', '0', '--job-retries', '3', '--max-packet', '1048576');
    const port = await listening(s);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(4730);
    const c = await GearmanConnection.connect({ host: '127.0.0.1', port, connectTimeoutMs: WAIT_MS });
    try {
      c.send(req(T.ECHO_REQ, 'cli'));
      expect((await c.expect([T.ECHO_RES], WAIT_MS)).args[0]!.toString()).toBe('cli');
      expect(await c.admin('shutdown', WAIT_MS)).toEqual(['OK']);
    } finally {
      c.close();
    }
    expect(await withDeadline(s.exit, 10_000, 'exit after shutdown')).toBe(0);
  }, 90_000);

  it('stops cleanly on SIGTERM', async () => {
    const s = serve('--port', '0', '--verbose');
    await listening(s);
    s.child.kill('SIGTERM');
    expect(await withDeadline(s.exit, 10_000, 'exit after SIGTERM')).toBe(0);
    expect(s.output()).toContain('stopped');
  }, 90_000);

  it('a bad flag exits 2 with a usage message (process)', async () => {
    const s = serve('--port', 'abc');
    expect(await withDeadline(s.exit, 45_000, 'exit on bad flag')).toBe(2);
    expect(s.output()).toContain('--port needs a non-negative number');
    expect(s.output()).toContain('gearspec serve [--port N]');
  }, 90_000);

  it('a port already in use exits 2 with one line (in process)', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(await command.run(['--port', String(port)])).toBe(2);
    } finally {
      spy.mockRestore();
      await new Promise((r) => taken.close(r));
    }
    expect(written.join('')).toMatch(/^gearspec serve: .*(in use|EADDRINUSE)/);
  });

  it('SIGTERM to the launcher pid of `npx gearspec serve` closes the port and ends every process', async () => {
    // npm exec → /bin/sh -c → node bin/gearspec.js: npm passes SIGTERM to the shell only, which
    // dies without passing it on; gearspec notices its parent is gone (src/cli/lifecycle.ts).
    const s = startCli(['serve', '--port', '0'], 150_000, { launcher: 'npx' });
    let tree: number[] = [];
    try {
      const port = Number((await s.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 120_000, 'stdout'))[1]);
      tree = descendants(s.pid!);
      expect(tree.length, 'npm exec runs a shell, which runs gearspec').toBeGreaterThanOrEqual(2);
      const c = await GearmanConnection.connect({ host: '127.0.0.1', port, connectTimeoutMs: WAIT_MS });
      c.close();
      s.signal('SIGTERM');
      const r = await s.done;
      const deadline = Date.now() + 30_000;
      while (tree.some(running) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
      expect(tree.filter(running), r.stderr).toEqual([]);
      expect(r.stdout).toContain('gearspec reference server stopped');
      await expect(GearmanConnection.connect({ host: '127.0.0.1', port, connectTimeoutMs: WAIT_MS })).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      for (const pid of tree) if (running(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 180_000);

  it('SIGINT and SIGTERM to `node bin/gearspec.js serve` stop it with exit 0', async () => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const s = startCli(['serve', '--port', '0'], 60_000, { launcher: 'bin' });
      const port = Number((await s.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 45_000, 'stdout'))[1]);
      s.signal(sig);
      const r = await s.done;
      expect(r.code, `${sig}: ${r.stderr}`).toBe(0);
      await expect(GearmanConnection.connect({ host: '127.0.0.1', port, connectTimeoutMs: WAIT_MS })).rejects.toThrow(/ECONNREFUSED/);
    }
  }, 120_000);

  it.each([
    ['--port', '70000'],
    ['--bogus'],
    ['--fault', 'nonsense'],
    ['extra-positional'],
    ['--max-packet', '10'],
    ['--handle-prefix', 'x'.repeat(80)],
    ['--fault', 'drop-job', '--fault-every', '0'],
    ['--fault-every', 'often'],
  ])('bad flags %j: usage error, exit 2 (in process)', async (...argv) => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(await command.run(argv)).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toMatch(/^gearspec serve: .+\ngearspec serve \[--port N\]/);
  });
});
