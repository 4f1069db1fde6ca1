/** The test-only faults: each one must be observable, or harness cases built on it prove nothing. */
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/protocol/constants.js';
import { req } from '../../../src/protocol/packet.js';
import { type FaultName, startReferenceServer } from '../../../src/server/index.js';
import { type Harness, WAIT_MS, args, grab, quiet, startHarness, submit, sync, worker } from './helpers.js';

async function withFault(fault: FaultName, body: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness({ faults: [fault] });
  try {
    await body(h);
  } finally {
    await h.close();
  }
}

async function sleepingWorker(h: Harness, fn: string) {
  const w = await worker(h, fn);
  w.send(req(T.PRE_SLEEP));
  await sync(w);
  return w;
}

describe('faults', () => {
  it('rejects unknown fault names', async () => {
    await expect(startReferenceServer({ faults: ['nonsense' as FaultName] })).rejects.toThrow(/unknown fault/);
  });

  it('no-noop: sleeping workers are never woken', () =>
    withFault('no-noop', async (h) => {
      const w = await sleepingWorker(h, 'f');
      await submit(await h.connect(), 'f', 'x', { type: T.SUBMIT_JOB_BG });
      expect(await quiet(w, 300)).toBe('timeout');
      w.send(req(T.PRE_SLEEP)); // even the immediate NOOP is withheld
      expect(await quiet(w, 300)).toBe('timeout');
    }));

  it('lost-wakeup: the first NOOP is dropped, later ones arrive', () =>
    withFault('lost-wakeup', async (h) => {
      const w = await sleepingWorker(h, 'f');
      const c = await h.connect();
      await submit(c, 'f', 'x', { type: T.SUBMIT_JOB_BG });
      expect(await quiet(w, 300)).toBe('timeout');
      w.send(req(T.PRE_SLEEP));
      expect((await w.nextPacket(WAIT_MS)).type).toBe(T.NOOP);
    }));

  it('corrupt-result: WORK_COMPLETE data differs from what the worker sent', () =>
    withFault('corrupt-result', async (h) => {
      const c = await h.connect();
      const handle = await submit(c, 'f', 'x');
      const w = await worker(h, 'f');
      await grab(w);
      w.send(req(T.WORK_COMPLETE, handle, 'result'));
      const p = await c.expect([T.WORK_COMPLETE], WAIT_MS);
      expect(args(p)[0]).toBe(handle);
      expect(args(p)[1]).not.toBe('result');
      expect(p.args[1]!.length).toBe(6);
    }));

  it('priority-inversion: NORMAL is assigned before HIGH', () =>
    withFault('priority-inversion', async (h) => {
      const c = await h.connect();
      await submit(c, 'f', 'high', { type: T.SUBMIT_JOB_HIGH_BG });
      await submit(c, 'f', 'normal', { type: T.SUBMIT_JOB_BG });
      const w = await worker(h, 'f');
      expect(args(await grab(w))[2]).toBe('normal');
      expect(args(await grab(w))[2]).toBe('high');
    }));

  it('duplicate-assign: the first job reaches two workers', () =>
    withFault('duplicate-assign', async (h) => {
      const c = await h.connect();
      const handle = await submit(c, 'f', 'only', { type: T.SUBMIT_JOB_BG });
      const w1 = await worker(h, 'f');
      const w2 = await worker(h, 'f');
      expect(args(await grab(w1))[0]).toBe(handle);
      expect(args(await grab(w2))[0]).toBe(handle);
      expect((await grab(w2)).type).toBe(T.NO_JOB);
    }));

  it('drop-status: WORK_STATUS never reaches clients (GET_STATUS still knows it)', () =>
    withFault('drop-status', async (h) => {
      const c = await h.connect();
      const handle = await submit(c, 'f', 'x');
      const w = await worker(h, 'f');
      await grab(w);
      w.send(req(T.WORK_STATUS, handle, '1', '2'));
      w.send(req(T.WORK_COMPLETE, handle, 'r'));
      expect((await c.nextPacket(WAIT_MS)).type).toBe(T.WORK_COMPLETE);
    }));

  it('wrong-handle-status: GET_STATUS answers known=0 for a live job', () =>
    withFault('wrong-handle-status', async (h) => {
      const c = await h.connect();
      const handle = await submit(c, 'f', 'x', { type: T.SUBMIT_JOB_BG });
      c.send(req(T.GET_STATUS, handle));
      expect(args(await c.expect([T.STATUS_RES], WAIT_MS))).toEqual([handle, '0', '0', '0', '0']);
    }));

  it('no fault: the same scenarios behave', async () => {
    const h = await startHarness();
    try {
      const c = await h.connect();
      await submit(c, 'f', 'high', { type: T.SUBMIT_JOB_HIGH_BG });
      await submit(c, 'f', 'normal', { type: T.SUBMIT_JOB_BG });
      const w = await worker(h, 'f');
      expect(args(await grab(w))[2]).toBe('high');
      const w2 = await worker(h, 'f');
      expect(args(await grab(w2))[2]).toBe('normal');
      expect((await grab(w2)).type).toBe(T.NO_JOB);
    } finally {
      await h.close();
    }
  });
});
