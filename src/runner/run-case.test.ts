import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T } from '../protocol/constants.js';
import { type CaseDef, pass } from './case-def.js';
import { fail } from './failures.js';
import { runCase } from './run-case.js';
import { checkServerPacket } from './packet-check.js';
import { res } from '../protocol/packet.js';

/** A tiny echo-ish server: answers ECHO_REQ with ECHO_RES, optionally with REQ magic (a violation). */
let server: net.Server;
let port = 0;
beforeAll(async () => {
  server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      if (d.length >= 12 && d.readUInt32BE(4) === T.ECHO_REQ) {
        const body = d.subarray(12);
        const out = Buffer.alloc(12 + body.length);
        Buffer.from(body.toString() === 'bad' ? [0, 0x52, 0x45, 0x51] : [0, 0x52, 0x45, 0x53]).copy(out);
        out.writeUInt32BE(T.ECHO_RES, 4);
        out.writeUInt32BE(body.length, 8);
        body.copy(out, 12);
        s.write(out);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const opts = () => ({ target: { name: 't', host: '127.0.0.1', port }, timeoutMs: 200, quietMs: 100, strict: false, features: {}, prefix: 'gs_t' });
const mk = (over: Partial<CaseDef> & Pick<CaseDef, 'run'>): CaseDef => ({
  id: 'x/y',
  section: '1.1',
  requirement: 'r',
  level: 'MUST',
  description: 'd',
  outcomes: [{ outcome: 'pass', when: 'w' }],
  ...over,
});

describe('runner - runCase grading', () => {
  it('an exception in our own code is a harness-error, not a server failure', async () => {
    const r = await runCase(
      mk({
        run: async () => {
          throw new TypeError('oops');
        },
      }),
      opts(),
    );
    expect(r.outcome).toBe('harness-error');
    expect(r.detail).toContain('TypeError: oops');
  });

  it('a CaseFailure is fail for MUST, non-strict for SHOULD (fail under strict), informational for INFO', async () => {
    const run = async () => fail(['a'], 'b');
    expect((await runCase(mk({ run }), opts())).outcome).toBe('fail');
    expect((await runCase(mk({ run, level: 'SHOULD' }), opts())).outcome).toBe('non-strict');
    expect((await runCase(mk({ run, level: 'SHOULD' }), { ...opts(), strict: true })).outcome).toBe('fail');
    expect((await runCase(mk({ run, level: 'INFO' }), opts())).outcome).toBe('informational');
  });

  it('the watchdog ends a case that never concludes, and blames the server with Expected/Actual', async () => {
    const started = Date.now();
    const r = await runCase(mk({ budgetReads: 1, run: async () => new Promise(() => undefined) }), opts());
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.outcome).toBe('fail');
    expect(r.actual).toMatch(/no conclusion within/);
  });

  it('a packet with the wrong magic fails the case even if the case passed', async () => {
    const r = await runCase(
      mk({
        run: async (ctx) => {
          const c = await ctx.connect('c');
          c.send(T.ECHO_REQ, 'bad');
          await c.read();
          return pass();
        },
      }),
      opts(),
    );
    expect(r.outcome).toBe('fail');
    expect(r.violations.join()).toMatch(/REQ magic/);
    expect(r.wire.length).toBeGreaterThan(0);
  });

  it('an undeclared alternative is our bug (harness-error)', async () => {
    const r = await runCase(mk({ run: async () => ({ outcome: 'pass-alternative', alternative: 'worker-death', choice: 'requeue' }) }), opts());
    expect(r.outcome).toBe('harness-error');
  });

  it('a case needing a feature the server lacks is unsupported without running', async () => {
    let ran = false;
    const r = await runCase(mk({ requires: ['GRAB_JOB_UNIQ'], run: async () => ((ran = true), pass()) }), { ...opts(), features: { GRAB_JOB_UNIQ: 'unsupported' } });
    expect(r.outcome).toBe('unsupported');
    expect(ran).toBe(false);
  });
});

describe('runner - packet check', () => {
  it('accepts a well-formed response and flags request types, wrong magic and extra arguments', () => {
    expect(checkServerPacket(res(T.JOB_CREATED, 'H:x:1'))).toEqual([]);
    expect(checkServerPacket(res(T.SUBMIT_JOB, 'f', '', 'd')).join()).toMatch(/request type/);
    expect(checkServerPacket({ magic: 'REQ', type: T.NOOP, args: [] }).join()).toMatch(/REQ magic/);
    expect(checkServerPacket(res(T.WORK_FAIL, Buffer.from('H:x:1\0'))).join()).toMatch(/extra NUL/);
    expect(checkServerPacket(res(T.WORK_COMPLETE, 'H:x:1', Buffer.from('a\0b')))).toEqual([]);
  });
});
