/**
 * Client cases, spec §2 and §4.3 (the requests a client sends): the SUBMIT_* type matches
 * the job's priority and background flag, and function, unique and payload travel byte-exact —
 * empty, NUL-laden, non-ASCII, and the values a careless `||` default turns into nothing
 * (interop-bugs #3, #4).
 */
import { packetName, submitTypeFor, T } from '../../../../src/protocol/constants.js';
import type { JobPriority } from '../../../../src/peers/drivers/index.js';
import { pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { clientSubmits, expectComplete, handleFor, hex, sameBytes, type SubmitOptions } from '../../flows.js';
import { describeEnd, expectDone, expectReportedEnd, nextSubmit, sendSubmit, submitArgs } from '../../flows-client.js';

const KINDS: readonly { priority: JobPriority; background: boolean }[] = [
  { priority: 'normal', background: false },
  { priority: 'high', background: false },
  { priority: 'low', background: false },
  { priority: 'normal', background: true },
  { priority: 'high', background: true },
  { priority: 'low', background: true },
];

const submitKind = (k: { priority: JobPriority; background: boolean }): LibraryCaseDef => {
  const type = submitTypeFor(k.priority, k.background);
  const name = packetName(type);
  return {
    id: `client/requests/${name.toLowerCase().replace(/_/g, '-')}`,
    role: 'client',
    section: k.priority === 'normal' && !k.background ? '2' : '4.3',
    level: 'MUST',
    requirement: `A client MUST submit a ${k.background ? 'background' : 'foreground'} ${k.priority}-priority job as ${name}${k.background ? ' and return once JOB_CREATED arrives, without waiting for a result' : ' and follow it to WORK_COMPLETE'}.`,
    description: `Submit with priority ${k.priority}${k.background ? ', background' : ''}; the stage checks the type, answers JOB_CREATED${k.background ? '' : ' and WORK_COMPLETE'}.`,
    outcomes: [{ outcome: 'pass', when: `${name}, then ${k.background ? 'the handle reported and the call returned' : 'completion'}` }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx, { priority: k.priority, background: k.background, payload: `p-${k.priority}` });
      check(job.submit.type === type, `${name} (type ${type})`, `${packetName(job.submit.type)} (type ${job.submit.type})`);
      const a = submitArgs(job.submit);
      check(a.function.toString('utf8') === job.fn && sameBytes(a.data, Buffer.from(`p-${k.priority}`)), 'function and payload as given', `function ${hex(a.function)}, data ${hex(a.data)}`);
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      if (k.background) {
        const c = await job.driver.expect('created', 'the client reports the handle of the background job', (e) => e.id === job.id);
        check(c.handle === h, `handle ${h}`, `handle ${JSON.stringify(c.handle)}`);
        await expectDone(job.driver, job.id, 'the library returns once the background job is created');
        return pass();
      }
      job.conn.send(T.WORK_COMPLETE, h, 'ok');
      await expectComplete(job, Buffer.from('ok'));
      return pass();
    },
  };
};

/** Submit with `options`; the SUBMIT's function, unique and data must be exactly `want`; then complete it. */
const exactArgs =
  (options: SubmitOptions, want: { function?: Buffer; unique?: Buffer; data?: Buffer }): LibraryCaseDef['run'] =>
  async (ctx) => {
    const driver = await ctx.client();
    const id = sendSubmit(driver, options.fn ?? ctx.fn('job'), options);
    // nextSubmit turns a library that refuses the job before sending it into a failure with its words.
    const { conn, submit } = await nextSubmit(ctx, driver, id);
    const job = { driver, conn, id };
    const a = submitArgs(submit);
    check(submit.args.length === 3, 'SUBMIT_JOB with three arguments (function, unique, data)', `${submit.args.length} arguments`);
    if (want.function) check(sameBytes(a.function, want.function), `function ${hex(want.function)}`, `function ${hex(a.function)}`);
    if (want.unique) check(sameBytes(a.unique, want.unique), `unique ${hex(want.unique)}`, `unique ${hex(a.unique)}`);
    if (want.data) check(sameBytes(a.data, want.data), `data ${hex(want.data)}`, `data ${hex(a.data)}`);
    const h = handleFor(ctx);
    job.conn.send(T.JOB_CREATED, h);
    job.conn.send(T.WORK_COMPLETE, h, 'ok');
    const e = await expectReportedEnd(job.driver, job.id, 'the client completes the job');
    check(e.event === 'complete', 'completion', describeEnd(e));
    return pass();
  };

export const cases: readonly LibraryCaseDef[] = [
  ...KINDS.map(submitKind),
  {
    id: 'client/requests/submit-layout-byte-exact',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST send SUBMIT_JOB as function NUL unique NUL data, each byte-exact (UTF-8 in function and unique, NULs in the data).',
    description: 'Submit function "<case>_é", unique "u-é-<case>", payload "p\\0é\\0end"; compare the three arguments.',
    outcomes: [{ outcome: 'pass', when: 'all three arguments byte-exact' }],
    run: async (ctx) => {
      const fn = ctx.fn('é');
      const unique = ctx.uniq('u-é');
      const payload = Buffer.from('p\0é\0end', 'utf8');
      return exactArgs({ fn, unique, payload }, { function: Buffer.from(fn), unique: Buffer.from(unique), data: payload })(ctx);
    },
  },
  {
    id: 'client/requests/empty-payload',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST be able to submit a job with an empty payload, sent as an empty data part.',
    description: 'Submit with payload ""; the SUBMIT_JOB body must end right after the unique\'s NUL.',
    outcomes: [{ outcome: 'pass', when: 'SUBMIT_JOB with an empty data part, and the job completes' }],
    run: (ctx) => exactArgs({ payload: Buffer.alloc(0) }, { data: Buffer.alloc(0) })(ctx),
  },
  {
    id: 'client/requests/payload-zero-string',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST send the one-byte payload "0" as it is, not as an empty payload.',
    description: 'Submit with payload "0"; the data part must be the byte 0x30.',
    outcomes: [{ outcome: 'pass', when: 'data part "0"' }],
    run: (ctx) => exactArgs({ payload: '0' }, { data: Buffer.from('0') })(ctx),
  },
  {
    id: 'client/requests/nul-laden-payload',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST send a payload that begins, contains and ends with NUL bytes byte-exact.',
    description: 'Submit with payload "\\0\\0a\\0b\\0" (6 bytes).',
    outcomes: [{ outcome: 'pass', when: 'data part equals the 6 bytes' }],
    run: (ctx) => exactArgs({ payload: Buffer.from('\0\0a\0b\0', 'latin1') }, { data: Buffer.from('\0\0a\0b\0', 'latin1') })(ctx),
  },
  {
    id: 'client/requests/function-tab-and-non-ascii',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST send a function name containing a TAB and non-ASCII (UTF-8) characters byte-exact.',
    description: 'Submit function "<case>_fn\\té✓"; compare the SUBMIT_JOB function argument.',
    outcomes: [{ outcome: 'pass', when: 'function argument byte-exact' }],
    run: async (ctx) => {
      const fn = `${ctx.fn('fn')}\té✓`;
      return exactArgs({ fn }, { function: Buffer.from(fn, 'utf8') })(ctx);
    },
  },
  {
    id: 'client/requests/unique-zero-string',
    role: 'client',
    section: '4.2',
    level: 'MUST',
    requirement: 'A client MUST send the unique "0" as it is: an empty unique would stop the server from coalescing the job.',
    description: 'Submit with unique "0"; the unique argument must be the byte 0x30.',
    outcomes: [{ outcome: 'pass', when: 'unique argument "0"' }],
    run: (ctx) => exactArgs({ unique: '0' }, { unique: Buffer.from('0') })(ctx),
  },
];
