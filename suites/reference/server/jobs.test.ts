/** Submit, grab and relay: priorities, coalescing, grab variants, result relay, exceptions, ownership. */
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/protocol/constants.js';
import { encodeFrame } from '../../../src/protocol/encoder.js';
import { req } from '../../../src/protocol/packet.js';
import { WAIT_MS, args, grab, quiet, statusRows, submit, worker, sharedHarness, nameFactory } from './helpers.js';

const h = sharedHarness();

const fresh = nameFactory();

describe('submit and assign', () => {
  it('assigns every priority in order: HIGH, NORMAL, LOW, FIFO within each', async () => {
    const fn = fresh('f_prio');
    const c = await h.connect();
    const order = [
      [T.SUBMIT_JOB_LOW_BG, 'L1'],
      [T.SUBMIT_JOB_BG, 'N1'],
      [T.SUBMIT_JOB_HIGH_BG, 'H1'],
      [T.SUBMIT_JOB_HIGH, 'H2'],
      [T.SUBMIT_JOB, 'N2'],
      [T.SUBMIT_JOB_LOW, 'L2'],
    ] as const;
    for (const [type, data] of order) await submit(c, fn, data, { type });
    const w = await worker(h, fn);
    const got: string[] = [];
    for (let i = 0; i < 6; i++) got.push(args(await grab(w))[2]!);
    expect(got).toEqual(['H1', 'H2', 'N1', 'N2', 'L1', 'L2']);
    expect((await grab(w)).type).toBe(T.NO_JOB);
  });

  it('orders priorities globally across a worker’s functions (documented choice)', async () => {
    const fa = fresh('f_xa');
    const fb = fresh('f_xb');
    const c = await h.connect();
    await submit(c, fa, 'low-a', { type: T.SUBMIT_JOB_LOW_BG });
    await submit(c, fb, 'normal-b', { type: T.SUBMIT_JOB_BG });
    await submit(c, fa, 'normal-a', { type: T.SUBMIT_JOB_BG });
    await submit(c, fb, 'high-b', { type: T.SUBMIT_JOB_HIGH_BG });
    const w = await worker(h, fb, fa); // gearmand 1.1.20 would serve fa (registered last) first
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push(args(await grab(w))[2]!);
    expect(got).toEqual(['high-b', 'normal-b', 'normal-a', 'low-a']);
  });

  it('answers each grab variant with its assign packet', async () => {
    const fn = fresh('f_grab');
    const c = await h.connect();
    const h1 = await submit(c, fn, 'data-g1', { unique: 'g1', type: T.SUBMIT_JOB_BG });
    const h2 = await submit(c, fn, 'data-g2', { unique: 'g2', type: T.SUBMIT_JOB_BG });
    const h3 = await submit(c, fn, 'data-g3', { unique: 'g3', type: T.SUBMIT_JOB_BG });
    c.send(req(T.SUBMIT_REDUCE_JOB_BACKGROUND, fn, 'ur', 'reducer', 'ignored-aggregator', 'data-r'));
    const h4 = args(await c.expect([T.JOB_CREATED], WAIT_MS))[0];
    const w = await worker(h, fn);
    const a1 = await grab(w, T.GRAB_JOB);
    expect([a1.type, ...args(a1)]).toEqual([T.JOB_ASSIGN, h1, fn, 'data-g1']);
    const a2 = await grab(w, T.GRAB_JOB_UNIQ);
    expect([a2.type, ...args(a2)]).toEqual([T.JOB_ASSIGN_UNIQ, h2, fn, 'g2', 'data-g2']);
    const a3 = await grab(w, T.GRAB_JOB_ALL);
    expect([a3.type, ...args(a3)]).toEqual([T.JOB_ASSIGN_UNIQ, h3, fn, 'g3', 'data-g3']);
    const a4 = await grab(w, T.GRAB_JOB_ALL);
    expect([a4.type, ...args(a4)]).toEqual([T.JOB_ASSIGN_ALL, h4, fn, 'ur', 'reducer', 'data-r']);
    for (const t of [T.GRAB_JOB, T.GRAB_JOB_UNIQ, T.GRAB_JOB_ALL]) expect((await grab(w, t)).type).toBe(T.NO_JOB);
  });

  it('GRAB_JOB with no CAN_DO gets NO_JOB', async () => {
    const w = await h.connect();
    expect((await grab(w)).type).toBe(T.NO_JOB);
  });

  it('unique over 64 bytes: ERROR ARGUMENT_TOO_LARGE; 64 accepted', async () => {
    const c = await h.connect();
    c.send(req(T.SUBMIT_JOB_BG, fresh('f_lu'), 'u'.repeat(65), 'x'));
    const e = await c.expect([T.ERROR], WAIT_MS);
    expect(args(e)).toEqual(['ARGUMENT_TOO_LARGE', 'Unique value too large']);
    await submit(c, fresh('f_lu'), 'x', { unique: 'u'.repeat(64), type: T.SUBMIT_JOB_BG });
  });
});

describe('coalescing', () => {
  it('same (function, unique) shares one handle and the first data, queued or running; late joiners get later packets', async () => {
    const fn = fresh('f_co');
    const c1 = await h.connect('c1');
    const c2 = await h.connect('c2');
    const c3 = await h.connect('c3');
    const handle = await submit(c1, fn, 'data1', { unique: 'k' });
    expect(await submit(c2, fn, 'DIFFERENT', { unique: 'k' })).toBe(handle);
    expect(await submit(c1, fresh('f_other'), 'data1', { unique: 'k' })).not.toBe(handle);
    const w = await worker(h, fn);
    const a = await grab(w);
    expect(args(a)).toEqual([handle, fn, 'data1']);
    w.send(req(T.WORK_DATA, handle, 'early'));
    expect(args(await c1.expect([T.WORK_DATA], WAIT_MS))).toEqual([handle, 'early']);
    expect(args(await c2.expect([T.WORK_DATA], WAIT_MS))).toEqual([handle, 'early']);
    expect(await submit(c3, fn, 'late', { unique: 'k' })).toBe(handle); // joins while running
    w.send(req(T.WORK_STATUS, handle, '1', '2'));
    w.send(req(T.WORK_COMPLETE, handle, 'done'));
    for (const c of [c1, c2, c3]) {
      expect(args(await c.expect([T.WORK_STATUS], WAIT_MS))).toEqual([handle, '1', '2']);
      expect(args(await c.expect([T.WORK_COMPLETE], WAIT_MS))).toEqual([handle, 'done']);
    }
    // The unique is free again once the job ended.
    expect(await submit(c1, fn, 'again', { unique: 'k', type: T.SUBMIT_JOB_BG })).not.toBe(handle);
  });

  it('empty unique never coalesces; `-` coalesces on data unless the data is empty', async () => {
    const fn = fresh('f_dash');
    const c = await h.connect();
    const e1 = await submit(c, fn, 'same', { type: T.SUBMIT_JOB_BG });
    expect(await submit(c, fn, 'same', { type: T.SUBMIT_JOB_BG })).not.toBe(e1);
    const d1 = await submit(c, fn, 'payload', { unique: '-', type: T.SUBMIT_JOB_BG });
    expect(await submit(c, fn, 'payload', { unique: '-', type: T.SUBMIT_JOB_BG })).toBe(d1);
    expect(await submit(c, fn, 'other', { unique: '-', type: T.SUBMIT_JOB_BG })).not.toBe(d1);
    const z1 = await submit(c, fn, '', { unique: '-', type: T.SUBMIT_JOB_BG });
    expect(await submit(c, fn, '', { unique: '-', type: T.SUBMIT_JOB_BG })).not.toBe(z1);
  });

  it('a background submit matching adds no listener; a foreground one makes it relay', async () => {
    const fn = fresh('f_bgfg');
    const bg = await h.connect('bg');
    const fg = await h.connect('fg');
    const handle = await submit(bg, fn, 'x', { unique: 'u', type: T.SUBMIT_JOB_BG });
    expect(await submit(fg, fn, 'x', { unique: 'u' })).toBe(handle);
    const w = await worker(h, fn);
    await grab(w);
    w.send(req(T.WORK_COMPLETE, handle, 'r'));
    expect(args(await fg.expect([T.WORK_COMPLETE], WAIT_MS))).toEqual([handle, 'r']);
    expect(await quiet(bg)).toBe('timeout');
  });
});

describe('work results', () => {
  it('relays DATA, WARNING, STATUS, COMPLETE byte-exact (NULs in data) and ends the job', async () => {
    const fn = fresh('f_relay');
    const c = await h.connect();
    const handle = await submit(c, fn, 'in');
    const w = await worker(h, fn);
    await grab(w);
    const bin = Buffer.from([0, 1, 2, 0, 255]);
    const sent = [
      encodeFrame('REQ', T.WORK_DATA, Buffer.concat([Buffer.from(`${handle}\0`), bin])),
      encodeFrame('REQ', T.WORK_WARNING, Buffer.from(`${handle}\0warn\0ing`)),
      encodeFrame('REQ', T.WORK_STATUS, Buffer.from(`${handle}\x0050\x00100`)),
      encodeFrame('REQ', T.WORK_COMPLETE, Buffer.concat([Buffer.from(`${handle}\0`), bin])),
    ];
    w.sendRaw(Buffer.concat(sent));
    for (let i = 0; i < 4; i++) {
      const p = await c.nextPacket(WAIT_MS);
      expect(p.magic).toBe('RES');
      // Re-frame what arrived with REQ magic: it must equal what the worker sent, byte for byte.
      const frame = encodeFrame('REQ', p.type, Buffer.concat(p.args.flatMap((a, j) => (j === 0 ? [a] : [Buffer.from([0]), a]))));
      expect(frame.equals(sent[i]!)).toBe(true);
    }
    // A repeat from the connection that ended the job is dropped silently (tolerances.test.ts).
    w.send(req(T.WORK_COMPLETE, handle, 'again'));
    expect(await quiet(c)).toBe('timeout');
    expect(await quiet(w)).toBe('timeout');
  });

  it('relays WORK_FAIL as the handle only', async () => {
    const fn = fresh('f_fail');
    const c = await h.connect();
    const handle = await submit(c, fn, 'in');
    const w = await worker(h, fn);
    await grab(w);
    w.send(req(T.WORK_FAIL, handle));
    const p = await c.expect([T.WORK_FAIL], WAIT_MS);
    expect(p.args).toEqual([Buffer.from(handle)]);
  });

  it('WORK_EXCEPTION: WORK_EXCEPTION to clients with the option, WORK_FAIL (no trailing NUL) to others; terminal', async () => {
    const fn = fresh('f_exc');
    const withOpt = await h.connect('opt');
    const without = await h.connect('noopt');
    withOpt.send(req(T.OPTION_REQ, 'exceptions'));
    expect(args(await withOpt.expect([T.OPTION_RES], WAIT_MS))).toEqual(['exceptions']);
    const handle = await submit(withOpt, fn, 'x', { unique: 'e' });
    await submit(without, fn, 'x', { unique: 'e' });
    const w = await worker(h, fn);
    await grab(w);
    w.send(req(T.WORK_EXCEPTION, handle, 'boom'));
    expect(args(await withOpt.expect([T.WORK_EXCEPTION], WAIT_MS))).toEqual([handle, 'boom']);
    const f = await without.expect([T.WORK_FAIL], WAIT_MS);
    expect(f.args).toEqual([Buffer.from(handle)]);
    // Terminal: the worker's trailing WORK_FAIL (Perl's pattern) reaches nobody and gets no ERROR.
    w.send(req(T.WORK_FAIL, handle));
    expect(await quiet(without)).toBe('timeout');
    expect(await quiet(w)).toBe('timeout');
  });

  it('only the owning worker may report; others get gearmand’s JOB_NOT_FOUND texts', async () => {
    const fn = fresh('f_own');
    const c = await h.connect();
    const handle = await submit(c, fn, 'x');
    const owner = await worker(h, fn);
    await grab(owner);
    const other = await worker(h, fn);
    const cases = [
      [T.WORK_DATA, [handle, 'd'], 'Job does not exist on server'],
      [T.WORK_WARNING, [handle, 'd'], 'Job does not exist on server'],
      [T.WORK_STATUS, [handle, '1', '2'], 'Job given in work result not found'],
      [T.WORK_COMPLETE, [handle, 'd'], 'Job given in work result not found'],
      [T.WORK_FAIL, [handle], 'Job given in work result not found'],
      [T.WORK_EXCEPTION, [handle, 'd'], 'An exception was received for a job that does not exist'],
    ] as const;
    for (const [type, a, textWanted] of cases) {
      other.send(req(type, ...a));
      expect(args(await other.expect([T.ERROR], WAIT_MS))).toEqual(['JOB_NOT_FOUND', textWanted]);
    }
    expect(await quiet(c)).toBe('timeout');
    owner.send(req(T.WORK_COMPLETE, handle, 'ok'));
    expect(args(await c.expect([T.WORK_COMPLETE], WAIT_MS))).toEqual([handle, 'ok']);
  });

  it('background jobs get JOB_CREATED only; results go nowhere', async () => {
    const fn = fresh('f_bg');
    const c = await h.connect();
    const handle = await submit(c, fn, 'x', { type: T.SUBMIT_JOB_BG });
    const w = await worker(h, fn);
    await grab(w);
    w.send(req(T.WORK_COMPLETE, handle, 'r'));
    expect(await quiet(c)).toBe('timeout');
    const rows = await statusRows(await h.connect());
    expect(rows.get(fn)).toEqual(['0', '0', '1']);
  });
});
