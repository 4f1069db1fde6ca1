/**
 * Every driver against the reference server: a job round-trips bytes both ways, a worker that
 * dies is reported as exited with its log, a silent driver times out with its log, and stop()
 * leaves no process behind. Every driver refuses at registration an outcome form its library
 * cannot express, and exits with one error (no retry) when its library's work loop fails.
 */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, PeerError, TimeoutError } from '../../src/errors.js';
import { ControlListener } from '../../src/peers/drivers/control.js';
import { DRIVER_NAMES, type DriverEvent, type DriverHandle, b64, startDriver, unb64 } from '../../src/peers/drivers/index.js';
import { T } from '../../src/protocol/constants.js';
import { encodeFrame } from '../../src/protocol/encoder.js';
import type { DriverPeerName } from '../../src/peers/types.js';
import { type ReferenceServer, startReferenceServer } from '../../src/server/index.js';
import { isAlive } from '../../src/peers/test-helpers.js';

/** A Gearman server that answers OPTION_REQ and ECHO, and every GRAB_JOB* with an ERROR. */
async function refusingServer(): Promise<{ address: string; grabs(): number; asleep: Promise<void>; close(): Promise<void> }> {
  let grabs = 0;
  let onSleep: () => void = () => undefined;
  const asleep = new Promise<void>((r) => (onSleep = r));
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 12) {
        const size = buf.readUInt32BE(8);
        if (buf.length < 12 + size) return;
        const type = buf.readUInt32BE(4);
        const body = buf.subarray(12, 12 + size);
        buf = buf.subarray(12 + size);
        if (type === T.PRE_SLEEP) onSleep();
        if (type === T.OPTION_REQ) sock.write(encodeFrame('RES', T.OPTION_RES, body));
        else if (type === T.ECHO_REQ) sock.write(encodeFrame('RES', T.ECHO_RES, body));
        else if (type === T.GRAB_JOB || type === T.GRAB_JOB_UNIQ || type === T.GRAB_JOB_ALL) {
          grabs++;
          sock.write(encodeFrame('RES', T.ERROR, Buffer.from('server_error\0no jobs for you')));
        }
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    grabs: () => grabs,
    asleep,
    close: () =>
      new Promise<void>((r) => {
        for (const sock of sockets) sock.destroy();
        srv.close(() => r());
      }),
  };
}

/**
 * The drivers these handle-level tests exercise: the reference and the Debian libraries. The other
 * libraries' drivers are checked by suites/library/driver-check.test.ts, library certification and
 * the interop matrix, where their libraries' own bugs are declared.
 */
const NEEDS: Readonly<Partial<Record<DriverPeerName, string | undefined>>> = { reference: undefined, php: 'php', perl: 'perl', 'libgearman-c': 'gcc' };
const HANDLE_TESTED = DRIVER_NAMES.filter((n) => n in NEEDS);
const has = (cmd: string | undefined): boolean => cmd === undefined || spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
let server: ReferenceServer;
const started: DriverHandle[] = [];
const start = async (name: DriverPeerName, role: 'client' | 'worker'): Promise<DriverHandle> => {
  const d = await startDriver(name, role, { server: server.address });
  started.push(d);
  return d;
};

beforeAll(async () => {
  server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await Promise.all(started.map((d) => d.stop()));
  await server.close();
});

describe('drivers', () => {
  for (const name of HANDLE_TESTED) {
    // Outside CI a missing toolchain is a loud skip; in CI it fails (the packages are installed there).
    const skip = !has(NEEDS[name]) && !process.env.CI;
    it.skipIf(skip)(`${name}: should round-trip a binary job between its client and its worker`, { timeout: 60_000 }, async () => {
      const worker = await start(name, 'worker');
      expect(worker.hello.role).toBe('worker');
      worker.send({ op: 'register', id: 'r', function: `rt-${name}`, behaviour: { steps: [{ kind: 'status', numerator: 1, denominator: 2 }], outcome: { kind: 'complete' } } });
      worker.send({ op: 'work', id: 'w' });
      await worker.waitFor((e) => e.event === 'done' && e.id === 'w', 10_000, 'work');
      const client = await start(name, 'client');
      const payload = Buffer.from([0, 0x61, 0, 0xff, 0x0a, 0]);
      client.send({ op: 'submit', id: 'j1', function: `rt-${name}`, payload: b64(payload) });
      const status = await client.waitFor((e) => e.event === 'status' && e.id === 'j1', 10_000, 'status');
      expect(status).toMatchObject({ numerator: '1', denominator: '2' });
      const complete = await client.waitFor((e) => e.event === 'complete' && e.id === 'j1', 10_000, 'complete');
      expect(complete.event === 'complete' && unb64(complete.payload).equals(payload)).toBe(true);
      const job = await worker.waitFor((e) => e.event === 'job', 5000, 'job');
      expect(job.event === 'job' && unb64(job.payload).equals(payload)).toBe(true);
    });
  }

  it.skipIf(!has('php') && !process.env.CI)('should report a worker that dies mid-job as exited, with its log', { timeout: 60_000 }, async () => {
    const worker = await start('php', 'worker');
    worker.send({ op: 'register', id: 'r', function: 'die-fn', behaviour: { outcome: { kind: 'die' } } });
    worker.send({ op: 'work', id: 'w' });
    await worker.waitFor((e) => e.event === 'done' && e.id === 'w', 10_000, 'work');
    const client = await start('reference', 'client');
    client.send({ op: 'submit', id: 'j', function: 'die-fn', payload: b64('x') });
    const err = await worker.waitFor((e) => e.event === 'finished', 10_000, 'a result that never comes').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PeerError);
    expect((err as PeerError).code).toBe(ERROR_CODES.PEER_EXITED);
    expect((err as PeerError).log).toContain('die-fn');
    expect(worker.exited).toBe(true);
    await client.stop();
  });

  it.skipIf(!has('perl') && !process.env.CI)('should time out on a silent driver with its log, and stop() should leave no process', { timeout: 60_000 }, async () => {
    const worker = await start('perl', 'worker');
    const pid = worker.hello.pid!;
    worker.send({ op: 'register', id: 'r', function: 'gated-fn', behaviour: { steps: [{ kind: 'gate', gate: 'g' }], outcome: { kind: 'complete' } } });
    worker.send({ op: 'work', id: 'w' });
    await worker.waitFor((e) => e.event === 'done' && e.id === 'w', 10_000, 'work');
    const client = await start('reference', 'client');
    client.send({ op: 'submit', id: 'j', function: 'gated-fn', payload: b64('x') });
    await worker.waitFor((e) => e.event === 'gated', 10_000, 'the gate');
    const t0 = Date.now();
    const err = await worker.waitFor((e) => e.event === 'finished', 300, 'a result held at the gate').catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((err as PeerError).code).toBe(ERROR_CODES.TIMEOUT);
    expect((err as PeerError).log).toContain('gated-fn');
    expect(isAlive(pid)).toBe(true);
    await worker.stop();
    await worker.stop(); // idempotent
    expect(isAlive(pid)).toBe(false);
    await client.stop();
  });

  for (const name of HANDLE_TESTED) {
    const skip = !has(NEEDS[name]) && !process.env.CI;
    it.skipIf(skip)(`${name}: should refuse at registration an outcome its library cannot express, naming it`, { timeout: 60_000 }, async () => {
      const worker = await start(name, 'worker');
      // Every driver refuses an unknown form; the C driver also refuses `throw` (C has no exceptions).
      worker.send({ op: 'register', id: 'r-bad', function: `bad-${name}`, behaviour: { outcome: { kind: 'fail', form: 'teleport' as 'call' } } });
      const refused = await worker.waitFor((e) => e.event === 'error' && e.id === 'r-bad', 10_000, 'the refusal');
      expect(refused.event === 'error' && refused.message).toMatch(/teleport/);
      await worker.waitFor((e) => e.event === 'done' && e.id === 'r-bad', 10_000, 'done');
      worker.send({ op: 'register', id: 'r-throw', function: `throw-${name}`, behaviour: { outcome: { kind: 'fail', form: 'throw' } } });
      const next = await worker.waitFor((e) => (e.event === 'error' && e.id === 'r-throw') || (e.event === 'done' && e.id === 'r-throw'), 10_000, 'the throw registration');
      expect(next.event === 'error').toBe(name === 'libgearman-c');
    });

    // The reference worker takes an ERROR answering its grab as "no job now" and sleeps; the
    // library drivers' loops fail there.
    if (name !== 'reference')
      it.skipIf(skip)(`${name}: should exit with one error event when its library's work loop fails, without retrying`, { timeout: 60_000 }, async () => {
        // A server that answers every grab with ERROR: each library's loop fails at its first grab.
        const refusing = await refusingServer();
        try {
          const worker = await startDriver(name, 'worker', { server: refusing.address });
          started.push(worker);
          worker.send({ op: 'register', id: 'r', function: `loop-${name}`, behaviour: { outcome: { kind: 'complete' } } });
          worker.send({ op: 'work', id: 'w' });
          const seen: DriverEvent[] = [];
          const exited = await worker.waitFor(
            (e) => e.event === 'exited',
            15_000,
            'the worker to exit',
            (e) => seen.push(e),
          );
          expect(exited.event).toBe('exited');
          const errors = seen.filter((e) => e.event === 'error');
          expect(errors).toHaveLength(1);
          expect(errors[0]!.event === 'error' && errors[0].message).toMatch(/^work: /);
          expect(refusing.grabs()).toBe(1); // no retry
        } finally {
          await refusing.close();
        }
      });

    if (name === 'reference')
      it(`${name}: an ERROR answering its grab means no job now: it sleeps, once, and lives on`, { timeout: 60_000 }, async () => {
        const refusing = await refusingServer();
        try {
          const worker = await startDriver(name, 'worker', { server: refusing.address });
          started.push(worker);
          worker.send({ op: 'register', id: 'r', function: `loop-${name}`, behaviour: { outcome: { kind: 'complete' } } });
          worker.send({ op: 'work', id: 'w' });
          await refusing.asleep;
          expect(refusing.grabs()).toBe(1);
          expect(worker.exited).toBe(false);
        } finally {
          await refusing.close();
        }
      });
  }

  it('should give up on a driver that never connects to its control port', async () => {
    const listener = await ControlListener.listen();
    try {
      const t0 = Date.now();
      await expect(listener.accept(200, new Promise<string>(() => undefined))).rejects.toBeInstanceOf(TimeoutError);
      expect(Date.now() - t0).toBeLessThan(2000);
      await expect(listener.accept(5000, Promise.resolve('exit code 2'))).rejects.toThrow('driver exited before connecting');
    } finally {
      listener.close();
    }
  });
});
