/**
 * spec §4.7 Worker disconnect mid-job: gearmand requeues every job the connection held; Perl sends
 * WORK_FAIL(handle) to the listeners and deletes the job; a foreground client that leaves before
 * its job runs has the job dropped when a worker next tries to take it (that worker gets NO_JOB).
 * spec §3.2 `cancel job`.
 */
import { T } from '../../../../src/protocol/constants.js';
import { alternative, type CaseDef, informational, pass } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import { expectNoJob, noopWithin, getStatus, grab, grabOrNone, runningJob, submit, submitAndGrab, text, worker } from '../../../../src/runner/steps.js';

export const cases: readonly CaseDef[] = [
  {
    id: 'binary/behaviour/worker-death-mid-job',
    section: '4.7',
    requirement: 'When the worker holding a job disconnects the server MUST NOT leave the client waiting forever: requeue the job to another worker, or fail it to the client (a named alternative).',
    level: 'MUST',
    description: 'Client submits; worker 1 grabs and closes its socket; worker 2 grabs.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'worker-death', choice: 'requeue', when: 'client gets nothing; worker 2 gets the same handle and data' },
      { outcome: 'pass-alternative', alternative: 'worker-death', choice: 'fail', when: 'client gets WORK_FAIL(handle); worker 2 gets NO_JOB' },
    ],
    async run(ctx) {
      const j = await runningJob(ctx, { data: 'survive' });
      j.worker.close();
      const seen = await j.client.collect(ctx.quietMs, (es) => es.length > 0);
      const failed = seen.find((e) => e.kind === 'packet' && e.packet.type === T.WORK_FAIL);
      const again = await grabOrNone(await worker(ctx, 'worker2', [j.fn]));
      if (failed && failed.kind === 'packet') {
        check(text(failed.packet.args[0]) === j.handle, `WORK_FAIL(${j.handle})`, text(failed.packet.args[0]));
        check(again === undefined, 'NO_JOB for worker 2 after the failure', again ? text(again.args[0]) : '');
        return alternative('worker-death', 'fail');
      }
      if (again && text(again.args[0]) === j.handle && text(again.args[2]) === 'survive') return alternative('worker-death', 'requeue');
      return fail(
        ['WORK_FAIL to the client (fail)', `JOB_ASSIGN ${j.handle} to worker 2 (requeue)`],
        `client: ${seen.length ? seen[0]!.kind : 'nothing'}; worker 2: ${again ? text(again.args[0]) : 'NO_JOB'}`,
      );
    },
  },
  {
    id: 'binary/behaviour/requeued-job-status',
    section: '4.7',
    requirement: 'While a requeued job waits, GET_STATUS SHOULD report known=1, running=0 (gearmand); a server that fails jobs instead reports known=0.',
    level: 'INFO',
    description: 'Worker grabs a background job and disconnects; GET_STATUS(handle).',
    outcomes: [{ outcome: 'informational', when: 'the STATUS_RES values are recorded' }],
    async run(ctx) {
      const { client: c, worker: w, handle: h } = await submitAndGrab(ctx, ctx.fn(), T.SUBMIT_JOB_BG);
      w.close();
      await ctx.sleep(Math.min(200, ctx.quietMs));
      return informational(`STATUS_RES ${(await getStatus(c, h)).join(',')}`);
    },
  },
  {
    id: 'binary/behaviour/failed-background-job-retried',
    section: '4.4',
    requirement: 'Whether a background job its worker failed (WORK_FAIL) is run again is up to the server (gearmand: never). Recorded only.',
    level: 'INFO',
    description: 'A worker grabs a background job and sends WORK_FAIL; then GRAB_JOB again and GET_STATUS(handle).',
    outcomes: [{ outcome: 'informational', when: 'whether the job came back (JOB_ASSIGN of the same handle) or not (NO_JOB), and its status, are recorded' }],
    async run(ctx) {
      const { client: c, worker: w, handle: h, assign } = await submitAndGrab(ctx, ctx.fn(), T.SUBMIT_JOB_BG, { data: 'fail me' });
      check(text(assign.args[0]) === h, `JOB_ASSIGN for handle ${h}`, `JOB_ASSIGN for ${text(assign.args[0])}`);
      w.send(T.WORK_FAIL, h);
      const again = await grabOrNone(w);
      const status = (await getStatus(c, h)).join(',');
      if (again === undefined) return informational(`not retried: NO_JOB; STATUS_RES ${status}`);
      const retried = text(again.args[0]) === h;
      // Fail it once more so no retry loop outlives the case (cleanup removes what is left).
      if (retried) w.send(T.WORK_FAIL, h);
      return informational(`${retried ? 'retried: the same handle was assigned again' : `another job was assigned (${text(again.args[0])})`}; STATUS_RES ${status}`);
    },
  },
  {
    id: 'binary/behaviour/client-gone-before-run',
    section: '4.7',
    requirement: 'A foreground job whose only client disconnected before it ran SHOULD be dropped: a worker then gets NO_JOB.',
    level: 'SHOULD',
    description: 'Client submits SUBMIT_JOB and closes; a worker grabs.',
    outcomes: [{ outcome: 'pass', when: 'NO_JOB' }],
    async run(ctx) {
      const fn = ctx.fn();
      const c = await ctx.connect('client');
      await submit(c, T.SUBMIT_JOB, fn, '', 'orphan');
      c.close();
      await ctx.sleep(50);
      await expectNoJob(await worker(ctx, 'worker', [fn]), 'NO_JOB (job dropped)');
      return pass();
    },
  },
  {
    id: 'binary/behaviour/pre-sleep-meets-abandoned-job',
    section: '4.5',
    requirement: 'PRE_SLEEP with only an abandoned foreground job queued (its client gone): whether that counts as waiting work is a named alternative; either way no worker may get the job.',
    level: 'MUST',
    description: 'Worker CAN_DO f; a client submits SUBMIT_JOB f and closes; the worker sends PRE_SLEEP, watches for NOOP, then GRAB_JOB.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'abandoned-job-at-pre-sleep', choice: 'drop', when: 'no NOOP; GRAB_JOB gets NO_JOB' },
      { outcome: 'pass-alternative', alternative: 'abandoned-job-at-pre-sleep', choice: 'count-as-work', when: 'NOOP; GRAB_JOB gets NO_JOB' },
    ],
    async run(ctx) {
      const fn = ctx.fn();
      const w = await worker(ctx, 'worker', [fn]);
      const c = await ctx.connect('client');
      await submit(c, T.SUBMIT_JOB, fn, '', 'orphan');
      c.close();
      await ctx.sleep(50);
      w.send(T.PRE_SLEEP);
      const woken = await noopWithin(w, ctx.quietMs);
      await expectNoJob(w, 'NO_JOB (the abandoned job is not handed out)');
      return alternative('abandoned-job-at-pre-sleep', woken ? 'count-as-work' : 'drop');
    },
  },
  {
    id: 'binary/behaviour/client-gone-while-running',
    section: '4.7',
    requirement: 'A worker finishing a job whose client left MUST NOT break the server: the result is accepted or rejected with ERROR, and the worker connection stays usable.',
    level: 'MUST',
    description: 'Worker grabs; the client closes; the worker sends WORK_COMPLETE, then ECHO_REQ.',
    outcomes: [{ outcome: 'pass', when: 'ECHO_RES on the worker (with or without an ERROR first)' }],
    async run(ctx) {
      const j = await runningJob(ctx);
      j.client.close();
      await ctx.sleep(50);
      j.worker.send(T.WORK_COMPLETE, j.handle, 'nobody-listens');
      j.worker.send(T.ECHO_REQ, 'still-here');
      const p = await j.worker.expect([T.ECHO_RES, T.ERROR]);
      if (p.type === T.ERROR) await j.worker.expect(T.ECHO_RES);
      return pass(p.type === T.ERROR ? `ERROR ${text(p.args[0])} then ECHO_RES` : 'accepted silently');
    },
  },
  {
    id: 'binary/behaviour/second-client-keeps-job',
    section: '4.2',
    requirement: 'A job with two foreground clients MUST still deliver its result to the one that stays when the other disconnects.',
    level: 'MUST',
    description: 'C1 and C2 submit (f, u); C1 closes; the worker grabs and completes.',
    outcomes: [{ outcome: 'pass', when: 'C2 gets WORK_COMPLETE' }],
    async run(ctx) {
      const fn = ctx.fn();
      const u = ctx.uniq();
      const c1 = await ctx.connect('c1');
      const h = await submit(c1, T.SUBMIT_JOB, fn, u, 'x');
      const c2 = await ctx.connect('c2');
      await submit(c2, T.SUBMIT_JOB, fn, u, 'x');
      c1.close();
      await ctx.sleep(50);
      const w = await worker(ctx, 'worker', [fn]);
      const a = await grab(w);
      check(text(a.args[0]) === h, `JOB_ASSIGN ${h}`, text(a.args[0]));
      w.send(T.WORK_COMPLETE, h, 'kept');
      const done = await c2.expect(T.WORK_COMPLETE);
      check(text(done.args[1]) === 'kept', 'WORK_COMPLETE "kept"', text(done.args[1]));
      return pass();
    },
  },
];
