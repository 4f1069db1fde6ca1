/**
 * Foreground job, the cell's probe: SUBMIT_JOB → JOB_CREATED → JOB_ASSIGN* → WORK_COMPLETE relayed
 * to the client byte for byte (spec §4.10, §6 "portable"). When a declared blocker makes
 * this fail as expected (e.g. a libgearman worker on Perl gearmand), the rest of the cell is not run.
 */
import type { Scenario } from '../../../src/interop/types.js';
import { b64, errorsOf, runJob, sequence, unb64, workerJob } from './helpers.js';

const PAYLOAD = Buffer.from('hello from gearspec');

export const foreground: Scenario = {
  id: 'foreground',
  title: 'foreground job completes with the worker’s result',
  nominal: 'completed',
  functions: (fn) => [{ function: fn('foreground'), behaviour: { outcome: { kind: 'complete', payload: b64('result:hello') } } }],
  async run(ctx) {
    const fn = ctx.fn('foreground');
    const unique = `fg-${ctx.cell.client}-${ctx.cell.worker}`;
    const run = await runJob(ctx.client, { function: fn, unique, payload: b64(PAYLOAD) }, ctx.timing.eventMs);
    const job = await workerJob(ctx, fn, run.done ? ctx.timing.eventMs : ctx.timing.quietMs);
    const seq = sequence(run.events);
    if (!job) return { outcome: 'worker-never-assigned', detail: `the worker never received the job; client saw: ${seq}${run.done ? '' : ' (client still waiting)'}` };
    if (!unb64(job.payload).equals(PAYLOAD)) return { outcome: 'payload-changed', detail: `worker received other bytes than were submitted; client saw: ${seq}` };
    if (job.unique !== undefined && job.unique !== unique) return { outcome: 'unique-changed', detail: `worker saw unique ${JSON.stringify(job.unique)}, submitted ${JSON.stringify(unique)}` };
    const complete = run.events.find((e) => e.event === 'complete');
    if (!run.done) return { outcome: 'no-result', detail: `client did not finish within ${ctx.timing.eventMs} ms: ${seq}` };
    if (errorsOf(run.events).length) return { outcome: 'client-error', detail: seq };
    if (complete?.event !== 'complete') return { outcome: 'no-complete', detail: seq };
    if (unb64(complete.payload).toString() !== 'result:hello') return { outcome: 'result-changed', detail: seq };
    return { outcome: 'completed', detail: `${seq}; worker got handle ${job.handle}${job.unique !== undefined ? ` unique ${JSON.stringify(job.unique)}` : ' (library does not expose the unique)'}` };
  },
};
