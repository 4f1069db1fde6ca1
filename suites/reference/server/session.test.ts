/** GET_STATUS, GET_STATUS_UNIQUE, OPTION_REQ, SET_CLIENT_ID, maxqueue rejection. */
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/protocol/constants.js';
import { req } from '../../../src/protocol/packet.js';
import { WAIT_MS, args, grab, submit, sync, worker, sharedHarness, startHarness } from './helpers.js';

const h = sharedHarness();

describe('GET_STATUS', () => {
  it('known/running/num/den through a job’s life, from any connection', async () => {
    const c = await h.connect();
    const other = await h.connect();
    const handle = await submit(c, 'f_gs', 'x', { type: T.SUBMIT_JOB_BG });
    const status = async (): Promise<string[]> => {
      other.send(req(T.GET_STATUS, handle));
      return args(await other.expect([T.STATUS_RES], WAIT_MS));
    };
    expect(await status()).toEqual([handle, '1', '0', '0', '0']);
    const w = await worker(h, 'f_gs');
    await grab(w);
    expect(await status()).toEqual([handle, '1', '1', '0', '0']);
    w.send(req(T.WORK_STATUS, handle, '3', '7'));
    await sync(w);
    expect(await status()).toEqual([handle, '1', '1', '3', '7']);
    w.send(req(T.WORK_COMPLETE, handle, ''));
    await sync(w);
    expect(await status()).toEqual([handle, '0', '0', '0', '0']);
  });

  it('unknown handle: known 0', async () => {
    const c = await h.connect();
    c.send(req(T.GET_STATUS, 'H:nohost:777'));
    expect(args(await c.expect([T.STATUS_RES], WAIT_MS))).toEqual(['H:nohost:777', '0', '0', '0', '0']);
  });
});

describe('GET_STATUS_UNIQUE', () => {
  it('echoes the unique and counts waiting clients', async () => {
    const c1 = await h.connect();
    const c2 = await h.connect();
    await submit(c1, 'f_gsu', 'x', { unique: 'gsu1' });
    await submit(c2, 'f_gsu', 'x', { unique: 'gsu1' });
    c1.send(req(T.GET_STATUS_UNIQUE, 'gsu1'));
    expect(args(await c1.expect([T.STATUS_RES_UNIQUE], WAIT_MS))).toEqual(['gsu1', '1', '0', '0', '0', '2']);
    c1.send(req(T.GET_STATUS_UNIQUE, 'nope'));
    expect(args(await c1.expect([T.STATUS_RES_UNIQUE], WAIT_MS))).toEqual(['nope', '0', '0', '0', '0', '0']);
  });
});

describe('OPTION_REQ', () => {
  it('exceptions is case-insensitive and echoed as sent; unknown options are an ERROR', async () => {
    const c = await h.connect();
    c.send(req(T.OPTION_REQ, 'EXCEPTIONS'));
    expect(args(await c.expect([T.OPTION_RES], WAIT_MS))).toEqual(['EXCEPTIONS']);
    c.send(req(T.OPTION_REQ, 'bogus'));
    expect(args(await c.expect([T.ERROR], WAIT_MS))).toEqual(['UNKNOWN_OPTION', 'Server does not recognize given option']);
  });

  it('exceptionsByDefault turns the option on for every connection', async () => {
    const hx = await startHarness({ exceptionsByDefault: true });
    try {
      const c = await hx.connect();
      const handle = await submit(c, 'f_x', 'x');
      const w = await worker(hx, 'f_x');
      await grab(w);
      w.send(req(T.WORK_EXCEPTION, handle, 'e'));
      expect(args(await c.expect([T.WORK_EXCEPTION], WAIT_MS))).toEqual([handle, 'e']);
    } finally {
      await hx.close();
    }
  });
});

describe('SET_CLIENT_ID', () => {
  it('is kept verbatim and truncated to 127 bytes', async () => {
    const w = await worker(h, 'f_id1', 'f_id2');
    w.send(req(T.SET_CLIENT_ID, 'my worker id'));
    w.send(req(T.CAN_DO, 'f_id1')); // repeated: registered once (documented)
    await sync(w);
    const long = await h.connect();
    long.send(req(T.SET_CLIENT_ID, 'x'.repeat(200)));
    await sync(long);
    const lines = await (await h.connect()).admin('workers', WAIT_MS);
    expect(lines.some((l) => / 127\.0\.0\.1 my worker id : f_id1 f_id2$/.test(l))).toBe(true);
    expect(lines.some((l) => l.endsWith(` ${'x'.repeat(127)} :`))).toBe(true);
  });
});

describe('maxqueue', () => {
  it('rejects new jobs over the limit with QUEUE_ERROR; coalesced submits pass; 0 removes it', async () => {
    const admin = await h.connect();
    // Set before the function exists: kept and applied when it appears (documented choice).
    expect(await admin.admin('maxqueue f_mq 2', WAIT_MS)).toEqual(['OK']);
    const c = await h.connect();
    await submit(c, 'f_mq', 'a', { type: T.SUBMIT_JOB_BG, unique: 'a' });
    await submit(c, 'f_mq', 'b', { type: T.SUBMIT_JOB_BG });
    c.send(req(T.SUBMIT_JOB_BG, 'f_mq', '', 'c'));
    expect(args(await c.expect([T.ERROR], WAIT_MS))).toEqual(['QUEUE_ERROR', 'Job queue is full']);
    await submit(c, 'f_mq', 'a', { type: T.SUBMIT_JOB_BG, unique: 'a' });
    expect(await admin.admin('maxqueue f_mq 0', WAIT_MS)).toEqual(['OK']);
    await submit(c, 'f_mq', 'c', { type: T.SUBMIT_JOB_BG });
  });

  it('per-priority limits: maxqueue F 1 5 0', async () => {
    const admin = await h.connect();
    const c = await h.connect();
    await submit(c, 'f_mqp', 'seed', { type: T.SUBMIT_JOB_BG });
    expect(await admin.admin('maxqueue f_mqp 1 5 0', WAIT_MS)).toEqual(['OK']);
    c.send(req(T.SUBMIT_JOB_HIGH_BG, 'f_mqp', '', 'h'));
    expect(args(await c.expect([T.ERROR], WAIT_MS))[0]).toBe('QUEUE_ERROR');
    await submit(c, 'f_mqp', 'n', { type: T.SUBMIT_JOB_BG });
    await submit(c, 'f_mqp', 'l', { type: T.SUBMIT_JOB_LOW_BG });
    const rows = await admin.admin('prioritystatus', WAIT_MS);
    expect(rows).toContain('f_mqp\t0\t2\t1\t0');
  });
});
