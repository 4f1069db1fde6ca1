/**
 * The reference client against each server (reference, C gearmand 1.1.20, Perl Gearman::Server
 * 1.130): every submit form, event relay, status queries, options, ERROR replies, deadlines and
 * connection loss. Where a server lacks a packet type the test asserts the ERROR it really sends.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ConnectionClosedError, GearmanErrorReply, TimeoutError } from '../../../src/errors.js';
import type { Priority } from '../../../src/protocol/constants.js';
import { behaviourOf } from './behaviour.js';
import { fname, Pool, SERVER_KINDS, sleep, unavailable, until } from './harness.js';
import type { StartedServer } from '../../../src/peers/types.js';

const reverse = (b: Buffer): Buffer => Buffer.from(b).reverse();

for (const kind of SERVER_KINDS) {
  describe.skipIf(unavailable(kind) !== undefined)(`client against ${kind}`, () => {
    const be = behaviourOf(kind);
    const pool = new Pool();
    let srv: StartedServer;

    beforeAll(async () => {
      srv = await pool.server(kind);
    });
    afterEach(() => pool.closeRoles());
    afterAll(() => pool.closeAll());

    test('ECHO returns the same bytes, NULs and empty included', async () => {
      const c = await pool.client(srv);
      expect(await c.echo(Buffer.from('ab\0cd'))).toEqual(Buffer.from('ab\0cd'));
      expect(await c.echo(Buffer.alloc(0))).toEqual(Buffer.alloc(0));
      const big = Buffer.alloc(256 * 1024, 7);
      expect((await c.echo(big)).equals(big)).toBe(true);
    });

    for (const priority of ['high', 'normal', 'low'] as const satisfies readonly Priority[]) {
      const supported = priority !== 'low' || be.modernPackets;
      test(`foreground ${priority} submit ${supported ? 'completes with the worker result' : `gets ERROR ${be.unsupportedCode}`}`, async () => {
        const fn = fname(`fg_${priority}`);
        const c = await pool.client(srv);
        const w = await pool.worker(srv);
        w.register(fn, (job) => reverse(job.data));
        w.work();
        const submit = c.submit({ function: fn, data: `payload-${priority}`, priority });
        if (!supported) {
          const err = await submit.then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(GearmanErrorReply);
          expect((err as GearmanErrorReply).serverCode).toBe(be.unsupportedCode);
          // The connection stays usable after an ERROR.
          expect((await c.echo('still-there')).toString()).toBe('still-there');
          return;
        }
        const job = await submit;
        expect(job.handle).toMatch(/^\S+$/);
        const r = await job.result(5000);
        expect(r.outcome).toBe('complete');
        expect(r.data.toString()).toBe(reverse(Buffer.from(`payload-${priority}`)).toString());
      });
    }

    for (const priority of ['high', 'normal', 'low'] as const satisfies readonly Priority[]) {
      const supported = priority === 'normal' || be.modernPackets;
      test(`background ${priority} submit ${supported ? 'runs on a worker and relays nothing' : `gets ERROR ${be.unsupportedCode}`}`, async () => {
        const fn = fname(`bg_${priority}`);
        const c = await pool.client(srv);
        const submit = c.submit({ function: fn, data: 'bg-data', priority, background: true });
        if (!supported) {
          await expect(submit).rejects.toMatchObject({ serverCode: be.unsupportedCode });
          return;
        }
        const job = await submit;
        const seen: string[] = [];
        const w = await pool.worker(srv);
        w.register(fn, (j) => {
          seen.push(`${j.handle}:${j.data.toString()}`);
          return 'done';
        });
        w.work();
        await w.waitForNotice((n) => n.kind === 'job-end' && n.handle === job.handle, 5000);
        expect(seen).toEqual([`${job.handle}:bg-data`]);
        await expect(job.result(100)).rejects.toMatchObject({ code: 'GEARSPEC_USAGE' });
        // Background results go nowhere: the client saw no event and no orphan for it.
        await sleep(100);
        expect(job.events).toEqual([]);
        expect(c.orphans.filter((o) => o.handle === job.handle)).toEqual([]);
      });
    }

    test('many jobs multiplexed on one connection each get their own result', async () => {
      const fn = fname('mux');
      const c = await pool.client(srv);
      for (let i = 0; i < 2; i++) {
        const w = await pool.worker(srv, { concurrency: 3 });
        w.register(fn, async (job) => {
          await sleep(Number(job.data.toString().split(':')[1]) % 7);
          return `r-${job.data.toString()}`;
        });
        w.work();
      }
      const inputs = Array.from({ length: 30 }, (_, i) => `in:${i}`);
      const jobs = await Promise.all(inputs.map((data) => c.submit({ function: fn, data })));
      expect(new Set(jobs.map((j) => j.handle)).size).toBe(inputs.length);
      const results = await Promise.all(jobs.map((j) => j.result(10_000)));
      expect(results.map((r) => r.data.toString())).toEqual(inputs.map((d) => `r-${d}`));
    });

    test(`work events are relayed in order${be.modernPackets ? '' : ' (Perl: WORK_DATA/WORK_WARNING refused, not relayed)'}`, async () => {
      const fn = fname('events');
      const c = await pool.client(srv);
      const w = await pool.worker(srv);
      w.register(fn, (job) => {
        job.sendStatus(1, 3);
        job.sendData('part-1');
        job.sendWarning('careful');
        job.sendStatus(2, 3);
        job.sendData(Buffer.from([0, 1, 0]));
        return 'final';
      });
      w.work();
      const job = await c.submit({ function: fn, data: 'x' });
      const r = await job.result(5000);
      expect(r.outcome).toBe('complete');
      expect(r.data.toString()).toBe('final');
      const shape = r.events.map((e) => (e.type === 'status' ? `status ${e.numerator}/${e.denominator}` : `${e.type} ${e.data?.toString('hex')}`));
      if (be.modernPackets) {
        expect(shape).toEqual([
          'status 1/3',
          `data ${Buffer.from('part-1').toString('hex')}`,
          `warning ${Buffer.from('careful').toString('hex')}`,
          'status 2/3',
          'data 000100',
          `complete ${Buffer.from('final').toString('hex')}`,
        ]);
      } else {
        expect(shape).toEqual(['status 1/3', 'status 2/3', `complete ${Buffer.from('final').toString('hex')}`]);
        // Perl answers each WORK_DATA/WORK_WARNING with ERROR server_error on the worker's connection.
        await until(() => w.notices.filter((n) => n.kind === 'error-reply').length >= 3, 3000);
        const refused = w.notices.filter((n) => n.kind === 'error-reply');
        expect(refused).toHaveLength(3);
        expect(refused.every((n) => n.kind === 'error-reply' && n.code === 'server_error' && !n.duringGrab)).toBe(true);
      }
    });

    test('a handler that throws gives the client a fail outcome', async () => {
      const fn = fname('fail');
      const c = await pool.client(srv);
      const w = await pool.worker(srv);
      w.register(fn, () => {
        throw new Error('handler refuses');
      });
      w.work();
      const r = await (await c.submit({ function: fn, data: 'x' })).result(5000);
      expect(r.outcome).toBe('fail');
      expect(r.data.length).toBe(0);
    });

    test(`WORK_EXCEPTION is ${be.exception} for a client with the exceptions option`, async () => {
      const fn = fname('exc');
      const c = await pool.client(srv, { exceptionSemantics: be.exception });
      expect(await c.setOption('exceptions')).toBe('exceptions');
      expect(c.exceptionsEnabled).toBe(true);
      const w = await pool.worker(srv, { exceptionSemantics: be.exception });
      w.register(fn, (job) => job.exception('boom'));
      w.work();
      const r = await (await c.submit({ function: fn, data: 'x' })).result(5000);
      if (be.exception === 'terminal') {
        expect(r.outcome).toBe('exception');
        expect(r.data.toString()).toBe('boom');
      } else {
        // Perl relays the exception and keeps the job until the worker's WORK_FAIL.
        expect(r.events.map((e) => e.type)).toEqual(['exception', 'fail']);
        expect(r.outcome).toBe('fail');
        expect(r.exception?.toString()).toBe('boom');
      }
    });

    test(`WORK_EXCEPTION to a client without the option: ${be.exception === 'terminal' ? 'WORK_FAIL' : 'nothing until the WORK_FAIL'}`, async () => {
      const fn = fname('exc_noopt');
      const c = await pool.client(srv, { exceptionSemantics: be.exception });
      const w = await pool.worker(srv, { exceptionSemantics: be.exception });
      w.register(fn, (job) => job.exception('boom'));
      w.work();
      const r = await (await c.submit({ function: fn, data: 'x' })).result(5000);
      expect(r.events.map((e) => e.type)).toEqual(['fail']);
    });

    test('OPTION_REQ for an unknown option is an ERROR reply', async () => {
      const c = await pool.client(srv);
      const err = await c.setOption('bogus').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GearmanErrorReply);
      expect((err as GearmanErrorReply).serverCode.toLowerCase()).toBe('unknown_option');
      expect(c.exceptionsEnabled).toBe(false);
    });

    test('GET_STATUS follows a job: queued, running with progress, gone', async () => {
      const fn = fname('status');
      const c = await pool.client(srv);
      const job = await c.submit({ function: fn, data: 'x', background: true });
      const queued = await c.getStatus(job.handle);
      const zero = be.statusWithoutProgress === 'zeros' ? '0' : '';
      expect(queued).toEqual({ handle: job.handle, known: true, running: false, numerator: zero, denominator: zero });

      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const w = await pool.worker(srv);
      w.register(fn, async (j) => {
        j.sendStatus(3, 7);
        await gate;
        return 'ok';
      });
      w.work();
      await w.waitForNotice((n) => n.kind === 'job-start', 5000);
      // The status packet and our query travel on different connections; poll briefly.
      let running = await c.getStatus(job.handle);
      for (let i = 0; i < 50 && running.numerator !== '3'; i++) {
        await sleep(20);
        running = await c.getStatus(job.handle);
      }
      expect(running).toEqual({ handle: job.handle, known: true, running: true, numerator: '3', denominator: '7' });
      release();
      await w.waitForNotice((n) => n.kind === 'job-end', 5000);
      await sleep(50);
      const gone = await c.getStatus(job.handle);
      expect(gone.known).toBe(false);
      expect(gone.running).toBe(false);
      // Any connection may ask, not only the submitter's.
      const other = await pool.client(srv);
      expect((await other.getStatus('H:no-such:1')).known).toBe(false);
    });

    test(`GET_STATUS_UNIQUE ${be.modernPackets ? 'counts the waiting clients' : `gets ERROR ${be.unsupportedCode}`}`, async () => {
      const fn = fname('gsu');
      const unique = `u-${fn}`;
      const c1 = await pool.client(srv);
      if (!be.modernPackets) {
        await expect(c1.getStatusUnique(unique)).rejects.toMatchObject({ serverCode: be.unsupportedCode });
        return;
      }
      const c2 = await pool.client(srv);
      const j1 = await c1.submit({ function: fn, data: 'one', unique });
      const j2 = await c2.submit({ function: fn, data: 'two', unique });
      expect(j2.handle).toBe(j1.handle); // coalesced on (function, unique)
      const st = await c1.getStatusUnique(unique);
      expect(st).toMatchObject({ unique, known: true, running: false, waitingClients: 2 });
      expect((await c1.getStatusUnique(`${unique}-nope`)).known).toBe(false);
      const w = await pool.worker(srv);
      const seen: string[] = [];
      w.register(fn, (j) => {
        seen.push(j.data.toString());
        return 'shared';
      });
      w.work();
      const [r1, r2] = await Promise.all([j1.result(5000), j2.result(5000)]);
      expect([r1.data.toString(), r2.data.toString()]).toEqual(['shared', 'shared']);
      expect(seen).toEqual(['one']); // the first submitter's data wins
    });

    test(`SUBMIT_JOB_EPOCH ${be.modernPackets ? 'runs a past epoch now and holds a future one' : `gets ERROR ${be.unsupportedCode}`}`, async () => {
      const fn = fname('epoch');
      const c = await pool.client(srv);
      const now = Math.floor(Date.now() / 1000);
      if (!be.modernPackets) {
        await expect(c.submit({ function: fn, data: 'x', epoch: now - 10 })).rejects.toMatchObject({ serverCode: be.unsupportedCode });
        return;
      }
      const future = await c.submit({ function: fn, data: 'future', epoch: now + 3600 });
      const past = await c.submit({ function: fn, data: 'past', epoch: now - 10 });
      expect(past.background && future.background).toBe(true);
      const seen: string[] = [];
      const w = await pool.worker(srv);
      w.register(fn, (j) => {
        seen.push(j.data.toString());
      });
      w.work();
      await w.waitForNotice((n) => n.kind === 'job-end' && n.handle === past.handle, 5000);
      await sleep(300);
      expect(seen).toEqual(['past']);
      expect(await c.getStatus(future.handle)).toMatchObject({ known: true, running: false });
    });

    for (const background of [false, true]) {
      test(`SUBMIT_REDUCE_JOB${background ? '_BACKGROUND' : ''} ${be.modernPackets ? 'reaches a GRAB_JOB_ALL worker with its reducer' : `gets ERROR ${be.unsupportedCode}`}`, async () => {
        const fn = fname('reduce');
        const c = await pool.client(srv);
        const submit = c.submit({ function: fn, data: 'map-me', reducer: 'my_reducer', unique: `ru-${fn}`, background });
        if (!be.modernPackets) {
          await expect(submit).rejects.toMatchObject({ serverCode: be.unsupportedCode });
          return;
        }
        const job = await submit;
        const w = await pool.worker(srv, { grab: 'GRAB_JOB_ALL' });
        const seen: string[] = [];
        w.register(fn, (j) => {
          seen.push(`${j.via} ${j.unique} ${j.reducer} ${j.data.toString()}`);
          return 'reduced';
        });
        w.work();
        if (background) await w.waitForNotice((n) => n.kind === 'job-end' && n.handle === job.handle, 5000);
        else expect((await job.result(5000)).data.toString()).toBe('reduced');
        expect(seen).toEqual([`JOB_ASSIGN_ALL ru-${fn} my_reducer map-me`]);
      });
    }

    test(`a 65-byte unique is ${be.uniqueLimit ? 'refused with ERROR ARGUMENT_TOO_LARGE' : 'accepted'}`, async () => {
      const c = await pool.client(srv);
      const submit = c.submit({ function: fname('longu'), data: 'x', unique: 'u'.repeat(65), background: true });
      if (be.uniqueLimit) {
        const err = await submit.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(GearmanErrorReply);
        expect(err).toMatchObject({ serverCode: 'ARGUMENT_TOO_LARGE' });
        // Later submits on the same connection still line up with their replies.
        const ok = await c.submit({ function: fname('after'), data: 'y', background: true });
        expect((await c.getStatus(ok.handle)).known).toBe(true);
      } else {
        await expect(submit).resolves.toMatchObject({ background: true });
      }
    });

    test('SET_CLIENT_ID has no reply and leaves the connection in step', async () => {
      const c = await pool.client(srv);
      c.setClientId('cw-client');
      expect((await c.echo('after-id')).toString()).toBe('after-id');
    });

    test('every wait has a deadline: result() with no worker times out', async () => {
      const c = await pool.client(srv);
      const job = await c.submit({ function: fname('noworker'), data: 'x' });
      const t0 = Date.now();
      const err = await job.result(200).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TimeoutError);
      expect(Date.now() - t0).toBeLessThan(2000);
      await expect(job.nextEvent(50)).rejects.toBeInstanceOf(TimeoutError);
    });

    test('closing the client fails pending jobs and later calls with ConnectionClosedError', async () => {
      const c = await pool.client(srv);
      const job = await c.submit({ function: fname('closing'), data: 'x' });
      const pending = job.result(5000);
      await c.close();
      await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
      await expect(c.echo('x')).rejects.toBeInstanceOf(ConnectionClosedError);
      await expect(c.submit({ function: 'f', data: 'x' })).rejects.toBeInstanceOf(ConnectionClosedError);
    });
  });

  describe.skipIf(unavailable(kind) !== undefined)(`client against ${kind}: server goes away`, () => {
    const pool = new Pool();
    afterAll(() => pool.closeAll());

    test('a server stop fails the pending job and pending requests with ConnectionClosedError', async () => {
      const srv = await pool.server(kind);
      const c = await pool.client(srv);
      const job = await c.submit({ function: fname('srvstop'), data: 'x' });
      // Settle-handler attached before the stop, so the rejection is never unhandled.
      const result = job.result(5000).then(
        () => undefined,
        (e: unknown) => e,
      );
      await srv.stop();
      expect(await result).toBeInstanceOf(ConnectionClosedError);
      expect(c.closed).toBe(true);
    });
  });
}
