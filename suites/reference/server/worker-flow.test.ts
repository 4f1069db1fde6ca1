/** Worker flow: sleep and wake-up, requeue on disconnect/timeout/CANT_DO, retries, epoch jobs, orphaned jobs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T } from '../../../src/protocol/constants.js';
import { req } from '../../../src/protocol/packet.js';
import { WAIT_MS, args, grab, quiet, statusRows, submit, sync, worker, sharedHarness, nameFactory, type Harness, startHarness } from './helpers.js';

const h = sharedHarness();

const fresh = nameFactory();

describe('PRE_SLEEP and NOOP', () => {
  it('wakes every sleeping worker of the function once, however many jobs arrive', async () => {
    const fn = fresh('f_wake');
    const sleepers = [];
    for (let i = 0; i < 5; i++) {
      const w = await worker(h, fn);
      w.send(req(T.PRE_SLEEP));
      await sync(w);
      sleepers.push(w);
    }
    const c = await h.connect();
    await submit(c, fn, 'a', { type: T.SUBMIT_JOB_BG });
    await submit(c, fn, 'b', { type: T.SUBMIT_JOB_BG });
    for (const w of sleepers) {
      expect((await w.nextPacket(WAIT_MS)).type).toBe(T.NOOP);
      expect(await quiet(w, 100)).toBe('timeout'); // one NOOP per sleep
    }
  });

  it('answers PRE_SLEEP with an immediate NOOP when work waits; nothing otherwise', async () => {
    const fn = fresh('f_ps');
    const w = await worker(h, fn);
    w.send(req(T.PRE_SLEEP));
    expect(await quiet(w)).toBe('timeout');
    const c = await h.connect();
    await submit(c, fn, 'x', { type: T.SUBMIT_JOB_BG });
    expect((await w.nextPacket(WAIT_MS)).type).toBe(T.NOOP);
    const w2 = await worker(h, fn);
    w2.send(req(T.PRE_SLEEP));
    expect((await w2.nextPacket(WAIT_MS)).type).toBe(T.NOOP);
  });

  it('does not wake workers of other functions; a new sleep after a grab gets a new NOOP', async () => {
    const fn = fresh('f_sel');
    const other = await worker(h, fresh('f_unrelated'));
    other.send(req(T.PRE_SLEEP));
    const w = await worker(h, fn);
    w.send(req(T.PRE_SLEEP));
    await sync(w);
    const c = await h.connect();
    await submit(c, fn, '1', { type: T.SUBMIT_JOB_BG });
    expect((await w.nextPacket(WAIT_MS)).type).toBe(T.NOOP);
    await grab(w);
    w.send(req(T.PRE_SLEEP));
    await sync(w);
    await submit(c, fn, '2', { type: T.SUBMIT_JOB_BG });
    expect((await w.nextPacket(WAIT_MS)).type).toBe(T.NOOP);
    expect(await quiet(other)).toBe('timeout');
  });

  // gearmand clears a worker's noop_sent flag on a grab, not on PRE_SLEEP; the model and gearmand
  // agree, the server once re-armed on every PRE_SLEEP (differential fuzzer, seed 1163348247).
  it('a worker woken once and sleeping again without a grab gets no second NOOP until it grabs', async () => {
    const fn = fresh('f_rearm');
    const w = await worker(h, fn);
    w.send(req(T.PRE_SLEEP));
    await sync(w);
    const c = await h.connect();
    const first = await submit(c, fn, '1', { type: T.SUBMIT_JOB_BG });
    expect((await w.nextPacket(WAIT_MS)).type).toBe(T.NOOP);
    // Another worker takes that job; the first one goes back to sleep without grabbing.
    const taker = await worker(h, fn);
    expect(args(await grab(taker))[0]).toBe(first);
    w.send(req(T.PRE_SLEEP));
    await sync(w);
    await submit(c, fn, '2', { type: T.SUBMIT_JOB_BG });
    expect(await quiet(w, 300)).toBe('timeout');
    // A grab clears the flag: the next sleep is woken again.
    expect(args(await grab(w))[1]).toBe(fn);
    w.send(req(T.PRE_SLEEP));
    await sync(w);
    await submit(c, fn, '3', { type: T.SUBMIT_JOB_BG });
    expect((await w.nextPacket(WAIT_MS)).type).toBe(T.NOOP);
  });

  it('nor does a new CAN_DO for a function with work waiting wake it (model-server seed 1227356528)', async () => {
    const fn = fresh('f_rearm_cando');
    const other = fresh('f_rearm_other');
    const w = await worker(h, fn);
    w.send(req(T.PRE_SLEEP));
    await sync(w);
    const c = await h.connect();
    const first = await submit(c, fn, '1', { type: T.SUBMIT_JOB_BG });
    expect((await w.nextPacket(WAIT_MS)).type).toBe(T.NOOP);
    const taker = await worker(h, fn);
    expect(args(await grab(taker))[0]).toBe(first);
    w.send(req(T.PRE_SLEEP));
    await sync(w);
    await submit(c, other, 'waiting', { type: T.SUBMIT_JOB_BG });
    w.send(req(T.CAN_DO, other));
    expect(await quiet(w, 300)).toBe('timeout');
    // It still gets the job when it grabs.
    expect(args(await grab(w))[1]).toBe(other);
  });
});

describe('requeue', () => {
  it('no job lost: a worker that closes mid-job → the job goes to another worker, client sees the result', async () => {
    const fn = fresh('f_lost');
    const c = await h.connect();
    const handle = await submit(c, fn, 'payload');
    const w1 = await worker(h, fn);
    expect(args(await grab(w1))).toEqual([handle, fn, 'payload']);
    const sleeper = await worker(h, fn);
    sleeper.send(req(T.PRE_SLEEP));
    await sync(sleeper);
    w1.send(req(T.WORK_DATA, handle, 'partial'));
    expect(args(await c.expect([T.WORK_DATA], WAIT_MS))).toEqual([handle, 'partial']);
    w1.close();
    expect((await sleeper.nextPacket(WAIT_MS)).type).toBe(T.NOOP); // requeue wakes sleepers
    expect(args(await grab(sleeper))).toEqual([handle, fn, 'payload']);
    const admin = await h.connect();
    expect((await admin.admin('show jobs', WAIT_MS)).find((l) => l.startsWith(`${handle}\t`))).toBe(`${handle}\t1\t0\t0`);
    sleeper.send(req(T.WORK_COMPLETE, handle, 'ok'));
    expect(args(await c.expect([T.WORK_COMPLETE], WAIT_MS))).toEqual([handle, 'ok']);
  });

  it('CANT_DO and RESET_ABILITIES requeue held jobs; the old holder’s result is rejected', async () => {
    const fn = fresh('f_cant');
    const c = await h.connect();
    const handle = await submit(c, fn, 'x');
    const w = await worker(h, fn);
    await grab(w);
    w.send(req(T.CANT_DO, fn));
    w.send(req(T.WORK_COMPLETE, handle, 'late'));
    expect(args(await w.expect([T.ERROR], WAIT_MS))[0]).toBe('JOB_NOT_FOUND');
    const w2 = await worker(h, fn);
    expect(args(await grab(w2))[0]).toBe(handle);
    w2.send(req(T.RESET_ABILITIES));
    await sync(w2);
    expect((await grab(w2)).type).toBe(T.NO_JOB); // no abilities any more
    const w3 = await worker(h, fn);
    expect(args(await grab(w3))[0]).toBe(handle);
    expect(await quiet(c)).toBe('timeout');
  });

  // gearmand 1.1.20 gives a worker's jobs back most recently taken first (its worker job list is
  // pushed at take time and requeued from the head); the model and gearmand agree, the server
  // once requeued in take order (model-server fuzzer, seed 1161357094).
  it.each(['close', 'CANT_DO', 'RESET_ABILITIES'] as const)('%s while holding two jobs of one priority: the one taken last is handed out first again', async (how) => {
    const fn = fresh('f_order');
    const c = await h.connect();
    const first = await submit(c, fn, 'A', { type: T.SUBMIT_JOB_HIGH });
    const second = await submit(c, fn, 'B', { type: T.SUBMIT_JOB_HIGH });
    const w1 = await worker(h, fn);
    expect(args(await grab(w1))[0]).toBe(first);
    expect(args(await grab(w1))[0]).toBe(second);
    const admin = await h.connect();
    if (how === 'close') {
      w1.close();
      const deadline = Date.now() + WAIT_MS;
      while ((await statusRows(admin)).get(fn)?.[1] !== '0' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    } else {
      w1.send(how === 'CANT_DO' ? req(T.CANT_DO, fn) : req(T.RESET_ABILITIES));
      await sync(w1);
    }
    expect((await statusRows(admin)).get(fn)?.slice(0, 2)).toEqual(['2', '0']); // both queued again
    const w2 = await worker(h, fn);
    expect(args(await grab(w2))).toEqual([second, fn, 'B']);
    expect(args(await grab(w2))).toEqual([first, fn, 'A']);
    expect(await quiet(c)).toBe('timeout'); // clients are not told
  });

  it('CAN_DO_TIMEOUT (ms, 1-999 → 1000): requeued on expiry, clients not told, counters never wrap', async () => {
    const fn = fresh('f_to');
    const c = await h.connect();
    const handle = await submit(c, fn, 'x');
    const w = await h.connect();
    w.send(req(T.CAN_DO_TIMEOUT, fn, '1'));
    await sync(w);
    const t0 = Date.now();
    await grab(w);
    const admin = await h.connect();
    await new Promise((r) => setTimeout(r, 600));
    const early = (await statusRows(admin)).get(fn);
    if (Date.now() - t0 < 1000) expect(early).toEqual(['1', '1', '1']); // still running before 1000 ms
    let row: string[] | undefined;
    do {
      await new Promise((r) => setTimeout(r, 50));
      row = (await statusRows(admin)).get(fn);
    } while (row?.[1] === '1' && Date.now() - t0 < 10_000);
    expect(row).toEqual(['1', '0', '1']); // requeued, not failed
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000); // "1" was raised to 1000 ms
    c.send(req(T.GET_STATUS, handle));
    expect(args(await c.expect([T.STATUS_RES], WAIT_MS))).toEqual([handle, '1', '0', '0', '0']);
    const again = await grab(w);
    expect(args(again)[0]).toBe(handle);
    w.send(req(T.WORK_COMPLETE, handle, 'ok'));
    expect(args(await c.expect([T.WORK_COMPLETE], WAIT_MS))).toEqual([handle, 'ok']);
    await new Promise((r) => setTimeout(r, 1200)); // the second timer must not fire after completion
    expect((await statusRows(admin)).get(fn)).toEqual(['0', '0', '1']);
  });

  it('CAN_DO_TIMEOUT with a malformed timeout: ERROR INVALID_PACKET, connection kept', async () => {
    const w = await h.connect();
    w.send(req(T.CAN_DO_TIMEOUT, 'f', '123456789012345678901'));
    expect(args(await w.expect([T.ERROR], WAIT_MS))[0]).toBe('INVALID_PACKET');
    await sync(w);
  });

  it('a foreground job whose client left is dropped when a worker would take it', async () => {
    const fn = fresh('f_orph');
    const c = await h.connect();
    const handle = await submit(c, fn, 'x');
    c.close();
    const admin = await h.connect();
    await new Promise((r) => setTimeout(r, 50));
    expect(await admin.admin('show jobs', WAIT_MS)).toContain(`${handle}\t0\t1\t0`);
    expect((await statusRows(admin)).get(fn)).toEqual(['1', '0', '0']); // still counted, as on gearmand
    const w = await worker(h, fn);
    expect((await grab(w)).type).toBe(T.NO_JOB);
    expect((await statusRows(admin)).get(fn)).toEqual(['0', '0', '1']);
  });
});

describe('retries limit', () => {
  let hr: Harness;
  beforeAll(async () => {
    hr = await startHarness({ jobRetries: 2 });
  });
  afterAll(() => hr.close());

  it('with jobRetries 2: two attempts, then WORK_FAIL to the client and the job is gone', async () => {
    const c = await hr.connect();
    const handle = await submit(c, 'f_retry', 'x');
    for (let i = 0; i < 2; i++) {
      const w = await worker(hr, 'f_retry');
      expect(args(await grab(w))[0]).toBe(handle);
      w.close();
    }
    const f = await c.expect([T.WORK_FAIL], WAIT_MS);
    expect(f.args).toEqual([Buffer.from(handle)]);
    const w = await worker(hr, 'f_retry');
    expect((await grab(w)).type).toBe(T.NO_JOB);
    hr.closeConnections();
  });
});

describe('SUBMIT_JOB_EPOCH', () => {
  it('runs a future job at its time, by timer, waking a sleeping worker with nothing else arriving', async () => {
    const fn = fresh('f_epoch');
    const w = await worker(h, fn);
    const c = await h.connect();
    const at = Math.ceil(Date.now() / 1000) + 1;
    c.send(req(T.SUBMIT_JOB_EPOCH, fn, '', String(at), 'later'));
    const handle = args(await c.expect([T.JOB_CREATED], WAIT_MS))[0];
    expect((await grab(w)).type).toBe(T.NO_JOB);
    expect((await statusRows(await h.connect())).get(fn)).toEqual(['1', '0', '1']);
    w.send(req(T.PRE_SLEEP));
    expect((await w.nextPacket(10_000)).type).toBe(T.NOOP);
    expect(Date.now()).toBeGreaterThanOrEqual(at * 1000);
    expect(args(await grab(w))).toEqual([handle, fn, 'later']);
  });

  it('past or non-numeric epoch runs at once', async () => {
    const fn = fresh('f_epoch_past');
    const c = await h.connect();
    c.send(req(T.SUBMIT_JOB_EPOCH, fn, '', String(Math.floor(Date.now() / 1000) - 10), 'past'));
    c.send(req(T.SUBMIT_JOB_EPOCH, fn, '', 'abc', 'nonnumeric'));
    await c.expect([T.JOB_CREATED], WAIT_MS);
    await c.expect([T.JOB_CREATED], WAIT_MS);
    const w = await worker(h, fn);
    expect(args(await grab(w))[2]).toBe('past');
    expect(args(await grab(w))[2]).toBe('nonnumeric');
  });
});
