/**
 * Framing and bad input: every malformed input gets an ERROR packet or a clean close of that
 * connection only, and the server keeps serving everyone else with bounded memory.
 */
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/protocol/constants.js';
import { encodeFrame } from '../../../src/protocol/encoder.js';
import { req } from '../../../src/protocol/packet.js';
import type { GearmanConnection } from '../../../src/transport/connection.js';
import { WAIT_MS, args, submit, sync, sharedHarness } from './helpers.js';

const h = sharedHarness();

/** The server still answers a fresh connection. */
async function stillServing(): Promise<void> {
  const c = await h.connect('bystander');
  c.send(req(T.ECHO_REQ, 'alive'));
  const p = await c.expect([T.ECHO_RES], WAIT_MS);
  expect(p.args[0]!.toString()).toBe('alive');
  c.close();
}

async function expectError(c: GearmanConnection, code: string, textPart?: string): Promise<void> {
  const p = await c.nextPacket(WAIT_MS, 'ERROR');
  expect(p.type).toBe(T.ERROR);
  expect(p.magic).toBe('RES');
  expect(args(p)[0]).toBe(code);
  if (textPart) expect(args(p)[1]).toContain(textPart);
}

/** Reads events until the connection closes (a clean close, no hang). */
async function expectClose(c: GearmanConnection): Promise<void> {
  for (;;) {
    const e = await c.next(WAIT_MS * 2);
    if (e.kind === 'closed') return;
    if (e.kind === 'timeout') throw new Error('connection was not closed');
  }
}

describe('framing', () => {
  it('answers the protocol example SUBMIT_JOB byte for byte with JOB_CREATED', async () => {
    const c = await h.connect();
    c.sendRaw(Buffer.from('00524551000000070000000d72657665727365000074657374', 'hex'));
    const p = await c.expect([T.JOB_CREATED], WAIT_MS);
    expect(args(p)[0]).toMatch(/^H:.+:\d+$/);
    expect(p.args[0]!.length).toBeLessThanOrEqual(63);
  });

  it('decodes a packet sent one byte per write', async () => {
    const c = await h.connect();
    c.sendRaw(encodeFrame('REQ', T.ECHO_REQ, Buffer.from('split\0me')), 1);
    const p = await c.expect([T.ECHO_RES], WAIT_MS);
    expect(p.args[0]).toEqual(Buffer.from('split\0me'));
  });

  it('echoes empty data and 1 MiB of data byte-exact', async () => {
    const c = await h.connect();
    const big = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    c.send(req(T.ECHO_REQ, ''));
    c.send(req(T.ECHO_REQ, big));
    expect((await c.expect([T.ECHO_RES], WAIT_MS)).args[0]!.length).toBe(0);
    expect((await c.expect([T.ECHO_RES], WAIT_MS)).args[0]!.equals(big)).toBe(true);
  });

  it('answers text and binary mixed in one write, in order', async () => {
    const c = await h.connect();
    c.sendRaw(Buffer.concat([Buffer.from('version\n'), encodeFrame('REQ', T.ECHO_REQ, Buffer.from('x')), Buffer.from('getpid\r\n')]));
    const first = await c.next(WAIT_MS);
    expect(first.kind === 'text' && first.line.startsWith('OK gearspec-')).toBe(true);
    expect((await c.expect([T.ECHO_RES], WAIT_MS)).args[0]!.toString()).toBe('x');
    const third = await c.next(WAIT_MS);
    expect(third.kind === 'text' && third.line).toBe(`OK ${process.pid}`);
  });
});

describe('bad input', () => {
  it('\\0RES magic: ERROR INVALID_MAGIC, connection kept', async () => {
    const c = await h.connect();
    c.sendRaw(Buffer.from('00524553000000100000000268 69'.replace(/ /g, ''), 'hex'));
    await expectError(c, 'INVALID_MAGIC', 'Request magic expected');
    await sync(c);
    await stillServing();
  });

  it.each([0, 43, 99, 0x7fffffff])('unknown type %i: ERROR UNKNOWN_COMMAND, connection kept', async (type) => {
    const c = await h.connect();
    c.sendRaw(encodeFrame('REQ', type, Buffer.alloc(0)));
    await expectError(c, 'UNKNOWN_COMMAND');
    await sync(c);
  });

  it.each([5, 6, 8, 10, 11, 17, 19, 20, 24, 27, 31, 35, 40, 42])('response/reserved type %i: ERROR INVALID_COMMAND, connection kept', async (type) => {
    const c = await h.connect();
    // Empty body too: unlike gearmand the server never reads past the declared body.
    c.sendRaw(encodeFrame('REQ', type, Buffer.alloc(0)));
    await expectError(c, 'INVALID_COMMAND', 'Command not expected');
    await sync(c);
  });

  it('SUBMIT_JOB_SCHED with full arguments: ERROR INVALID_COMMAND like gearmand', async () => {
    const c = await h.connect();
    c.send(req(T.SUBMIT_JOB_SCHED, 'f', 'u', '1', '2', '3', '4', '5', 'data'));
    await expectError(c, 'INVALID_COMMAND', 'Command not expected');
  });

  it('short argument list: ERROR INVALID_PACKET, the next packet is not swallowed', async () => {
    const c = await h.connect();
    c.sendRaw(Buffer.concat([encodeFrame('REQ', T.SUBMIT_JOB_BG, Buffer.from('fonly')), encodeFrame('REQ', T.ECHO_REQ, Buffer.from('next'))]));
    await expectError(c, 'INVALID_PACKET', 'Missing arguments');
    expect((await c.expect([T.ECHO_RES], WAIT_MS)).args[0]!.toString()).toBe('next');
    c.sendRaw(encodeFrame('REQ', T.SUBMIT_REDUCE_JOB, Buffer.from('f\0u\0reducer\0data'))); // the 3-argument form PROTOCOL describes
    await expectError(c, 'INVALID_PACKET');
    await sync(c);
  });

  it('arguments on a type that takes none: ERROR, connection kept', async () => {
    const c = await h.connect();
    c.sendRaw(encodeFrame('REQ', T.GRAB_JOB, Buffer.from('junk')));
    await expectError(c, 'INVALID_PACKET');
    await sync(c);
  });

  it('bad magic \\0XYZ: ERROR then a clean close; others unaffected', async () => {
    const c = await h.connect();
    c.sendRaw(Buffer.from('0058595a000000100000000178', 'hex'));
    await expectError(c, 'INVALID_MAGIC');
    await expectClose(c);
    await stillServing();
  });

  it('garbage bytes starting with 0x00: clean close', async () => {
    const c = await h.connect();
    const junk = Buffer.alloc(4096);
    for (let i = 1; i < junk.length; i++) junk[i] = (i * 131 + 7) & 0xff;
    c.sendRaw(junk);
    await expectClose(c);
    await stillServing();
  });

  it('garbage text with a newline: ERR UNKNOWN_COMMAND, connection kept', async () => {
    const c = await h.connect();
    c.sendRaw(Buffer.from('XREQ\0\0\0\x10\0\0\0\x01z\n', 'latin1'));
    const e = await c.next(WAIT_MS);
    expect(e.kind === 'text' && e.line).toBe('ERR UNKNOWN_COMMAND Unknown+server+commandXREQ');
    await sync(c);
  });

  it('text line over the limit without a newline: clean close', async () => {
    const c = await h.connect();
    c.sendRaw(Buffer.alloc(9000, 0x61));
    await expectClose(c);
    await stillServing();
  });

  it('header declaring 4 GiB: ERROR, clean close, no allocation', async () => {
    const before = process.memoryUsage();
    for (let i = 0; i < 20; i++) {
      const c = await h.connect();
      c.sendRaw(encodeFrame('REQ', T.ECHO_REQ, Buffer.alloc(0), 0xffffffff));
      await expectError(c, 'ARGUMENT_TOO_LARGE');
      await expectClose(c);
    }
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 * 1024 * 1024);
    expect(after.rss - before.rss).toBeLessThan(64 * 1024 * 1024);
    await stillServing();
  });

  it('header declaring 60 MiB then a trickle: only what arrived is buffered', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const conns = [];
    for (let i = 0; i < 10; i++) {
      const c = await h.connect();
      c.sendRaw(Buffer.concat([encodeFrame('REQ', T.ECHO_REQ, Buffer.alloc(0), 60 * 1024 * 1024), Buffer.alloc(1024, 1)]));
      conns.push(c);
    }
    for (const c of conns) expect(await c.next(100)).toMatchObject({ kind: 'timeout' });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
    await stillServing();
  });

  it('half-sent packet then close: cleaned up, nothing created', async () => {
    const c = await h.connect();
    const full = encodeFrame('REQ', T.SUBMIT_JOB_BG, Buffer.from('f_half\0\0payload'));
    c.sendRaw(full.subarray(0, full.length - 3));
    await new Promise((r) => setTimeout(r, 50));
    c.close();
    const admin = await h.connect('admin');
    const rows = await admin.admin('status', WAIT_MS);
    expect(rows.some((r) => r.startsWith('f_half\t'))).toBe(false);
    await stillServing();
  });

  it('a submit with an empty function name works (gearmand accepts it)', async () => {
    const c = await h.connect();
    const handle = await submit(c, '', 'x', { type: T.SUBMIT_JOB_BG });
    expect(handle).toMatch(/^H:/);
  });
});
