/**
 * The reference worker against each server: grab variants, the sleep/wake cycle, concurrency,
 * SET_CLIENT_ID, CAN_DO_TIMEOUT, worker death mid-job, and reconnecting after a server restart.
 * Server differences are asserted as each server really behaves (behaviour.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { GearmanConnection } from '../../../src/transport/connection.js';
import type { GrabVariant } from '../../../src/worker/index.js';
import { behaviourOf } from './behaviour.js';
import { fname, Pool, SERVER_KINDS, sleep, unavailable, until } from './harness.js';
import type { StartedServer } from '../../../src/peers/types.js';
import { freePort } from './servers.js';

for (const kind of SERVER_KINDS) {
  describe.skipIf(unavailable(kind) !== undefined)(`worker against ${kind}`, () => {
    const be = behaviourOf(kind);
    const pool = new Pool();
    let srv: StartedServer;

    beforeAll(async () => {
      srv = await pool.server(kind);
    });
    afterEach(() => pool.closeRoles());
    afterAll(() => pool.closeAll());

    const variants: readonly { grab: GrabVariant; via: string; unique: (u: string) => string | undefined }[] = [
      { grab: 'GRAB_JOB', via: 'JOB_ASSIGN', unique: () => undefined },
      { grab: 'GRAB_JOB_UNIQ', via: 'JOB_ASSIGN_UNIQ', unique: (u) => u },
      // GRAB_JOB_ALL answers a job without a reducer with JOB_ASSIGN_UNIQ (spec §4.6).
      { grab: 'GRAB_JOB_ALL', via: 'JOB_ASSIGN_UNIQ', unique: (u) => u },
    ];
    for (const v of variants) {
      const supported = v.grab === 'GRAB_JOB' || be.modernPackets;
      test(`${v.grab} ${supported ? `is answered with ${v.via}` : `is refused with ERROR ${be.unsupportedCode} and the worker stops grabbing`}`, async () => {
        const fn = fname(v.grab.toLowerCase());
        const c = await pool.client(srv);
        const job = await c.submit({ function: fn, data: 'grab-data', unique: `u-${fn}`, background: true });
        const w = await pool.worker(srv, { grab: v.grab });
        const seen: { via: string; unique: string | undefined; handle: string; data: string }[] = [];
        w.register(fn, (j) => {
          seen.push({ via: j.via, unique: j.unique, handle: j.handle, data: j.data.toString() });
        });
        w.work();
        if (!supported) {
          const stopped = await w.waitForNotice((n) => n.kind === 'stopped', 5000);
          expect(stopped.kind === 'stopped' && stopped.error).toMatchObject({ serverCode: be.unsupportedCode });
          expect(w.notices.find((n) => n.kind === 'error-reply')).toMatchObject({ duringGrab: true });
          expect(w.state).toBe('refused');
          expect(seen).toEqual([]);
          return;
        }
        await w.waitForNotice((n) => n.kind === 'job-end', 5000);
        expect(seen).toEqual([{ via: v.via, unique: v.unique(`u-${fn}`), handle: job.handle, data: 'grab-data' }]);
      });
    }

    test('an idle worker sleeps without polling and wakes on NOOP for each new job', async () => {
      const fn = fname('sleep');
      const w = await pool.worker(srv);
      const done: string[] = [];
      w.register(fn, (j) => {
        done.push(j.data.toString());
      });
      w.work();
      const c = await pool.client(srv);
      for (let round = 0; round < 3; round++) {
        await until(() => w.state === 'sleeping', 3000, 'worker asleep');
        const grabs = w.stats.grabs;
        await sleep(300);
        // No busy loop: nothing was grabbed while asleep.
        expect(w.stats.grabs).toBe(grabs);
        expect(w.state).toBe('sleeping');
        await c.submit({ function: fn, data: `r${round}`, background: true });
        await until(() => done.length === round + 1, 5000, `job r${round} done`);
      }
      expect(done).toEqual(['r0', 'r1', 'r2']);
      expect(w.stats.noops).toBeGreaterThanOrEqual(3);
      expect(w.stats.preSleeps).toBeGreaterThanOrEqual(3);
    });

    test('registering while asleep picks up a job queued before the CAN_DO', async () => {
      const first = fname('first');
      const later = fname('later');
      const w = await pool.worker(srv);
      w.register(first, () => 'x');
      w.work();
      await until(() => w.state === 'sleeping', 3000, 'worker asleep');
      const c = await pool.client(srv);
      const job = await c.submit({ function: later, data: 'queued-early' });
      await sleep(100);
      w.register(later, (j) => `got ${j.data.toString()}`);
      expect((await job.result(5000)).data.toString()).toBe('got queued-early');
    });

    test('concurrency 3 runs three jobs at once, never more', async () => {
      const fn = fname('conc');
      const w = await pool.worker(srv, { concurrency: 3 });
      let running = 0;
      let peak = 0;
      w.register(fn, async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(250);
        running--;
        return 'ok';
      });
      w.work();
      const c = await pool.client(srv);
      const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => c.submit({ function: fn, data: String(i) })));
      await Promise.all(jobs.map((j) => j.result(5000)));
      expect(peak).toBe(3);
    });

    test('SET_CLIENT_ID labels the worker in the admin "workers" list', async () => {
      const fn = fname('cid');
      const w = await pool.worker(srv, { clientId: 'cw-worker-id' });
      w.register(fn, () => 'x');
      const admin = await GearmanConnection.connect({ host: srv.host, port: srv.port });
      try {
        // SET_CLIENT_ID and CAN_DO travel separately, so the server may list the
        // labelled worker before its function: poll (bounded) until both show.
        const expected = new RegExp(`^\\d+ 127\\.0\\.0\\.1 cw-worker-id : ?.*\\b${fn}\\b`);
        let line: string | undefined;
        for (let i = 0; i < 100; i++) {
          line = (await admin.admin('workers', 3000)).find((l) => l.includes('cw-worker-id'));
          if (line !== undefined && expected.test(line)) break;
          await sleep(20);
        }
        expect(line).toMatch(expected);
      } finally {
        admin.close();
      }
    });

    test('job results cannot be sent twice; the handler return value completes the job', async () => {
      const fn = fname('twice');
      const w = await pool.worker(srv);
      let secondSend: unknown;
      w.register(fn, (j) => {
        j.complete('first');
        try {
          j.complete('second');
        } catch (e) {
          secondSend = e;
        }
        return 'ignored';
      });
      w.work();
      const c = await pool.client(srv);
      const r = await (await c.submit({ function: fn, data: 'x' })).result(5000);
      expect(r.data.toString()).toBe('first');
      expect(secondSend).toMatchObject({ code: 'GEARSPEC_HARNESS_ERROR' });
    });

    test(`CAN_DO_TIMEOUT expiry: ${be.canDoTimeoutEffect === 'requeue' ? 'the job is requeued to another worker' : 'the client gets WORK_FAIL'} (unit: ${be.canDoTimeoutUnit})`, async () => {
      const fn = fname('cdt');
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const slow = await pool.worker(srv, { canDoTimeoutUnit: be.canDoTimeoutUnit });
      slow.register(
        fn,
        async () => {
          await gate;
          return 'from-slow';
        },
        { timeoutMs: 1000 },
      );
      slow.work();
      try {
        const c = await pool.client(srv);
        const job = await c.submit({ function: fn, data: 'x' });
        await slow.waitForNotice((n) => n.kind === 'job-start', 5000);
        const fast = await pool.worker(srv);
        fast.register(fn, () => 'from-fast');
        fast.work();
        const t0 = Date.now();
        const r = await job.result(6000);
        const waited = Date.now() - t0;
        if (be.canDoTimeoutEffect === 'requeue') {
          expect(r.outcome).toBe('complete');
          expect(r.data.toString()).toBe('from-fast');
        } else {
          expect(r.outcome).toBe('fail');
        }
        // About one second, whichever unit the server reads (the worker converted it).
        expect(waited).toBeGreaterThan(500);
        expect(waited).toBeLessThan(4000);
      } finally {
        release();
      }
    });

    test(`worker death mid-job: ${be.workerDeath === 'requeue' ? 'the job is requeued to another worker' : 'the client gets WORK_FAIL'}`, async () => {
      const fn = fname('death');
      const doomed = await pool.worker(srv);
      doomed.register(fn, () => new Promise<never>(() => undefined)); // never finishes
      doomed.work();
      const c = await pool.client(srv);
      const job = await c.submit({ function: fn, data: 'x' });
      await doomed.waitForNotice((n) => n.kind === 'job-start', 5000);
      const heir = await pool.worker(srv);
      heir.register(fn, (j) => `heir got ${j.handle}`);
      heir.work();
      await sleep(100);
      await doomed.close();
      const r = await job.result(5000);
      if (be.workerDeath === 'requeue') {
        expect(r.outcome).toBe('complete');
        expect(r.data.toString()).toBe(`heir got ${job.handle}`);
      } else {
        expect(r.outcome).toBe('fail');
        expect(heir.stats.jobsStarted).toBe(0);
      }
    });
  });

  describe.skipIf(unavailable(kind) !== undefined)(`worker against ${kind}: server restart`, () => {
    const pool = new Pool();
    afterAll(() => pool.closeAll());

    test('the worker reconnects with backoff, re-registers and takes jobs from the new server', async () => {
      const port = await freePort();
      const fn = fname('reconnect');
      const first = await pool.server(kind, { port });
      const w = await pool.worker(first, { reconnect: true, backoff: { initialMs: 50, maxMs: 400 }, clientId: 'cw-reconnect' });
      const done: string[] = [];
      w.register(fn, (j) => {
        done.push(j.data.toString());
        return `ok ${j.data.toString()}`;
      });
      w.work();
      const c1 = await pool.client(first);
      expect((await (await c1.submit({ function: fn, data: 'before' })).result(5000)).data.toString()).toBe('ok before');

      await first.stop();
      await w.waitForNotice((n) => n.kind === 'disconnected', 5000);
      await until(() => w.notices.filter((n) => n.kind === 'reconnect-attempt').length >= 2, 5000, 'two reconnect attempts');
      const second = await pool.server(kind, { port });
      await w.waitForNotice((n) => n.kind === 'connected' && n.session === 2, 10_000);
      const c2 = await pool.client(second);
      const r = await (await c2.submit({ function: fn, data: 'after' })).result(5000);
      expect(r.data.toString()).toBe('ok after');
      expect(done).toEqual(['before', 'after']);
      expect(w.stats.sessions).toBe(2);
      const delays = w.notices.flatMap((n) => (n.kind === 'reconnect-attempt' ? [n.delayMs] : []));
      expect(delays[0]).toBe(50);
      expect(Math.max(...delays)).toBeLessThanOrEqual(400);
    });

    test('with maxAttempts the worker gives up when no server comes back', async () => {
      const srv = await pool.server(kind);
      const w = await pool.worker(srv, { reconnect: true, backoff: { initialMs: 20, maxMs: 40, maxAttempts: 3 } });
      w.register(fname('giveup'), () => 'x');
      w.work();
      await srv.stop();
      const gave = await w.waitForNotice((n) => n.kind === 'gave-up', 5000);
      expect(gave).toEqual({ kind: 'gave-up', attempts: 3 });
      expect(w.connected).toBe(false);
    });
  });
}
