/**
 * Client cases, spec §4.13 (ERROR packets): a server answers a request it cannot serve with
 * ERROR(code, text) and keeps the connection — a full queue for SUBMIT_JOB, a refused OPTION_REQ
 * (interop-bugs #16), anything for GET_STATUS. The client must report the error for the
 * request it answers, neither hang nor crash, and stay usable for the next job.
 */
import { T } from '../../../../src/protocol/constants.js';
import type { Packet } from '../../../../src/protocol/packet.js';
import { alternative, pass } from '../../../../src/runner/case-def.js';
import { CaseFailure, check, fail } from '../../../../src/runner/failures.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import type { LibraryConn } from '../../../../src/runner/library/library-conn.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import type { SubjectDriver } from '../../../../src/runner/library/subject-driver.js';
import { clientSubmits, handleFor } from '../../flows.js';
import { describeEnd, expectDone, expectEnd, expectReportedEnd, recent, sendSubmit, stillWorks, SUBMIT_TYPES } from '../../flows-client.js';

const QUEUE_FULL = ['QUEUE_ERROR', 'Job queue is full'] as const;

/** ERROR in answer to the job's SUBMIT: the job ends with an error (or fail), the library returns, a new job completes. */
const submitRefused =
  (background: boolean): LibraryCaseDef['run'] =>
  async (ctx) => {
    const job = await clientSubmits(ctx, { background });
    job.conn.send(T.ERROR, ...QUEUE_FULL);
    const e = await expectReportedEnd(job.driver, job.id, 'the client reports the refused submit for the job');
    check(e.event === 'error' || e.event === 'fail', 'an error (or fail) reported for the job', `the job ended with ${describeEnd(e)}`);
    await expectDone(job.driver, job.id);
    await stillWorks(ctx, job.driver, job.conn);
    return pass(`reported as ${describeEnd(e)}`);
  };

/**
 * The client's next OPTION_REQ (answered with ERROR UNKNOWN_OPTION) or SUBMIT on `conn` within
 * `ms`; anything else is a CaseFailure.
 */
async function refuseOption(conn: LibraryConn, ms: number): Promise<Packet> {
  const p = await conn.expect([T.OPTION_REQ, ...SUBMIT_TYPES], { ms, housekeeping: false, expected: [`OPTION_REQ "exceptions" or a SUBMIT from the client on ${conn.label}`] });
  if (p.type === T.OPTION_REQ) conn.send(T.ERROR, 'UNKNOWN_OPTION', 'Server does not recognize given option');
  return p;
}

/** After a refused option: the job's SUBMIT (on any connection, every further OPTION_REQ refused too), or the library's error for the job. */
async function afterRefusal(ctx: LibraryCaseContext, driver: SubjectDriver, id: string, conn: LibraryConn): Promise<{ submit: Packet; conn: LibraryConn } | { error: string }> {
  const deadline = Date.now() + ctx.timeoutMs;
  let current: LibraryConn | undefined = conn;
  while (Date.now() < deadline) {
    const err = driver.events.find((e) => e.event === 'error' && e.id === id);
    if (err && err.event === 'error') return { error: err.message };
    if (driver.exited) fail('the client reports an error or goes on with the submit', recent(driver));
    if (current && !current.closed) {
      const before = current.received.length;
      try {
        const p = await refuseOption(current, 40);
        if (p.type !== T.OPTION_REQ) return { submit: p, conn: current };
        continue;
      } catch (e) {
        if (!(e instanceof CaseFailure)) throw e;
        if (!current.closed && current.received.length > before) throw e;
        if (current.closed) current = undefined;
      }
    }
    const ev = await driver.first((x) => x.event === 'error' && x.id === id, 30);
    if (ev && ev.event === 'error') return { error: ev.message };
    try {
      current = await ctx.stage.accept(undefined, 30);
    } catch (e) {
      if (!(e instanceof CaseFailure)) throw e;
    }
  }
  return fail('the client reports an error for the job or sends its SUBMIT without the option', `neither within ${ctx.timeoutMs} ms; ${recent(driver)}`);
}

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'client/errors/submit-job-refused',
    role: 'client',
    section: '4.13',
    level: 'MUST',
    requirement: 'A client MUST report an ERROR answering its SUBMIT_JOB as the failure of that job, without hanging or crashing, and then complete a new job.',
    description: 'The stage answers SUBMIT_JOB with ERROR("QUEUE_ERROR", "Job queue is full") (gearmand\'s maxqueue reply), then serves a second job normally.',
    outcomes: [{ outcome: 'pass', when: 'an error or fail is reported for the job, the library returns, and a new job completes' }],
    run: submitRefused(false),
  },
  {
    id: 'client/errors/submit-job-bg-refused',
    role: 'client',
    section: '4.13',
    level: 'MUST',
    requirement: 'A client MUST report an ERROR answering its SUBMIT_JOB_BG as the failure of that submit, without hanging or crashing, and then complete a new job.',
    description: 'The stage answers SUBMIT_JOB_BG with ERROR("QUEUE_ERROR", "Job queue is full"), then serves a foreground job normally.',
    outcomes: [{ outcome: 'pass', when: 'an error or fail is reported for the background submit, the library returns, and a new job completes' }],
    run: submitRefused(true),
  },
  {
    id: 'client/errors/get-status-refused',
    role: 'client',
    section: '4.13',
    level: 'MUST',
    requirement: 'A client MUST report an ERROR answering its GET_STATUS as a failed status request (not as a status), without hanging or crashing, and then complete a new job.',
    description: 'The client asks GET_STATUS for a handle; the stage answers ERROR("INVALID_COMMAND", "Command not expected"); then a job is served normally.',
    outcomes: [{ outcome: 'pass', when: 'an error is reported for the status request, the library returns, and a new job completes' }],
    run: async (ctx) => {
      const driver = await ctx.client();
      const id = driver.id('st');
      const h = handleFor(ctx);
      driver.send({ op: 'status', id, handle: h });
      const conn = await ctx.stage.accept();
      const p = await conn.expect(T.GET_STATUS);
      check(p.args[0]!.toString('latin1') === h, `GET_STATUS names ${h}`, `it names ${JSON.stringify(p.args[0]!.toString('latin1'))}`);
      conn.send(T.ERROR, 'INVALID_COMMAND', 'Command not expected');
      const e = await driver.first((x) => (x.event === 'error' || x.event === 'status-res' || x.event === 'done') && 'id' in x && x.id === id);
      if (!e) fail('an error reported for the status request', `nothing within ${ctx.timeoutMs} ms; ${recent(driver)}`);
      if (e.event === 'status-res') fail('an error reported for the status request', `the library reported a status instead: known=${e.known} running=${e.running} ${e.numerator}/${e.denominator}`);
      if (e.event === 'done') fail('an error reported for the status request', 'the library returned without reporting an error or a status');
      await expectDone(driver, id);
      await stillWorks(ctx, driver, conn);
      return pass();
    },
  },
  {
    id: 'client/errors/option-refused-no-hang',
    role: 'client',
    section: '4.13',
    level: 'MUST',
    requirement: 'A client whose OPTION_REQ "exceptions" is answered with ERROR MUST neither hang nor crash: it either goes on without the option or reports an error for the job.',
    description: 'The client wants exceptions; the stage answers every OPTION_REQ with ERROR("UNKNOWN_OPTION", …) (a server without the option, interop-bugs #16) and serves any SUBMIT normally.',
    outcomes: [
      { outcome: 'pass', when: 'the job is submitted without the option and completes' },
      { outcome: 'pass', when: 'the library reports an error for the job and returns' },
    ],
    run: async (ctx) => {
      const driver = await ctx.client();
      const id = sendSubmit(driver, ctx.fn('job'), { exceptions: true });
      const conn = await ctx.stage.accept();
      const r = await afterRefusal(ctx, driver, id, conn);
      if ('error' in r) {
        await expectDone(driver, id);
        return pass(`the library reported an error: ${r.error.slice(0, 160)}`);
      }
      const h = handleFor(ctx);
      r.conn.send(T.JOB_CREATED, h);
      r.conn.send(T.WORK_COMPLETE, h, 'ok');
      const e = await expectEnd(driver, id, 'the client completes the job without the option');
      check(e.event === 'complete', 'completion', describeEnd(e));
      return pass('went on without the option');
    },
  },
  {
    id: 'client/errors/option-refused-carries-on',
    role: 'client',
    section: '4.13',
    // SHOULD: the option only changes how WORK_EXCEPTION is delivered; a server without it can
    // still run every job, so refusing to work at all (pecl's "Failed to set exception option")
    // loses a usable server.
    level: 'SHOULD',
    requirement: 'A client whose OPTION_REQ "exceptions" is refused SHOULD carry on without the option and run its jobs.',
    description: 'As option-refused-no-hang; the job must be submitted and complete.',
    outcomes: [{ outcome: 'pass', when: 'the job is submitted (after the refusal) and completes' }],
    run: async (ctx) => {
      const driver = await ctx.client();
      const id = sendSubmit(driver, ctx.fn('job'), { exceptions: true });
      const conn = await ctx.stage.accept();
      const r = await afterRefusal(ctx, driver, id, conn);
      if ('error' in r) fail('the job is submitted without the option', `the library gave up with an error: ${r.error.slice(0, 200)}`);
      const h = handleFor(ctx);
      r.conn.send(T.JOB_CREATED, h);
      r.conn.send(T.WORK_COMPLETE, h, 'ok');
      const e = await expectEnd(driver, id, 'the client completes the job without the option');
      check(e.event === 'complete', 'completion', describeEnd(e));
      return pass();
    },
  },
  {
    id: 'client/errors/error-mid-job',
    role: 'client',
    section: '4.13',
    level: 'MUST',
    requirement:
      'A client that receives an ERROR while its job runs (no request outstanding) MUST NOT hang or crash: it reports an error for the job or ignores the ERROR, and then completes a new job.',
    description: 'JOB_CREATED, then ERROR("SERVER_ERROR", "internal failure") with no request outstanding, then WORK_COMPLETE "late" for the job; then a new job.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'client-unsolicited-error', choice: 'ignore', when: 'the ERROR is ignored, the job completes with "late", and a new job completes' },
      { outcome: 'pass-alternative', alternative: 'client-unsolicited-error', choice: 'error', when: 'an error or fail is reported for the job, and a new job completes' },
    ],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      await job.driver.expect('created', 'the client reports the job handle', (e) => e.id === job.id);
      job.conn.send(T.ERROR, 'SERVER_ERROR', 'internal failure');
      job.conn.send(T.WORK_COMPLETE, h, 'late');
      const e = await expectReportedEnd(job.driver, job.id, 'the client reports an error for the job or its completion');
      await expectDone(job.driver, job.id);
      await stillWorks(ctx, job.driver, job.conn);
      const ends = job.driver
        .eventsFor(job.id)
        .filter((x) => x.event !== 'created' && x.event !== 'done')
        .map((x) => x.event);
      if (e.event === 'complete') return alternative('client-unsolicited-error', 'ignore', `events for the job: ${ends.join(', ')}`);
      check(e.event === 'error' || e.event === 'fail', 'an error, fail or completion for the job', describeEnd(e));
      return alternative('client-unsolicited-error', 'error', `reported ${describeEnd(e)}; events for the job: ${ends.join(', ')}`);
    },
  },
];
