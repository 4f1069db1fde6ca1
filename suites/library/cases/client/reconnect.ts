/**
 * Client cases, the server going away (spec §4.7 covers workers; interop-bugs #29 the
 * reconnect bugs): the job server closes every connection while a job is waiting and comes back
 * on the same port. The client must not wait forever — it reports an error for the job, or it
 * reconnects and resubmits — and a later job should find the server again.
 */
import { T } from '../../../../src/protocol/constants.js';
import { unb64 } from '../../../../src/peers/drivers/index.js';
import { alternative, pass } from '../../../../src/runner/case-def.js';
import { CaseFailure, check, fail } from '../../../../src/runner/failures.js';
import type { LibraryConn } from '../../../../src/runner/library/library-conn.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { clientSubmits, handleFor, hex, sameBytes } from '../../flows.js';
import { describeEnd, expectDone, expectReportedEnd, recent, stillWorks, submitArgs, type Terminal } from '../../flows-client.js';

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'client/reconnect/server-closes-mid-job',
    role: 'client',
    section: '4.7',
    level: 'MUST',
    requirement: 'A client whose server connection closes while its job waits MUST NOT wait forever: it reports an error (or failure) for the job, or reconnects and resubmits it.',
    description: 'JOB_CREATED for the job; the stage goes down (every connection closed) and comes back on the same port; a resubmitted job is served normally.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'client-lost-connection', choice: 'error', when: 'an error or fail is reported for the job and the library returns' },
      { outcome: 'pass-alternative', alternative: 'client-lost-connection', choice: 'resubmit', when: 'the library reconnects, resubmits the job, and reports its completion' },
    ],
    budgetReads: 10,
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      await job.driver.expect('created', 'the client reports the job handle', (e) => e.id === job.id);
      await ctx.stage.down();
      await ctx.stage.up();
      const deadline = Date.now() + ctx.timeoutMs;
      let end: Terminal | undefined;
      let again: LibraryConn | undefined;
      while (!end && !again && Date.now() < deadline) {
        end = (await job.driver.first((e) => (e.event === 'complete' || e.event === 'fail' || e.event === 'exception' || e.event === 'error') && 'id' in e && e.id === job.id, 30)) as
          | Terminal
          | undefined;
        if (end) break;
        try {
          again = await ctx.stage.accept('client-after-restart', 30);
        } catch (e) {
          if (!(e instanceof CaseFailure)) throw e;
        }
      }
      if (end) {
        check(end.event === 'error' || end.event === 'fail', 'an error or fail reported for the job', describeEnd(end));
        await expectDone(job.driver, job.id);
        return alternative('client-lost-connection', 'error', `reported ${describeEnd(end)}`);
      }
      if (!again) return fail('an error for the job, or a reconnect and resubmit', `neither within ${ctx.timeoutMs} ms of the restart; ${recent(job.driver)}`);
      const submit = await again.expectSubmit();
      const a = submitArgs(submit);
      check(a.function.toString('utf8') === job.fn && sameBytes(a.data, job.payload), `the same job resubmitted (${job.fn})`, `function ${hex(a.function)}, data ${hex(a.data)}`);
      const h2 = handleFor(ctx, 2);
      again.send(T.JOB_CREATED, h2);
      again.send(T.WORK_COMPLETE, h2, 'after-restart');
      const e = await expectReportedEnd(job.driver, job.id, 'the resubmitted job completes');
      check(e.event === 'complete' && sameBytes(unb64(e.payload), Buffer.from('after-restart')), 'completion with "after-restart"', describeEnd(e));
      return alternative('client-lost-connection', 'resubmit', 'reconnected and resubmitted the job');
    },
  },
  {
    id: 'client/reconnect/new-job-after-restart',
    role: 'client',
    section: '4.7',
    // SHOULD: nothing in the protocol makes a client reconnect, but a long-lived client that
    // cannot find a restarted server again is useless until its process restarts.
    level: 'SHOULD',
    requirement: 'A client SHOULD reach a restarted server for its next job: after the server closed its connection between jobs, a new job connects again and completes.',
    description: 'A first job completes; the stage goes down and comes back on the same port; a second job is submitted from the same client process.',
    outcomes: [{ outcome: 'pass', when: 'the second job arrives on a new connection and completes' }],
    budgetReads: 10,
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      job.conn.send(T.WORK_COMPLETE, h, 'first');
      const e = await expectReportedEnd(job.driver, job.id, 'the first job completes');
      check(e.event === 'complete', 'completion of the first job', describeEnd(e));
      await expectDone(job.driver, job.id);
      await ctx.stage.down();
      await ctx.stage.up();
      await stillWorks(ctx, job.driver, undefined, { what: 'a job submitted after the restart reaches the server and completes' });
      return pass();
    },
  },
];
