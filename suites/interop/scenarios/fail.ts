/**
 * A job the worker fails reaches the client as a failure (spec §4.10: WORK_FAIL forwarded
 * as the handle). Two forms of the same failure: `work-fail` uses the library's explicit call
 * (send_work_fail, sendFail, gearman_job_send_fail, job.fail()); `fail-native` fails the way an
 * application does in that library (Perl `return undef`, PHP setReturn(GEARMAN_WORK_FAIL), a C
 * callback's GEARMAN_WORK_FAIL, a reference handler that throws). Both are followed by the
 * runner's fresh-job check, so a worker the failure stopped shows in the outcome.
 */
import type { OutcomeForm } from '../../../src/peers/drivers/index.js';
import type { Scenario } from '../../../src/interop/types.js';
import { b64, errorsOf, runJob, sequence, terminal, workerJob } from './helpers.js';

function failScenario(id: string, title: string, form: OutcomeForm): Scenario {
  return {
    id,
    title,
    nominal: 'failed',
    functions: (fn) => [{ function: fn(id), behaviour: { outcome: { kind: 'fail', form } } }],
    async run(ctx) {
      const fn = ctx.fn(id);
      const run = await runJob(ctx.client, { function: fn, payload: b64('please fail') }, ctx.timing.eventMs);
      const job = await workerJob(ctx, fn, run.done ? ctx.timing.eventMs : ctx.timing.quietMs);
      const seq = sequence(run.events);
      if (!job) return { outcome: 'worker-never-assigned', detail: seq };
      const ends = run.events.filter(terminal);
      if (!run.done) return { outcome: 'no-result', detail: seq };
      if (errorsOf(run.events).length) return { outcome: 'client-error', detail: seq };
      if (ends.length === 1 && ends[0]!.event === 'fail') return { outcome: 'failed', detail: seq };
      return { outcome: 'wrong-end', detail: seq };
    },
  };
}

export const workFail = failScenario('work-fail', 'WORK_FAIL (the library’s explicit call) reaches the client', 'call');
export const failNative = failScenario('fail-native', 'the function fails the library’s own way; the client sees a failure and the worker goes on', 'native');
