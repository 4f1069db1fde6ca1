import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, InputError, PeerError } from '../../errors.js';
import { T } from '../../protocol/constants.js';
import { req } from '../../protocol/packet.js';
import { GearmanConnection } from '../../transport/connection.js';
import { nativeAvailable } from '../provider.js';
import { PortInUseError } from '../readiness.js';
import { acceptsConnections, isAlive, occupyPort, pidFromLog } from '../test-helpers.js';
import type { StartedServer } from '../types.js';
import { type ExternalServerDef, GEARMAND, PERL_GEARMAND } from './catalogue.js';
import { startNativeServer } from './native-server.js';
import type { RunningServer } from './started-server.js';

const started: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function start(def: ExternalServerDef, options: Parameters<typeof startNativeServer>[1] = {}, deps?: Parameters<typeof startNativeServer>[2]): Promise<RunningServer> {
  const s = (await startNativeServer(def, options, deps)) as RunningServer;
  started.push(s);
  return s;
}

async function adminLines(s: StartedServer, command: string): Promise<string[]> {
  const conn = await GearmanConnection.connect({ host: s.host, port: s.port, connectTimeoutMs: 2000 });
  try {
    return await conn.admin(command, 2000);
  } finally {
    conn.close();
  }
}

function startError(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('start unexpectedly succeeded');
    },
    (e: unknown) => e,
  );
}

for (const def of [GEARMAND, PERL_GEARMAND]) {
  describe.skipIf(!nativeAvailable(def.name))(`native ${def.name}`, () => {
    it('starts on an ephemeral loopback port, answers admin commands, and stops idempotently', async () => {
      const s = await start(def);
      expect(s.provider).toBe('native');
      expect(s.host).toBe('127.0.0.1');
      expect(s.port).not.toBe(4730);
      expect(s.address).toBe(`127.0.0.1:${s.port}`);
      expect(s.version.startsWith(def.expectedVersion), `${s.version} is ${def.expectedVersion}`).toBe(true);
      expect(await adminLines(s, 'workers')).toEqual(expect.any(Array));
      const pid = Number(s.details.pid);
      expect(isAlive(pid)).toBe(true);
      const [a, b] = [s.stop(), s.stop()];
      expect(a).toBe(b);
      await a;
      await s[Symbol.asyncDispose]();
      expect(isAlive(pid)).toBe(false);
      expect(await acceptsConnections(s.port)).toBe(false);
      expect(s.logs()).toContain(`as pid ${pid}`);
    });

    it('fails fast on an explicit port another process holds, and leaves no process behind', async () => {
      const held = await occupyPort();
      try {
        const e = await startError(start(def, { port: held.port, startupTimeoutMs: 8000 }));
        expect(e).toBeInstanceOf(PeerError);
        expect((e as PeerError).code).toBe(ERROR_CODES.PEER_START_FAILED);
        // Recognised as the port being held (from /proc or the server's own words), not waited out
        // as a startup timeout: the cause says which, with no clock in the assertion.
        expect((e as PeerError).cause).toBeInstanceOf(PortInUseError);
        const pid = pidFromLog((e as PeerError).log);
        expect(pid).toBeDefined();
        expect(isAlive(pid!)).toBe(false);
      } finally {
        await held.close();
      }
    });

    it('retries with a fresh port when another process wins the race for the picked one', async () => {
      const held = await occupyPort();
      try {
        const offered: number[] = [];
        const s = await start(
          def,
          {},
          {
            pickPort: async () => {
              const { pickFreePort } = await import('../ports.js');
              const port = offered.length === 0 ? held.port : await pickFreePort();
              offered.push(port);
              return port;
            },
          },
        );
        expect(offered.length).toBe(2);
        expect(s.port).toBe(offered[1]);
        expect(await adminLines(s, 'version')).toHaveLength(1);
      } finally {
        await held.close();
      }
      // Two server starts, each with its own startup deadline: a loaded machine may need both.
    }, 180_000);
  });
}

describe.skipIf(!nativeAvailable('gearmand'))('native start failures', () => {
  it('a missing binary is PEER_UNAVAILABLE naming the Debian package', async () => {
    const def: ExternalServerDef = { ...GEARMAND, binary: '/nonexistent/sbin/gearmand' };
    const e = await startError(start(def));
    expect(e).toBeInstanceOf(PeerError);
    expect((e as PeerError).code).toBe(ERROR_CODES.PEER_UNAVAILABLE);
    expect((e as PeerError).message).toContain('Debian packages gearman-job-server');
  });

  it('retries on a fresh port when the server says its port was taken, though nobody holds it by the time we look', async () => {
    const { pickFreePort } = await import('../ports.js');
    const offered: number[] = [];
    const taken = await pickFreePort();
    // The real gearmand, behind a shell that plays "port taken" (Perl's die: exit 98) on the first port.
    const script = `case " $* " in *" ${taken} "*) echo "bind: Address already in use" >&2; exit 98;; esac; exec "$0" "$@"`;
    const def: ExternalServerDef = { ...GEARMAND, binary: '/bin/sh', prefixArgs: ['-c', script, GEARMAND.binary, ...GEARMAND.prefixArgs] };
    const s = await start(
      def,
      {},
      {
        pickPort: async () => {
          const port = offered.length === 0 ? taken : await pickFreePort();
          offered.push(port);
          return port;
        },
      },
    );
    expect(offered).toHaveLength(2);
    expect(s.port).toBe(offered[1]);
    expect(await adminLines(s, 'version')).toHaveLength(1);
  });

  it('a server that exits at once fails fast with its output attached', async () => {
    const def: ExternalServerDef = { ...GEARMAND, buildArgs: (h, p) => ['-L', h, '-p', String(p), '--no-such-option'] };
    const t0 = Date.now();
    const e = await startError(start(def, { startupTimeoutMs: 8000 }));
    expect(Date.now() - t0).toBeLessThan(4000);
    expect((e as PeerError).code).toBe(ERROR_CODES.PEER_START_FAILED);
    expect((e as PeerError).message).toMatch(/before it was ready/);
    expect((e as PeerError).log).toMatch(/no-such-option|unrecognised|unrecognized/i);
  });

  it('times out → the process is gone (SIGKILL after SIGTERM is ignored)', async () => {
    // A process that never listens: readiness can only end by the deadline.
    const def: ExternalServerDef = { ...GEARMAND, binary: '/bin/sh', buildArgs: () => ['-c', 'trap "" TERM; echo waiting; sleep 30 & wait; sleep 30'] };
    const e = await startError(start(def, { startupTimeoutMs: 500 }));
    expect((e as PeerError).code).toBe(ERROR_CODES.PEER_START_FAILED);
    expect((e as PeerError).message).toMatch(/no answer after 500 ms/);
    expect((e as PeerError).log).toContain('SIGKILL');
    const pid = pidFromLog((e as PeerError).log);
    expect(pid).toBeDefined();
    expect(isAlive(pid!)).toBe(false);
  });

  it('rejects options Perl gearmand cannot honour before spawning anything', async () => {
    const e = await startError(start(PERL_GEARMAND, { jobRetries: 2 }));
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe(ERROR_CODES.USAGE);
  });

  it('passes gearmand options as flags (job retries, threads, handle prefix)', async () => {
    const s = await start(GEARMAND, { jobRetries: 2, threads: 2, handlePrefix: 'HX' });
    expect(s.logs()).toMatch(/-t 2 -j 2 --job-handle-prefix HX/);
    const conn = await GearmanConnection.connect({ host: s.host, port: s.port });
    try {
      conn.send(req(T.SUBMIT_JOB_BG, 'f', '', 'x'));
      const p = await conn.expect([T.JOB_CREATED], 2000);
      expect(p.args[0]!.toString()).toMatch(/^HX:/);
    } finally {
      conn.close();
    }
  });
});
