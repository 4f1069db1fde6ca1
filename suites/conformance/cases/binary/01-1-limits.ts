/**
 * spec §1.1 sizes: a handle is at most 63 bytes (64 with its NUL), gearmand takes uniques of up to
 * 64 bytes and function names of up to 512, and the data part has no limit below the 32-bit size
 * field. The cases probe each limit at its boundary: unique 63/64/65 bytes, function 511/512/513,
 * handle 63/64, payload 0, 1, 65,535/65,536 and 1 MiB.
 */
import { T } from '../../../../src/protocol/constants.js';
import { type CaseDef, pass } from '../../../../src/runner/case-def.js';
import type { CaseContext } from '../../../../src/runner/context.js';
import { check } from '../../../../src/runner/failures.js';
import { grab, submit, text, worker } from '../../../../src/runner/steps.js';

const pad = (prefix: string, n: number, ch = 'u') => (prefix + ch.repeat(Math.max(0, n))).slice(0, n).padEnd(n, ch);

/**
 * SUBMIT_JOB_BG(function, unique, "x") with a field past a server limit: any answer (JOB_CREATED
 * or ERROR) passes if the connection then still answers ECHO.
 */
const overLimit = (meta: Omit<CaseDef, 'run'>, fields: (ctx: CaseContext) => [fn: string, unique: string]): CaseDef => ({
  ...meta,
  async run(ctx) {
    const c = await ctx.connect('client');
    c.send(T.SUBMIT_JOB_BG, ...fields(ctx), 'x');
    const p = await c.expect([T.JOB_CREATED, T.ERROR]);
    await c.expectAlive();
    return pass(p.type === T.ERROR ? `rejected: ERROR ${text(p.args[0])}` : 'accepted');
  },
});

const uniqueCases: CaseDef[] = [63, 64].map(
  (n) =>
    ({
      id: `binary/limits/unique-${n}-bytes`,
      section: '1.1',
      requirement: `A unique of ${n} bytes is within every server's limit (64) and MUST be accepted and coalesced.`,
      level: 'MUST',
      description: `Submits SUBMIT_JOB_BG twice with the same ${n}-byte unique.`,
      outcomes: [{ outcome: 'pass', when: 'JOB_CREATED twice with the same handle' }],
      async run(ctx) {
        const fn = ctx.fn();
        const u = pad(ctx.uniq(), n);
        const c = await ctx.connect('client');
        const h1 = await submit(c, T.SUBMIT_JOB_BG, fn, u, 'x');
        const h2 = await submit(c, T.SUBMIT_JOB_BG, fn, u, 'x');
        check(h1 === h2, 'the same handle (coalesced on the full unique)', `${h1} vs ${h2}`);
        return pass();
      },
    }) satisfies CaseDef,
);

/**
 * A 64-byte unique, the longest every server accepts, must come back whole where the protocol
 * returns it: in JOB_ASSIGN_UNIQ and as the key of GET_STATUS_UNIQUE. A server that stores fewer
 * bytes than it accepts (interop-bugs #8: gearmand keeps 63) hands a worker a different unique than
 * the client sent, and cannot find the job by the unique the client knows.
 */
const uniqueIntactCases: CaseDef[] = [
  {
    id: 'binary/limits/unique-64-bytes-assigned-intact',
    section: '1.1',
    requirement: 'A 64-byte unique MUST reach the worker byte for byte in JOB_ASSIGN_UNIQ.',
    level: 'MUST',
    description: 'SUBMIT_JOB_BG with a 64-byte unique; a worker GRAB_JOB_UNIQ.',
    outcomes: [
      { outcome: 'pass', when: 'JOB_ASSIGN_UNIQ carrying the same 64 bytes' },
      { outcome: 'unsupported', when: 'GRAB_JOB_UNIQ not implemented' },
    ],
    requires: ['GRAB_JOB_UNIQ'],
    async run(ctx) {
      const fn = ctx.fn();
      const u = pad(ctx.uniq(), 64);
      const h = await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, u, 'x');
      const a = await grab(await worker(ctx, 'worker', [fn]), T.GRAB_JOB_UNIQ, [T.JOB_ASSIGN_UNIQ]);
      const got = text(a.args[2]);
      check(
        text(a.args[0]) === h && got === u,
        `JOB_ASSIGN_UNIQ(${h}, …, the 64-byte unique)`,
        `handle ${text(a.args[0])}, unique of ${got.length} bytes${got === u.slice(0, got.length) ? ' (the first bytes of the one sent)' : ''}`,
      );
      return pass();
    },
  },
  {
    id: 'binary/limits/unique-64-bytes-status-unique',
    section: '4.4',
    requirement: 'GET_STATUS_UNIQUE with the 64-byte unique a client submitted MUST find the job (known=1) and echo the unique whole.',
    level: 'MUST',
    description: 'SUBMIT_JOB_BG with a 64-byte unique; GET_STATUS_UNIQUE(that unique) from another connection.',
    outcomes: [
      { outcome: 'pass', when: 'STATUS_RES_UNIQUE(the 64 bytes, 1, 0, …)' },
      { outcome: 'unsupported', when: 'GET_STATUS_UNIQUE not implemented' },
    ],
    requires: ['GET_STATUS_UNIQUE'],
    async run(ctx) {
      const fn = ctx.fn();
      const u = pad(ctx.uniq(), 64);
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, u, 'x');
      const o = await ctx.connect('observer');
      o.send(T.GET_STATUS_UNIQUE, u);
      const got = (await o.expectOrUnsupported(T.STATUS_RES_UNIQUE, 'GET_STATUS_UNIQUE')).args.map(text);
      check(got[0] === u && got[1] === '1', 'STATUS_RES_UNIQUE(the 64-byte unique, known=1, …)', `unique of ${got[0]?.length ?? 0} bytes, known=${got[1] ?? '?'}`);
      return pass(got.slice(1).join(','));
    },
  },
];

const overUnique = overLimit(
  {
    id: 'binary/limits/unique-65-bytes',
    section: '1.1',
    requirement: 'A unique over 64 bytes MUST be answered: rejected with ERROR (gearmand: ARGUMENT_TOO_LARGE) or accepted (Perl); never silence or a close.',
    level: 'MUST',
    description: 'Submits SUBMIT_JOB_BG with a 65-byte unique, then ECHO_REQ.',
    outcomes: [
      { outcome: 'pass', when: 'ERROR, then ECHO_RES (rejected)' },
      { outcome: 'pass', when: 'JOB_CREATED, then ECHO_RES (accepted)' },
    ],
  },
  (ctx) => [ctx.fn(), pad(ctx.uniq(), 65)],
);

const functionCases: CaseDef[] = [511, 512].map(
  (n) =>
    ({
      id: `binary/limits/function-${n}-bytes`,
      section: '1.1',
      requirement: `A function name of ${n} bytes (gearmand's GEARMAN_FUNCTION_MAX_SIZE is 512) MUST work end to end.`,
      level: 'MUST',
      description: `Worker CAN_DO a ${n}-byte name; a client submits to it; the worker grabs.`,
      outcomes: [{ outcome: 'pass', when: 'JOB_ASSIGN with the full function name' }],
      async run(ctx) {
        const fn = pad(ctx.fn(), n, 'f');
        const h = await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'x');
        const a = await grab(await worker(ctx, 'worker', [fn]));
        check(text(a.args[0]) === h && text(a.args[1]) === fn, `JOB_ASSIGN for the ${n}-byte function`, `handle ${text(a.args[0])}, function of ${a.args[1]!.length} bytes`);
        return pass();
      },
    }) satisfies CaseDef,
);

const overFunction = overLimit(
  {
    id: 'binary/limits/function-513-bytes',
    section: '1.1',
    requirement: 'A function name over 512 bytes MUST be answered (JOB_CREATED or ERROR), never with silence or a close.',
    level: 'MUST',
    description: 'SUBMIT_JOB_BG with a 513-byte function name, then ECHO_REQ.',
    outcomes: [
      { outcome: 'pass', when: 'JOB_CREATED, then ECHO_RES (accepted)' },
      { outcome: 'pass', when: 'ERROR, then ECHO_RES (rejected)' },
    ],
  },
  (ctx) => [pad(ctx.fn(), 513, 'f'), ''],
);

const handleCases: CaseDef[] = [
  {
    id: 'binary/limits/get-status-handle-63-bytes',
    section: '4.1',
    requirement: 'GET_STATUS with a 63-byte (maximum length) unknown handle MUST get STATUS_RES known=0.',
    level: 'MUST',
    description: 'GET_STATUS("H:" + 61 bytes).',
    outcomes: [{ outcome: 'pass', when: 'STATUS_RES(handle, 0, 0, ...)' }],
    async run(ctx) {
      const h = pad('H:gearspec:', 63, 'h');
      const c = await ctx.connect('client');
      c.send(T.GET_STATUS, h);
      const p = await c.expect(T.STATUS_RES);
      check(text(p.args[0]) === h && text(p.args[1]) === '0', 'STATUS_RES echoing the handle, known=0', p.args.map(text).join(','));
      return pass();
    },
  },
  {
    id: 'binary/limits/get-status-handle-64-bytes',
    section: '4.1',
    requirement: 'GET_STATUS with an over-long (64-byte) handle MUST be answered: STATUS_RES known=0 or ERROR, with the connection kept.',
    level: 'MUST',
    description: 'GET_STATUS with a 64-byte handle, then ECHO_REQ.',
    outcomes: [
      { outcome: 'pass', when: 'STATUS_RES(handle, 0, 0, ...), then ECHO_RES' },
      { outcome: 'pass', when: 'ERROR, then ECHO_RES' },
    ],
    async run(ctx) {
      const h = pad('H:gearspec:', 64, 'h');
      const c = await ctx.connect('client');
      c.send(T.GET_STATUS, h);
      const p = await c.expect([T.STATUS_RES, T.ERROR]);
      if (p.type === T.STATUS_RES) check(text(p.args[1]) === '0', 'known=0', text(p.args[1]));
      await c.expectAlive();
      return pass(p.type === T.ERROR ? `ERROR ${text(p.args[0])}` : 'STATUS_RES known=0');
    },
  },
];

const PAYLOADS = [
  ['0', 0],
  ['1', 1],
  ['65535', 65_535],
  ['65536', 65_536],
  ['1mib', 1024 * 1024],
] as const;

const payloadCases: CaseDef[] = PAYLOADS.map(
  ([tag, n]) =>
    ({
      id: `binary/limits/payload-${tag}-bytes-round-trip`,
      section: '1.1',
      requirement: `A ${n}-byte workload and a ${n}-byte result MUST pass through the server byte-identical.`,
      level: 'MUST',
      description: `Client submits ${n} bytes; the worker checks JOB_ASSIGN and answers WORK_COMPLETE with ${n} other bytes.`,
      outcomes: [{ outcome: 'pass', when: 'identical data at the worker and identical result at the client' }],
      budgetReads: 16,
      async run(ctx) {
        const fn = ctx.fn();
        const data = Buffer.alloc(n, 0x41);
        for (let i = 0; i < n; i += 997) data[i] = i % 256;
        const result = Buffer.alloc(n, 0x42);
        for (let i = 0; i < n; i += 991) result[i] = 0;
        const slow = n > 100_000 ? 8 : 1;
        const c = await ctx.connect('client');
        const h = await submit(c, T.SUBMIT_JOB, fn, '', data);
        const w = await worker(ctx, 'worker', [fn]);
        w.send(T.GRAB_JOB);
        const a = await w.expect(T.JOB_ASSIGN, { ms: ctx.timeoutMs * slow, skip: [T.NOOP] });
        check(a.args[2]!.equals(data), `the ${n} submitted bytes at the worker`, `${a.args[2]!.length} bytes`);
        w.send(T.WORK_COMPLETE, h, result);
        const done = await c.expect(T.WORK_COMPLETE, { ms: ctx.timeoutMs * slow });
        check(done.args[1]!.equals(result), `the ${n} result bytes at the client`, `${done.args[1]!.length} bytes`);
        return pass();
      },
    }) satisfies CaseDef,
);

export const cases: readonly CaseDef[] = [...uniqueCases, ...uniqueIntactCases, overUnique, ...functionCases, overFunction, ...handleCases, ...payloadCases];
