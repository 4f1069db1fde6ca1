/**
 * Streaming: WORK_DATA, WORK_WARNING and WORK_STATUS are relayed in order before WORK_COMPLETE,
 * payload bytes intact (spec §4.10). Perl Gearman::Server has no WORK_DATA/WORK_WARNING
 * handlers (§2, types 28/29: ERROR server_error to the worker).
 */
import type { Scenario } from '../../../src/interop/types.js';
import { b64, runJob, sequence, short, workerJob } from './helpers.js';

const STEPS = [
  { kind: 'data', payload: b64(Buffer.from('d1\0x')) },
  { kind: 'warning', payload: b64('w1') },
  { kind: 'status', numerator: 1, denominator: 3 },
  { kind: 'data', payload: b64('d2') },
  { kind: 'status', numerator: 2, denominator: 3 },
] as const;
const EXPECTED = 'data(0x64310078), warning("w1"), status(1/3), data("d2"), status(2/3), complete("done")';
const WITHOUT_DATA = 'status(1/3), status(2/3), complete("done")';

export const streaming: Scenario = {
  id: 'streaming',
  title: 'WORK_DATA / WORK_WARNING / WORK_STATUS relayed in order, then WORK_COMPLETE',
  nominal: 'streamed',
  functions: (fn) => [{ function: fn('streaming'), behaviour: { steps: STEPS, outcome: { kind: 'complete', payload: b64('done') } } }],
  async run(ctx) {
    const fn = ctx.fn('streaming');
    const run = await runJob(ctx.client, { function: fn, payload: b64('stream please') }, ctx.timing.eventMs);
    const job = await workerJob(ctx, fn, run.done ? ctx.timing.eventMs : ctx.timing.quietMs);
    const got = run.events
      .filter((e) => e.event !== 'created')
      .map(short)
      .join(', ');
    const detail = `client saw: ${sequence(run.events)}`;
    if (!job) return { outcome: 'worker-never-assigned', detail };
    if (!run.done) return { outcome: 'no-result', detail };
    if (got === EXPECTED) return { outcome: 'streamed', detail };
    if (got === WITHOUT_DATA) return { outcome: 'data-warning-dropped', detail };
    if (run.events.some((e) => e.event === 'fail')) return { outcome: 'stream-failed', detail: `${detail}; the job ended in WORK_FAIL` };
    return { outcome: 'stream-differs', detail: `${detail}; expected ${EXPECTED}` };
  },
};
