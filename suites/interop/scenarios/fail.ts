/** WORK_FAIL from the worker reaches the client as a failure (protocol.md §4.10: forwarded as the handle). */
import type { Scenario } from '../types.js';
import { b64, errorsOf, runJob, sequence, terminal, workerJob } from './helpers.js';

export const workFail: Scenario = {
  id: 'work-fail',
  title: 'WORK_FAIL reaches the client',
  nominal: 'failed',
  functions: (fn) => [{ function: fn('work-fail'), behaviour: { outcome: { kind: 'fail' } } }],
  async run(ctx) {
    const fn = ctx.fn('work-fail');
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
