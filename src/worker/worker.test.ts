import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { T } from '../protocol/constants.js';
import { res, type Packet } from '../protocol/packet.js';
import { ScriptedPeer, type ScriptedConnection } from '../client/scripted-peer.js';
import { makeBackoff } from './backoff.js';
import { GearmanWorker } from './worker.js';
import type { WorkerOptions } from './types.js';

const args = (p: Packet): string[] => p.args.map((a) => a.toString());

describe('backoff', () => {
  test('doubles from the initial delay and stays under the ceiling', () => {
    const b = makeBackoff({ initialMs: 50, maxMs: 300 });
    expect([1, 2, 3, 4, 5, 50].map((n) => b.delayMs(n))).toEqual([50, 100, 200, 300, 300, 300]);
    expect(b.maxAttempts).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('GearmanWorker against a scripted server', () => {
  let peer: ScriptedPeer;
  const workers: GearmanWorker[] = [];
  const start = async (o: Partial<WorkerOptions> = {}): Promise<[GearmanWorker, ScriptedConnection]> => {
    const w = await GearmanWorker.connect({ host: peer.host, port: peer.port, timeoutMs: 2000, ...o });
    workers.push(w);
    return [w, await peer.accept()];
  };

  beforeEach(async () => {
    peer = await ScriptedPeer.start();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await peer.close();
  });

  test('grab → NO_JOB → PRE_SLEEP, silence until NOOP, then grab → assign → result → grab', async () => {
    const [w, conn] = await start();
    w.register('rev', (j) => Buffer.from(j.data).reverse());
    w.work();
    expect(args(await conn.expect(T.CAN_DO))).toEqual(['rev']);
    await conn.expect(T.GRAB_JOB);
    conn.send(res(T.NO_JOB));
    await conn.expect(T.PRE_SLEEP);
    expect(await conn.quietFor(300)).toBe(true); // no polling while asleep
    expect(w.state).toBe('sleeping');
    conn.send(res(T.NOOP));
    await conn.expect(T.GRAB_JOB);
    conn.send(res(T.JOB_ASSIGN, 'H:1', 'rev', 'abc'));
    expect(args(await conn.expect(T.WORK_COMPLETE))).toEqual(['H:1', 'cba']);
    await conn.expect(T.GRAB_JOB);
    expect(w.stats).toMatchObject({ grabs: 3, noJobs: 1, preSleeps: 1, noops: 1, jobsStarted: 1, jobsCompleted: 1 });
  });

  test('a NOOP while a grab is in flight does not start a second grab', async () => {
    const [w, conn] = await start();
    w.register('f', () => 'x');
    w.work();
    await conn.expect(T.CAN_DO);
    await conn.expect(T.GRAB_JOB);
    conn.send(res(T.NOOP));
    expect(await conn.quietFor(150)).toBe(true);
    conn.send(res(T.NO_JOB));
    await conn.expect(T.PRE_SLEEP);
  });

  test('whichever JOB_ASSIGN form arrives is handled, with unique and reducer', async () => {
    const [w, conn] = await start({ grab: 'GRAB_JOB_ALL' });
    const seen: string[] = [];
    w.register('f', (j) => {
      seen.push(`${j.via}|${j.handle}|${j.unique}|${j.reducer}|${j.data.toString()}`);
    });
    w.work();
    await conn.expect(T.CAN_DO);
    await conn.expect(T.GRAB_JOB_ALL);
    conn.send(res(T.JOB_ASSIGN_UNIQ, 'H:1', 'f', 'u1', 'd1'));
    await conn.expect(T.WORK_COMPLETE);
    await conn.expect(T.GRAB_JOB_ALL);
    conn.send(res(T.JOB_ASSIGN_ALL, 'H:2', 'f', 'u2', 'red', 'd2'));
    await conn.expect(T.WORK_COMPLETE);
    await conn.expect(T.GRAB_JOB_ALL);
    conn.send(res(T.JOB_ASSIGN, 'H:3', 'f', Buffer.from('d\x003')));
    await conn.expect(T.WORK_COMPLETE);
    expect(seen).toEqual(['JOB_ASSIGN_UNIQ|H:1|u1|undefined|d1', 'JOB_ASSIGN_ALL|H:2|u2|red|d2', 'JOB_ASSIGN|H:3|undefined|undefined|d\x003']);
  });

  test('SET_CLIENT_ID first, then CAN_DO_TIMEOUT converted to the server unit', async () => {
    const [w, conn] = await start({ clientId: 'cw id', canDoTimeoutUnit: 'seconds' });
    expect(args(await conn.expect(T.SET_CLIENT_ID))).toEqual(['cw id']);
    w.register('slow', () => 'x', { timeoutMs: 1500 });
    expect(args(await conn.expect(T.CAN_DO_TIMEOUT))).toEqual(['slow', '2']);
    const [w2, conn2] = await start();
    w2.register('slow', () => 'x', { timeoutMs: 1500 });
    expect(args(await conn2.expect(T.CAN_DO_TIMEOUT))).toEqual(['slow', '1500']);
    expect(() => w2.register('bad', () => 'x', { timeoutMs: 0 })).toThrow('positive integer');
  });

  test('every WORK_* packet in handler order; a throw becomes WORK_FAIL', async () => {
    const [w, conn] = await start();
    w.register('f', (j) => {
      j.sendData('d');
      j.sendWarning('w');
      j.sendStatus(1, 4);
      j.exception('e');
    });
    w.register('bad', () => {
      throw new Error('nope');
    });
    w.work();
    await conn.expect(T.CAN_DO);
    await conn.expect(T.CAN_DO);
    await conn.expect(T.GRAB_JOB);
    conn.send(res(T.JOB_ASSIGN, 'H:1', 'f', 'x'));
    expect(args(await conn.expect(T.WORK_DATA))).toEqual(['H:1', 'd']);
    expect(args(await conn.expect(T.WORK_WARNING))).toEqual(['H:1', 'w']);
    expect(args(await conn.expect(T.WORK_STATUS))).toEqual(['H:1', '1', '4']);
    expect(args(await conn.expect(T.WORK_EXCEPTION))).toEqual(['H:1', 'e']);
    await conn.expect(T.GRAB_JOB); // terminal exception: nothing more for H:1
    conn.send(res(T.JOB_ASSIGN, 'H:2', 'bad', 'x'));
    expect(args(await conn.expect(T.WORK_FAIL))).toEqual(['H:2']);
    await conn.expect(T.GRAB_JOB);
    expect(w.notices.find((n) => n.kind === 'handler-error')).toMatchObject({ handle: 'H:2', error: 'nope' });
  });

  test('non-terminal exceptions (Perl) are followed by WORK_FAIL when the handler returns', async () => {
    const [w, conn] = await start({ exceptionSemantics: 'non-terminal' });
    w.register('f', (j) => j.exception('e'));
    w.work();
    await conn.expect(T.CAN_DO);
    await conn.expect(T.GRAB_JOB);
    conn.send(res(T.JOB_ASSIGN, 'H:1', 'f', 'x'));
    await conn.expect(T.WORK_EXCEPTION);
    expect(args(await conn.expect(T.WORK_FAIL))).toEqual(['H:1']);
  });

  test('a job for a function the worker does not run is failed, not run', async () => {
    const [w, conn] = await start();
    w.register('f', () => 'x');
    w.work();
    await conn.expect(T.CAN_DO);
    await conn.expect(T.GRAB_JOB);
    conn.send(res(T.JOB_ASSIGN, 'H:1', 'other', 'x'));
    expect(args(await conn.expect(T.WORK_FAIL))).toEqual(['H:1']);
  });

  test('concurrency: grabs again while jobs run, up to the limit', async () => {
    const [w, conn] = await start({ concurrency: 2 });
    const gates: (() => void)[] = [];
    w.register('f', () => new Promise<string>((r) => gates.push(() => r('ok'))));
    w.work();
    await conn.expect(T.CAN_DO);
    await conn.expect(T.GRAB_JOB);
    conn.send(res(T.JOB_ASSIGN, 'H:1', 'f', 'x'));
    await conn.expect(T.GRAB_JOB); // room for one more
    conn.send(res(T.JOB_ASSIGN, 'H:2', 'f', 'x'));
    expect(await conn.quietFor(150)).toBe(true); // full: no grab
    expect(w.activeJobs).toBe(2);
    gates[1]!();
    expect(args(await conn.expect(T.WORK_COMPLETE))).toEqual(['H:2', 'ok']);
    await conn.expect(T.GRAB_JOB);
    gates[0]!();
    expect(args(await conn.expect(T.WORK_COMPLETE))).toEqual(['H:1', 'ok']);
  });

  test('an ERROR refusing the grab variant stops grabbing; a result ERROR does not', async () => {
    const [w, conn] = await start({ grab: 'GRAB_JOB_UNIQ' });
    w.register('f', () => 'x');
    w.work();
    await conn.expect(T.CAN_DO);
    await conn.expect(T.GRAB_JOB_UNIQ);
    conn.send(res(T.ERROR, 'JOB_NOT_FOUND', 'Job given in work result not found'));
    expect(await conn.quietFor(100)).toBe(true);
    expect(w.state).toBe('grabbing');
    conn.send(res(T.ERROR, 'server_error', 'Can\'t locate object method "CMD_" via package'));
    const stopped = await w.waitForNotice((n) => n.kind === 'stopped', 1000);
    expect(stopped).toMatchObject({ error: { serverCode: 'server_error' } });
    expect(w.state).toBe('refused');
    expect(await conn.quietFor(100)).toBe(true);
  });

  test('any other ERROR while a grab is out means no job now: PRE_SLEEP, and a late assignment still runs', async () => {
    const [w, conn] = await start();
    w.register('f', () => 'x');
    w.work();
    await conn.expect(T.CAN_DO);
    await conn.expect(T.GRAB_JOB);
    conn.send(res(T.ERROR, 'server_error', 'about the CAN_DO'));
    await conn.expect(T.PRE_SLEEP);
    expect(w.state).toBe('sleeping');
    conn.send(res(T.JOB_ASSIGN, 'H:1', 'f', 'data'));
    expect(args(await conn.expect(T.WORK_COMPLETE))).toEqual(['H:1', 'x']);
    await conn.expect(T.GRAB_JOB);
  });

  test('register while asleep grabs at once (no NOOP comes for jobs queued before CAN_DO)', async () => {
    const [w, conn] = await start();
    w.register('a', () => 'x');
    w.work();
    await conn.expect(T.CAN_DO);
    await conn.expect(T.GRAB_JOB);
    conn.send(res(T.NO_JOB));
    await conn.expect(T.PRE_SLEEP);
    w.register('b', () => 'y');
    expect(args(await conn.expect(T.CAN_DO))).toEqual(['b']);
    await conn.expect(T.GRAB_JOB);
  });

  test('a grab with no answer by the deadline drops the connection; reconnect re-registers and grabs', async () => {
    const [w, conn] = await start({ timeoutMs: 200, reconnect: true, backoff: { initialMs: 10, maxMs: 50 }, clientId: 'again' });
    w.register('f', () => 'x', { timeoutMs: 3000 });
    w.register('g', () => 'y');
    w.work();
    await conn.expect(T.SET_CLIENT_ID);
    await conn.expect(T.CAN_DO_TIMEOUT);
    await conn.expect(T.CAN_DO);
    await conn.expect(T.GRAB_JOB);
    const conn2 = await peer.accept(3000); // the silent server lost the worker; it came back
    expect(conn.ended).toBe(true);
    expect(args(await conn2.expect(T.SET_CLIENT_ID))).toEqual(['again']);
    expect(args(await conn2.expect(T.CAN_DO_TIMEOUT))).toEqual(['f', '3000']);
    expect(args(await conn2.expect(T.CAN_DO))).toEqual(['g']);
    await conn2.expect(T.GRAB_JOB);
    expect(w.stats.sessions).toBe(2);
    expect(w.notices.some((n) => n.kind === 'disconnected')).toBe(true);
  });

  test('without reconnect, a lost connection stops the worker with a typed error', async () => {
    const [w, conn] = await start();
    w.register('f', () => 'x');
    w.work();
    await conn.expect(T.CAN_DO);
    conn.close();
    const stopped = await w.waitForNotice((n) => n.kind === 'stopped', 1000);
    expect(stopped).toMatchObject({ error: { code: 'GEARSPEC_CONNECTION_CLOSED' } });
    expect(w.connected).toBe(false);
  });

  test('bad options are usage errors', async () => {
    await expect(GearmanWorker.connect({ host: peer.host, port: peer.port, concurrency: 0 })).rejects.toMatchObject({ code: 'GEARSPEC_USAGE' });
    // @ts-expect-error: a JavaScript caller may pass anything
    await expect(GearmanWorker.connect({ host: peer.host, port: peer.port, grab: 'GRAB_ANY' })).rejects.toMatchObject({ code: 'GEARSPEC_USAGE' });
  });
});
