import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ConnectionClosedError, GearmanErrorReply, TimeoutError } from '../errors.js';
import { T } from '../protocol/constants.js';
import { encodeFrame } from '../protocol/encoder.js';
import { res } from '../protocol/packet.js';
import { GearmanClient } from './client.js';
import { ScriptedPeer, type ScriptedConnection } from './scripted-peer.js';
import { planSubmit } from './submit-packet.js';
import { toJobEvent, workHandle } from './work-events.js';

describe('planSubmit', () => {
  const text = (o: Parameters<typeof planSubmit>[0]): [number, string[], boolean] => {
    const p = planSubmit(o);
    return [p.packet.type, p.packet.args.map((a) => a.toString()), p.background];
  };

  test.each([
    [{ priority: 'normal', background: false }, T.SUBMIT_JOB],
    [{ priority: 'normal', background: true }, T.SUBMIT_JOB_BG],
    [{ priority: 'high', background: false }, T.SUBMIT_JOB_HIGH],
    [{ priority: 'high', background: true }, T.SUBMIT_JOB_HIGH_BG],
    [{ priority: 'low', background: false }, T.SUBMIT_JOB_LOW],
    [{ priority: 'low', background: true }, T.SUBMIT_JOB_LOW_BG],
  ] as const)('%o becomes type %i with function, unique, data', (kind, type) => {
    expect(text({ function: 'f', unique: 'u', data: 'd', ...kind })).toEqual([type, ['f', 'u', 'd'], kind.background]);
  });

  test('defaults: normal foreground, empty unique, empty data', () => {
    expect(text({ function: 'f' })).toEqual([T.SUBMIT_JOB, ['f', '', ''], false]);
  });

  test('epoch is SUBMIT_JOB_EPOCH (background) with the decimal time', () => {
    expect(text({ function: 'f', unique: 'u', data: 'd', epoch: 1700000000 })).toEqual([T.SUBMIT_JOB_EPOCH, ['f', 'u', '1700000000', 'd'], true]);
  });

  test('reducer gives the 4-argument reduce forms (aggregator empty unless given)', () => {
    expect(text({ function: 'f', unique: 'u', data: 'd', reducer: 'r' })).toEqual([T.SUBMIT_REDUCE_JOB, ['f', 'u', 'r', '', 'd'], false]);
    expect(text({ function: 'f', data: 'd', reducer: 'r', aggregator: 'a', background: true })).toEqual([T.SUBMIT_REDUCE_JOB_BACKGROUND, ['f', '', 'r', 'a', 'd'], true]);
  });

  test.each([
    [{ epoch: 5, background: false }, 'always background'],
    [{ epoch: 5, priority: 'high' }, 'normal priority'],
    [{ epoch: -1 }, 'non-negative integer'],
    [{ epoch: 1.5 }, 'non-negative integer'],
    [{ reducer: 'r', priority: 'low' }, 'normal priority'],
    [{ reducer: 'r', epoch: 5 }, 'cannot be combined'],
  ] as const)('refuses %o (%s) with a usage error', (extra, why) => {
    expect(() => planSubmit({ function: 'f', ...extra })).toThrow(why);
  });

  test('data may hold NULs; Buffer data is kept as is', () => {
    const p = planSubmit({ function: 'f', data: Buffer.from([0, 1, 0]) });
    expect(p.packet.args[2]).toEqual(Buffer.from([0, 1, 0]));
  });
});

describe('work events', () => {
  test('WORK_FAIL with a trailing NUL (gearmand, exception to a client without the option) names the bare handle', () => {
    expect(workHandle(res(T.WORK_FAIL, Buffer.from('H:x:27\0')))).toBe('H:x:27');
    expect(workHandle(res(T.WORK_FAIL, 'H:x:27'))).toBe('H:x:27');
    // Only WORK_FAIL: a WORK_COMPLETE handle argument never carries the NUL.
    expect(workHandle(res(T.WORK_COMPLETE, 'H:x:1', 'data'))).toBe('H:x:1');
    expect(workHandle(res(T.NOOP))).toBeUndefined();
  });

  test('status arguments stay text, payloads stay bytes', () => {
    expect(toJobEvent(res(T.WORK_STATUS, 'H', '3', '7'))).toEqual({ type: 'status', numerator: '3', denominator: '7' });
    expect(toJobEvent(res(T.WORK_DATA, 'H', Buffer.from([0, 255])))).toEqual({ type: 'data', data: Buffer.from([0, 255]) });
  });
});

describe('GearmanClient against a scripted server', () => {
  let peer: ScriptedPeer;
  let client: GearmanClient;
  let conn: ScriptedConnection;

  beforeEach(async () => {
    peer = await ScriptedPeer.start();
    client = await GearmanClient.connect({ host: peer.host, port: peer.port, timeoutMs: 2000 });
    conn = await peer.accept();
  });
  afterEach(async () => {
    await client.close();
    await peer.close();
  });

  test('pipelined submits are matched to JOB_CREATED/ERROR in order; events in the same write are kept', async () => {
    const s1 = client.submit({ function: 'f', data: '1' });
    const s2 = client.submit({ function: 'f', data: '2' });
    const s3 = client.submit({ function: 'f', data: '3' });
    for (const d of ['1', '2', '3']) expect((await conn.expect(T.SUBMIT_JOB)).args[2]!.toString()).toBe(d);
    // JOB_CREATED for 3 is immediately followed by its events, all in one TCP write.
    conn.send(
      res(T.JOB_CREATED, 'H:t:1'),
      res(T.ERROR, 'QUEUE_ERROR', 'Job queue is full'),
      res(T.JOB_CREATED, 'H:t:3'),
      res(T.WORK_STATUS, 'H:t:3', '1', '2'),
      res(T.WORK_COMPLETE, 'H:t:3', 'three'),
    );
    expect((await s1).handle).toBe('H:t:1');
    const e2 = await s2.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(e2).toBeInstanceOf(GearmanErrorReply);
    expect(e2).toMatchObject({ serverCode: 'QUEUE_ERROR', serverText: 'Job queue is full' });
    const j3 = await s3;
    const r3 = await j3.result(1000);
    expect(r3.events.map((e) => e.type)).toEqual(['status', 'complete']);
    expect(r3.data.toString()).toBe('three');
    // Job 1 is still waiting: a fail with gearmand's trailing NUL ends it.
    const r1 = (await s1).result(1000);
    conn.send(res(T.WORK_FAIL, Buffer.from('H:t:1\0')));
    expect((await r1).outcome).toBe('fail');
  });

  test('two jobs coalesced on one handle both get the result', async () => {
    const a = client.submit({ function: 'f', unique: 'same', data: 'a' });
    const b = client.submit({ function: 'f', unique: 'same', data: 'b' });
    await conn.expect(T.SUBMIT_JOB);
    await conn.expect(T.SUBMIT_JOB);
    conn.send(res(T.JOB_CREATED, 'H:t:9'), res(T.JOB_CREATED, 'H:t:9'), res(T.WORK_COMPLETE, 'H:t:9', 'ab'));
    const [ra, rb] = await Promise.all([(await a).result(1000), (await b).result(1000)]);
    expect([ra.data.toString(), rb.data.toString()]).toEqual(['ab', 'ab']);
  });

  test('packets for unknown handles and unsolicited replies become orphans, not crashes', async () => {
    conn.send(res(T.WORK_COMPLETE, 'H:nobody:1', 'x'), res(T.NOOP));
    const echo = client.echo('still fine');
    await conn.expect(T.ECHO_REQ);
    conn.send(res(T.ECHO_RES, 'still fine'));
    expect((await echo).toString()).toBe('still fine');
    expect(client.orphans.map((o) => o.type)).toEqual(['WORK_COMPLETE', 'NOOP']);
    expect(client.orphans[0]!.handle).toBe('H:nobody:1');
    expect(client.closed).toBe(false);
  });

  test('a reply of the wrong type rejects the request and drops the connection (replies are out of step)', async () => {
    const job = client.submit({ function: 'f', data: 'x' });
    const echo = client.echo('y');
    await conn.expect(T.SUBMIT_JOB);
    conn.send(res(T.STATUS_RES, 'H', '0', '0', '0', '0'));
    await expect(job).rejects.toMatchObject({ code: 'GEARSPEC_UNEXPECTED_PACKET' });
    await expect(echo).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(client.closed).toBe(true);
  });

  test('a missed reply deadline rejects with TimeoutError and closes the connection', async () => {
    const t0 = Date.now();
    const err = await client.getStatus('H:t:1', 150).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(client.closed).toBe(true);
    await expect(client.echo('x')).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  test('the server closing fails pending requests and unfinished jobs', async () => {
    const s = client.submit({ function: 'f', data: 'x' });
    await conn.expect(T.SUBMIT_JOB);
    conn.send(res(T.JOB_CREATED, 'H:t:1'));
    const job = await s;
    const result = job.result(2000).then(
      () => undefined,
      (e: unknown) => e,
    );
    const echo = client.echo('x').then(
      () => undefined,
      (e: unknown) => e,
    );
    conn.close();
    expect(await result).toBeInstanceOf(ConnectionClosedError);
    expect(await echo).toBeInstanceOf(ConnectionClosedError);
  });

  test('undecodable bytes from the server end the connection with a typed error', async () => {
    const echo = client.echo('x').then(
      () => undefined,
      (e: unknown) => e,
    );
    await conn.expect(T.ECHO_REQ);
    conn.sendRaw(encodeFrame(Buffer.from('\0XYZ'), 17, Buffer.from('x')));
    expect(await echo).toBeInstanceOf(ConnectionClosedError);
    expect(client.closed).toBe(true);
  });

  test('events can be read one by one with a deadline, or iterated to the end', async () => {
    const s = client.submit({ function: 'f', data: 'x' });
    await conn.expect(T.SUBMIT_JOB);
    conn.send(res(T.JOB_CREATED, 'H:t:5'), res(T.WORK_DATA, 'H:t:5', 'a'));
    const job = await s;
    expect(await job.nextEvent(500)).toEqual({ type: 'data', data: Buffer.from('a') });
    await expect(job.nextEvent(50)).rejects.toBeInstanceOf(TimeoutError);
    conn.send(res(T.WORK_WARNING, 'H:t:5', 'w'), res(T.WORK_COMPLETE, 'H:t:5', 'done'));
    const rest: string[] = [];
    for await (const e of job) rest.push(e.type);
    expect(rest).toEqual(['warning', 'complete']);
    expect(job.finished).toBe(true);
  });

  test('OPTION_RES turns the exceptions option on; SET_CLIENT_ID expects no reply', async () => {
    const opt = client.setOption('exceptions');
    await conn.expect(T.OPTION_REQ);
    conn.send(res(T.OPTION_RES, 'exceptions'));
    expect(await opt).toBe('exceptions');
    expect(client.exceptionsEnabled).toBe(true);
    client.setClientId('me');
    expect((await conn.expect(T.SET_CLIENT_ID)).args[0]!.toString()).toBe('me');
  });

  test('a NUL in the function name is refused before anything is sent', async () => {
    await expect(client.submit({ function: 'f\0g', data: 'x' })).rejects.toMatchObject({ code: 'GEARSPEC_NUL_IN_ARGUMENT' });
    expect(await conn.quietFor(50)).toBe(true);
    const echo = client.echo('ok');
    // The first packet the server sees is the ECHO: nothing of the refused submit went out.
    await conn.expect(T.ECHO_REQ);
    conn.send(res(T.ECHO_RES, 'ok'));
    expect((await echo).toString()).toBe('ok');
  });
});

describe('GearmanClient with non-terminal exceptions (Perl semantics)', () => {
  test('an exception is an event; the job ends at the following fail or complete', async () => {
    const peer = await ScriptedPeer.start();
    const client = await GearmanClient.connect({ host: peer.host, port: peer.port, exceptionSemantics: 'non-terminal' });
    try {
      const conn = await peer.accept();
      const s = client.submit({ function: 'f', data: 'x' });
      await conn.expect(T.SUBMIT_JOB);
      conn.send(res(T.JOB_CREATED, 'H:p:1'), res(T.WORK_EXCEPTION, 'H:p:1', 'boom'), res(T.WORK_COMPLETE, 'H:p:1', 'after'));
      const r = await (await s).result(1000);
      expect(r.outcome).toBe('complete');
      expect(r.exception?.toString()).toBe('boom');
      expect(r.data.toString()).toBe('after');
    } finally {
      await client.close();
      await peer.close();
    }
  });

  test('connect to a port nobody listens on fails with a typed error', async () => {
    const peer = await ScriptedPeer.start();
    const port = peer.port;
    await peer.close();
    await expect(GearmanClient.connect({ host: '127.0.0.1', port, timeoutMs: 1000 })).rejects.toMatchObject({ code: 'GEARSPEC_CONNECT_FAILED' });
  });
});
