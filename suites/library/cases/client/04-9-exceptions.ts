/**
 * Client cases, spec §4.9 (WORK_FAIL, WORK_EXCEPTION and the `exceptions` option): the
 * client ends its task exactly once whatever form the failure takes — a plain WORK_FAIL, the
 * WORK_FAIL-with-trailing-NUL gearmand sends to clients without the option (§5 row 3), a
 * WORK_EXCEPTION that ends the job (gearmand) or one followed by WORK_FAIL (Perl gearmand), with
 * and without the option (interop-bugs #12, #13).
 */
import { T } from '../../../../src/protocol/constants.js';
import { unb64 } from '../../../../src/peers/drivers/index.js';
import { alternative, pass } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { clientSubmits, handleFor, hex, sameBytes } from '../../flows.js';
import { describeEnd, endsOf, expectDone, expectEnd, expectReportedEnd, rawPacket, stillWorks } from '../../flows-client.js';

const BOOM = Buffer.from('boom\0trace', 'latin1');

/**
 * The stage sends WORK_EXCEPTION (and, for a non-terminal server, WORK_FAIL after it); the client
 * must end the task exactly once, return, and complete a new job on the same process.
 */
const exceptionCase =
  (exceptions: boolean, terminalServer: boolean): LibraryCaseDef['run'] =>
  async (ctx) => {
    const job = await clientSubmits(ctx, { exceptions });
    const h = handleFor(ctx);
    job.conn.send(T.JOB_CREATED, h);
    job.conn.send(T.WORK_EXCEPTION, h, BOOM);
    if (!terminalServer) job.conn.send(T.WORK_FAIL, h);
    const first = await expectReportedEnd(job.driver, job.id, 'the client ends the task (exception or fail reported)');
    if (first.event === 'error') fail('the client reports the exception or a failure for the task', `it reported an error: ${first.message}`);
    if (first.event === 'complete') fail('the client reports the exception or a failure for the task', `it reported ${describeEnd(first)}`);
    if (first.event === 'exception') {
      const got = unb64(first.payload);
      check(sameBytes(got, BOOM), `the exception event carries ${hex(BOOM)}`, `it carries ${hex(got)}`);
    }
    await expectDone(job.driver, job.id, 'the library returns from the job once it has ended');
    await stillWorks(ctx, job.driver, job.conn);
    const ends = endsOf(job.driver, job.id).map((e) => e.event);
    const seq = ends.join(',');
    if (terminalServer) {
      check(seq === 'exception' || seq === 'fail', 'exactly one end reported: exception or fail', `the job reported: ${seq}`);
      return pass(`ended with ${seq}`);
    }
    if (seq === 'exception') return alternative('client-exception-terminal', 'terminal', 'the exception ended the task; the WORK_FAIL after it was ignored');
    if (seq === 'exception,fail') return alternative('client-exception-terminal', 'non-terminal', 'the exception was reported and the WORK_FAIL after it ended the task');
    if (seq === 'fail') return alternative('client-exception-terminal', 'fail-only', 'the exception was not reported; the WORK_FAIL ended the task');
    return fail('the task ends exactly once: [exception], [exception, fail] or [fail]', `the job reported: ${seq}`);
  };

const terminalOutcomes = [{ outcome: 'pass', when: 'the task ends once (exception with the exact payload, or fail), the library returns and a new job completes' }] as const;
const nonTerminalOutcomes = [
  { outcome: 'pass-alternative', alternative: 'client-exception-terminal', choice: 'terminal', when: 'exception reported, the later WORK_FAIL ignored; a new job completes' },
  { outcome: 'pass-alternative', alternative: 'client-exception-terminal', choice: 'non-terminal', when: 'exception reported, then fail ends the task; a new job completes' },
  { outcome: 'pass-alternative', alternative: 'client-exception-terminal', choice: 'fail-only', when: 'no exception reported, the WORK_FAIL ends the task; a new job completes' },
] as const;

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'client/exceptions/work-fail',
    role: 'client',
    section: '4.9',
    level: 'MUST',
    requirement: 'A client MUST report WORK_FAIL(handle) as the failure of the task with that handle and return.',
    description: 'JOB_CREATED, then WORK_FAIL with the handle as its only argument.',
    outcomes: [{ outcome: 'pass', when: 'the client reports fail for the job' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      job.conn.send(T.WORK_FAIL, h);
      const e = await expectEnd(job.driver, job.id, 'the client reports the failure');
      check(e.event === 'fail', 'a fail event for the job', `the job ended with ${describeEnd(e)}`);
      return pass();
    },
  },
  {
    id: 'client/exceptions/work-fail-trailing-nul',
    role: 'client',
    section: '4.9',
    // SHOULD: the trailing NUL is one argument too many (the table gives WORK_FAIL one argument),
    // so the server is at fault; but gearmand 1.1.20 sends exactly this to every client without
    // the exceptions option (spec §4.9, §5 row 3), and a client that does not match it
    // waits for that job forever. Tolerating it is what makes a client work with gearmand.
    level: 'SHOULD',
    requirement: "A client SHOULD match a WORK_FAIL whose body is the handle plus a trailing NUL (gearmand's form for clients without the exceptions option) to its task and report the failure.",
    description: 'JOB_CREATED, then WORK_FAIL with body "handle\\0" (raw bytes), then WORK_COMPLETE "probe" as a positive signal that the failure was not matched.',
    outcomes: [{ outcome: 'pass', when: 'the client reports fail for the job (the probe WORK_COMPLETE is then ignored)' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx, { exceptions: false });
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      job.conn.raw(rawPacket('RES', T.WORK_FAIL, Buffer.concat([Buffer.from(h), Buffer.from([0])])));
      job.conn.send(T.WORK_COMPLETE, h, 'probe');
      const e = await expectEnd(job.driver, job.id, 'the client ends the task');
      if (e.event === 'complete')
        fail('a fail event for the job', 'the client did not match the WORK_FAIL to the task (it completed with the probe that followed): against gearmand it would wait forever');
      check(e.event === 'fail', 'a fail event for the job', `the job ended with ${describeEnd(e)}`);
      return pass();
    },
  },
  {
    id: 'client/exceptions/option-requested-before-submit',
    role: 'client',
    section: '4.9',
    level: 'MUST',
    requirement: 'A client that wants exceptions MUST send OPTION_REQ "exceptions" on the connection before its SUBMIT_JOB there (the option is per connection).',
    description: 'Submit with the exceptions option; look at what came before the SUBMIT_JOB on the connection that carried it.',
    outcomes: [{ outcome: 'pass', when: 'OPTION_REQ "exceptions" precedes the SUBMIT on the same connection' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx, { exceptions: true });
      const at = job.conn.received.indexOf(job.submit);
      const before = job.conn.received.slice(0, at);
      const opt = before.find((p) => p.type === T.OPTION_REQ);
      check(
        opt !== undefined && opt.args[0]!.toString('latin1') === 'exceptions',
        'OPTION_REQ "exceptions" before the SUBMIT on its connection',
        () =>
          `before the SUBMIT: ${before.map((p) => `${p.type}:${p.args.map((a) => a.toString('latin1')).join('|')}`).join(', ') || 'nothing'}; other connections: ${ctx.stage.connections.length - 1}`,
      );
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      job.conn.send(T.WORK_COMPLETE, h, 'ok');
      const e = await expectEnd(job.driver, job.id, 'the client completes the job');
      check(e.event === 'complete', 'completion', describeEnd(e));
      return pass();
    },
  },
  {
    id: 'client/exceptions/exception-terminal-with-option',
    role: 'client',
    section: '4.9',
    level: 'MUST',
    requirement:
      'A client with the exceptions option MUST end its task exactly once on a WORK_EXCEPTION that ends the job (gearmand) — reporting the exception with its exact payload, or a failure — and stay usable.',
    description: 'Client sets the option; JOB_CREATED, then WORK_EXCEPTION "boom\\0trace" and nothing more for the job; then a new job on the same client.',
    outcomes: terminalOutcomes,
    run: exceptionCase(true, true),
  },
  {
    id: 'client/exceptions/exception-then-fail-with-option',
    role: 'client',
    section: '4.9',
    level: 'MUST',
    requirement: 'A client with the exceptions option MUST end its task exactly once when WORK_EXCEPTION is followed by WORK_FAIL (Perl gearmand), and the stray packet must not disturb its next job.',
    description: 'Client sets the option; JOB_CREATED, WORK_EXCEPTION "boom\\0trace", WORK_FAIL; then a new job on the same client.',
    outcomes: nonTerminalOutcomes,
    run: exceptionCase(true, false),
  },
  {
    id: 'client/exceptions/exception-terminal-without-option',
    role: 'client',
    section: '4.9',
    level: 'MUST',
    requirement: 'A client without the exceptions option MUST still end its task on a WORK_EXCEPTION that ends the job (gearmand started with --exceptions sends it to every client) and stay usable.',
    description: 'Client does not set the option; JOB_CREATED, then WORK_EXCEPTION "boom\\0trace" and nothing more; then a new job on the same client.',
    outcomes: terminalOutcomes,
    run: exceptionCase(false, true),
  },
  {
    id: 'client/exceptions/exception-then-fail-without-option',
    role: 'client',
    section: '4.9',
    level: 'MUST',
    requirement: 'A client without the exceptions option MUST end its task exactly once when an unrequested WORK_EXCEPTION is followed by WORK_FAIL, and stay usable.',
    description: 'Client does not set the option; JOB_CREATED, WORK_EXCEPTION "boom\\0trace", WORK_FAIL; then a new job on the same client.',
    outcomes: nonTerminalOutcomes,
    run: exceptionCase(false, false),
  },
];
