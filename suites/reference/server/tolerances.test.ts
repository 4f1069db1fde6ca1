/**
 * The reference server is liberal in what it takes from real libraries (src/server/README.md,
 * "Tolerated library quirks"): each quirk a real client or worker library puts on the wire is
 * served without an ERROR, because an ERROR there makes that library's worker die. Raw sockets
 * send exactly the bytes the library sends.
 */
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/protocol/constants.js';
import { encodeFrame } from '../../../src/protocol/encoder.js';
import { req } from '../../../src/protocol/packet.js';
import type { GearmanConnection } from '../../../src/transport/connection.js';
import { WAIT_MS, args, grab, nameFactory, quiet, sharedHarness, submit, sync, worker } from './helpers.js';

const h = sharedHarness();
const fresh = nameFactory();

/** A foreground job held by a fresh worker; the client has the exceptions option when asked. */
async function heldJob(base: string, options: { exceptions?: boolean } = {}): Promise<{ client: GearmanConnection; worker: GearmanConnection; handle: string; fn: string }> {
  const fn = fresh(base);
  const client = await h.connect('client');
  if (options.exceptions) {
    client.send(req(T.OPTION_REQ, 'exceptions'));
    await client.expect([T.OPTION_RES], WAIT_MS);
  }
  const handle = await submit(client, fn, 'in');
  const w = await worker(h, fn);
  expect(args(await grab(w))[0]).toBe(handle);
  return { client, worker: w, handle, fn };
}

/** The body exactly as Gearman::Worker builds it for a falsy value: the handle, no separator. */
const handleOnly = (type: number, handle: string): Buffer => encodeFrame('REQ', type, Buffer.from(handle, 'latin1'));

async function statusOf(c: GearmanConnection, handle: string): Promise<string[]> {
  c.send(req(T.GET_STATUS, handle));
  return args(await c.expect([T.STATUS_RES], WAIT_MS));
}

describe('result packets without the data separator (Perl Gearman::Worker, result "" or "0")', () => {
  it('WORK_COMPLETE with the handle only completes the job with empty data', async () => {
    const j = await heldJob('f_complete_bare');
    j.worker.sendRaw(handleOnly(T.WORK_COMPLETE, j.handle));
    const p = await j.client.expect([T.WORK_COMPLETE], WAIT_MS);
    expect(p.args).toEqual([Buffer.from(j.handle), Buffer.alloc(0)]); // handle, NUL, empty data
    expect(await quiet(j.worker)).toBe('timeout'); // no ERROR
    expect((await statusOf(j.client, j.handle)).slice(1, 3)).toEqual(['0', '0']); // the job is gone
    expect((await grab(j.worker)).type).toBe(T.NO_JOB); // and the worker goes on
  });

  it('WORK_DATA and WORK_WARNING with the handle only are relayed with empty data; the job goes on', async () => {
    const j = await heldJob('f_data_bare');
    j.worker.sendRaw(Buffer.concat([handleOnly(T.WORK_DATA, j.handle), handleOnly(T.WORK_WARNING, j.handle)]));
    expect((await j.client.expect([T.WORK_DATA], WAIT_MS)).args).toEqual([Buffer.from(j.handle), Buffer.alloc(0)]);
    expect((await j.client.expect([T.WORK_WARNING], WAIT_MS)).args).toEqual([Buffer.from(j.handle), Buffer.alloc(0)]);
    j.worker.send(req(T.WORK_COMPLETE, j.handle, 'done'));
    expect(args(await j.client.expect([T.WORK_COMPLETE], WAIT_MS))).toEqual([j.handle, 'done']);
    expect(await quiet(j.worker)).toBe('timeout');
  });

  it('WORK_EXCEPTION with the handle only reaches an opted-in client with empty data and ends the job', async () => {
    const j = await heldJob('f_exc_bare', { exceptions: true });
    j.worker.sendRaw(handleOnly(T.WORK_EXCEPTION, j.handle));
    expect((await j.client.expect([T.WORK_EXCEPTION], WAIT_MS)).args).toEqual([Buffer.from(j.handle), Buffer.alloc(0)]);
    expect(await quiet(j.worker)).toBe('timeout');
    expect((await grab(j.worker)).type).toBe(T.NO_JOB);
  });

  it('WORK_STATUS without its denominator (Gearman::Worker::send_work_status) is relayed with empty parts', async () => {
    const j = await heldJob('f_status_bare');
    j.worker.sendRaw(encodeFrame('REQ', T.WORK_STATUS, Buffer.from(`${j.handle}\x003`, 'latin1'))); // numerator only
    expect(args(await j.client.expect([T.WORK_STATUS], WAIT_MS))).toEqual([j.handle, '3', '']);
    j.worker.sendRaw(handleOnly(T.WORK_STATUS, j.handle)); // numerator 0 is falsy in Perl: the handle only
    expect(args(await j.client.expect([T.WORK_STATUS], WAIT_MS))).toEqual([j.handle, '', '']);
    expect(await quiet(j.worker)).toBe('timeout');
    j.worker.send(req(T.WORK_COMPLETE, j.handle, 'ok'));
    await j.client.expect([T.WORK_COMPLETE], WAIT_MS);
  });

  it('other packets with too few arguments are still refused', async () => {
    const c = await h.connect();
    c.sendRaw(encodeFrame('REQ', T.SUBMIT_JOB, Buffer.from('fn-only', 'latin1')));
    expect(args(await c.expect([T.ERROR], WAIT_MS))).toEqual(['INVALID_PACKET', 'Missing arguments']);
    await sync(c);
  });
});

describe('result packets after the job ended', () => {
  it('WORK_FAIL after this connection’s WORK_EXCEPTION (Perl Gearman::Worker on die) is dropped without an ERROR', async () => {
    const j = await heldJob('f_exc_fail', { exceptions: true });
    j.worker.send(req(T.WORK_EXCEPTION, j.handle, 'died'));
    j.worker.send(req(T.WORK_FAIL, j.handle));
    expect(args(await j.client.expect([T.WORK_EXCEPTION], WAIT_MS))).toEqual([j.handle, 'died']);
    expect(await quiet(j.client)).toBe('timeout'); // the exception ended the job: no WORK_FAIL follows
    expect(await quiet(j.worker)).toBe('timeout'); // and no ERROR, which would make Gearman::Worker die
    expect((await grab(j.worker)).type).toBe(T.NO_JOB);
  });

  it('any late WORK_* for a job this connection ended is dropped: nothing relayed, no ERROR', async () => {
    const j = await heldJob('f_late');
    j.worker.send(req(T.WORK_COMPLETE, j.handle, 'one'));
    for (const [type, ...a] of [
      [T.WORK_COMPLETE, j.handle, 'two'],
      [T.WORK_DATA, j.handle, 'd'],
      [T.WORK_WARNING, j.handle, 'w'],
      [T.WORK_STATUS, j.handle, '1', '2'],
      [T.WORK_EXCEPTION, j.handle, 'x'],
      [T.WORK_FAIL, j.handle],
    ] as const) {
      j.worker.send(req(type, ...a));
    }
    expect(args(await j.client.expect([T.WORK_COMPLETE], WAIT_MS))).toEqual([j.handle, 'one']);
    expect(await quiet(j.client)).toBe('timeout');
    expect(await quiet(j.worker)).toBe('timeout');
  });

  it('keeps the ERROR for a handle the connection never held, even one another connection ended', async () => {
    const j = await heldJob('f_never_held');
    j.worker.send(req(T.WORK_COMPLETE, j.handle, 'done'));
    await j.client.expect([T.WORK_COMPLETE], WAIT_MS);
    const other = await worker(h, j.fn);
    other.send(req(T.WORK_FAIL, j.handle));
    expect(args(await other.expect([T.ERROR], WAIT_MS))).toEqual(['JOB_NOT_FOUND', 'Job given in work result not found']);
    j.worker.send(req(T.WORK_COMPLETE, 'H:nosuch:1', 'x'));
    expect(args(await j.worker.expect([T.ERROR], WAIT_MS))).toEqual(['JOB_NOT_FOUND', 'Job given in work result not found']);
  });

  it('keeps the ERROR for a job taken back from the worker (requeued), which it did not end', async () => {
    const j = await heldJob('f_taken_back');
    j.worker.send(req(T.CANT_DO, j.fn));
    j.worker.send(req(T.WORK_COMPLETE, j.handle, 'late'));
    expect(args(await j.worker.expect([T.ERROR], WAIT_MS))[0]).toBe('JOB_NOT_FOUND');
  });
});
