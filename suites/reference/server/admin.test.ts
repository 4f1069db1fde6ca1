/** Admin text commands in gearmand 1.1.20's formats, plus shutdown [graceful]. */
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/protocol/constants.js';
import { req } from '../../../src/protocol/packet.js';
import { SERVER_VERSION } from '../../../src/server/index.js';
import type { GearmanConnection } from '../../../src/transport/connection.js';
import { WAIT_MS, args, grab, submit, worker, sharedHarness, startHarness } from './helpers.js';

const h = sharedHarness();

/** Raw reply bytes up to a deadline, to check exact terminators. */
async function raw(c: GearmanConnection, line: string, eol: '\n' | '\r\n' = '\n'): Promise<string> {
  c.sendText(line, eol);
  let out = '';
  for (;;) {
    const e = await c.next(200);
    if (e.kind !== 'text') return out;
    out += `${e.line}|`;
  }
}

describe('admin', () => {
  it('version, getpid, verbose', async () => {
    const c = await h.connect();
    expect(await c.admin('version', WAIT_MS)).toEqual([`OK ${SERVER_VERSION}`]);
    expect(SERVER_VERSION).toMatch(/^gearspec-\d+\.\d+\.\d+/);
    expect(await c.admin('getpid', WAIT_MS)).toEqual([`OK ${process.pid}`]);
    expect(await c.admin('verbose', WAIT_MS)).toEqual(['OK ERROR']);
    expect(await c.admin('VeRsIoN', WAIT_MS, '\r\n')).toEqual([`OK ${SERVER_VERSION}`]);
  });

  it('status and prioritystatus list every function seen, with counts', async () => {
    const c = await h.connect();
    await submit(c, 'f_st', 'a', { type: T.SUBMIT_JOB_HIGH_BG });
    await submit(c, 'f_st', 'b', { type: T.SUBMIT_JOB_LOW_BG });
    await submit(c, 'f_st', 'c', { type: T.SUBMIT_JOB_BG });
    const w = await worker(h, 'f_st', 'f_st_idle');
    await grab(w);
    expect(await c.admin('status', WAIT_MS)).toEqual(expect.arrayContaining(['f_st\t3\t1\t1', 'f_st_idle\t0\t0\t1']));
    expect(await c.admin('prioritystatus', WAIT_MS)).toEqual(expect.arrayContaining(['f_st\t0\t1\t1\t1']));
  });

  it('workers lists every connection, admin ones included', async () => {
    const w = await worker(h, 'f_w1', 'f_w2');
    const c = await h.connect();
    const lines = await c.admin('workers', WAIT_MS);
    expect(lines.some((l) => /^\d+ 127\.0\.0\.1 - : f_w1 f_w2$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\d+ 127\.0\.0\.1 - :$/.test(l))).toBe(true);
    w.close();
  });

  it('show jobs and show unique jobs', async () => {
    const c = await h.connect();
    const hb = await submit(c, 'f_show', 'x', { type: T.SUBMIT_JOB_BG, unique: 'uniq-show' });
    const hf = await submit(c, 'f_show', 'y');
    const jobs = await c.admin('show jobs', WAIT_MS);
    expect(jobs).toEqual(expect.arrayContaining([`${hb}\t0\t0\t1`, `${hf}\t0\t0\t0`]));
    const uniques = await c.admin('show unique jobs', WAIT_MS);
    expect(uniques).toEqual(expect.arrayContaining(['uniq-show', '']));
    expect(await raw(c, 'show foo')).toBe('ERR UNKNOWN_SHOW_ARGUMENTS|');
    expect(await raw(c, 'show jobs extra')).toBe('ERR UNKNOWN_SHOW_ARGUMENTS|');
    expect(await raw(c, 'show')).toBe('ERR UNKNOWN_COMMAND Unknown+server+commandshow|');
  });

  it('cancel job: WORK_FAIL to foreground clients, OK; unknown → ERR UNKNOWN_JOB', async () => {
    const c = await h.connect();
    const handle = await submit(c, 'f_cancel', 'x');
    const admin = await h.connect();
    expect(await admin.admin(`cancel job ${handle}`, WAIT_MS)).toEqual(['OK']);
    expect((await c.expect([T.WORK_FAIL], WAIT_MS)).args).toEqual([Buffer.from(handle)]);
    c.send(req(T.GET_STATUS, handle));
    expect(args(await c.expect([T.STATUS_RES], WAIT_MS))[1]).toBe('0');
    expect(await admin.admin('cancel job H:none:1', WAIT_MS)).toEqual(['ERR UNKNOWN_JOB']);
    expect(await raw(admin, 'cancel foo bar')).toBe('ERR UNKNOWN_ERROR|');
    expect(await raw(admin, 'cancel job')).toBe('ERR UNKNOWN_COMMAND Unknown+server+commandcancel|');
  });

  it('create function keeps the whole name (bare \\n too); drop function', async () => {
    const c = await h.connect();
    expect(await c.admin('create function fx_created', WAIT_MS, '\n')).toEqual(['OK']);
    expect(await c.admin('status', WAIT_MS)).toContain('fx_created\t0\t0\t0');
    expect(await raw(c, 'create function')).toMatch(/^ERR INVALID_ARGUMENTS An\+incomplete\+set\+of\+arguments\+was\+sent\+to\+this\+command\+create\|$/);
    expect(await c.admin('drop function FX_CREATED', WAIT_MS)).toEqual(['OK']);
    expect(await c.admin('status', WAIT_MS)).not.toContain('fx_created\t0\t0\t0');
    expect(await c.admin('drop function fx_created', WAIT_MS)).toEqual(['ERR function not found']);
    const w = await worker(h, 'f_busy');
    expect(await c.admin('drop function f_busy', WAIT_MS)).toEqual(['ERR there are still connected workers or executing clients']);
    w.close();
  });

  it('maxqueue without arguments; unknown commands; empty line; leading space', async () => {
    const c = await h.connect();
    expect(await raw(c, 'maxqueue')).toBe('ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+maxqueue|');
    expect(await raw(c, 'foo bar')).toBe('ERR UNKNOWN_COMMAND Unknown+server+commandfoo|');
    expect(await raw(c, '')).toBe('ERR UNKNOWN_COMMAND Unknown+server+command|');
    expect(await raw(c, ' status')).toBe('ERR UNKNOWN_COMMAND Unknown+server+command|');
  });

  it('uses gearmand’s exact terminators', async () => {
    const c = await h.connect();
    const bytes: Buffer[] = [];
    const original = c.log.bytes.bind(c.log);
    c.log.bytes = (dir, b, conn, max) => {
      if (dir === 'recv') bytes.push(Buffer.from(b));
      original(dir, b, conn, max);
    };
    await c.admin('maxqueue f_term 3', WAIT_MS);
    await c.admin('getpid', WAIT_MS);
    await c.admin('status', WAIT_MS);
    const all = Buffer.concat(bytes).toString('latin1');
    expect(all.startsWith('OK\r\n')).toBe(true);
    expect(all).toContain(`OK ${process.pid}\n`);
    expect(all.endsWith('.\n')).toBe(true);
  });
});

describe('shutdown', () => {
  it('shutdown closes everything and resolves closed', async () => {
    const hs = await startHarness();
    const c = await hs.connect();
    const bystander = await hs.connect();
    expect(await c.admin('shutdown', WAIT_MS)).toEqual(['OK']);
    await hs.server.closed;
    expect((await bystander.next(WAIT_MS)).kind).toBe('closed');
    await hs.close();
  });

  it('shutdown graceful: stops accepting and new jobs, finishes the queue, then closes', async () => {
    const hs = await startHarness();
    try {
      const c = await hs.connect();
      const handle = await submit(c, 'f_g', 'x');
      const w = await worker(hs, 'f_g');
      const admin = await hs.connect();
      expect(await admin.admin('shutdown graceful', WAIT_MS)).toEqual(['OK']);
      await expect(hs.connect()).rejects.toThrow();
      c.send(req(T.SUBMIT_JOB, 'f_g', '', 'new'));
      expect(args(await c.expect([T.ERROR], WAIT_MS))[0]).toBe('SHUTDOWN');
      let closed = false;
      void hs.server.closed.then(() => (closed = true));
      await grab(w);
      await new Promise((r) => setTimeout(r, 50));
      expect(closed).toBe(false);
      w.send(req(T.WORK_COMPLETE, handle, 'bye'));
      expect(args(await c.expect([T.WORK_COMPLETE], WAIT_MS))).toEqual([handle, 'bye']);
      await hs.server.closed;
      expect((await admin.next(WAIT_MS)).kind).toBe('closed');
    } finally {
      await hs.close();
    }
  });

  it('shutdown with another argument is an error', async () => {
    const c = await h.connect();
    expect(await raw(c, 'shutdown now')).toMatch(/^ERR /);
  });
});
