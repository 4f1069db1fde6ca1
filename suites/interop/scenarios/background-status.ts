/**
 * Background job and GET_STATUS: while the worker holds the job after WORK_STATUS 1/2, STATUS_RES
 * says known=1 running=1 1/2; after WORK_COMPLETE the handle is unknown (spec §4.4).
 */
import type { DriverEvent } from '../../../src/peers/drivers/index.js';
import type { Scenario } from '../../../src/interop/types.js';
import { type DriverTap, gateName } from '../tap.js';
import { b64, nextId, runJob, sequence } from './helpers.js';

type StatusRes = Extract<DriverEvent, { event: 'status-res' }>;

export const backgroundStatus: Scenario = {
  id: 'background-status',
  title: 'background job: GET_STATUS while running and after completion',
  nominal: 'status-tracked',
  functions: (fn) => [
    {
      function: fn('background-status'),
      behaviour: {
        steps: [
          { kind: 'status', numerator: 1, denominator: 2 },
          { kind: 'gate', gate: gateName(fn('background-status')) },
        ],
        outcome: { kind: 'complete' },
      },
    },
  ],
  async run(ctx) {
    const fn = ctx.fn('background-status');
    const run = await runJob(ctx.client, { function: fn, payload: b64('bg'), background: true }, ctx.timing.eventMs);
    if (!run.handle) return { outcome: 'not-created', detail: sequence(run.events) };
    const gated = await ctx.worker.waitFor((e) => e.event === 'gated' && e.gate === gateName(fn), ctx.timing.eventMs);
    if (gated?.event !== 'gated') return { outcome: 'worker-never-assigned', detail: `created ${run.handle}, worker never reached the job` };
    // WORK_STATUS (worker connection) and GET_STATUS (client connection) race inside a
    // multi-threaded server such as gearmand: poll briefly until the progress shows.
    let during: StatusRes | string = 'no answer';
    for (let i = 0; i < 20; i++) {
      during = await status(ctx.client, run.handle, ctx.timing.eventMs);
      if (typeof during === 'string' || during.numerator === '1') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    ctx.worker.send({ op: 'release', gate: gateName(fn) });
    const finished = await ctx.worker.waitFor((e) => e.event === 'finished' && e.handle === gated.handle, ctx.timing.eventMs);
    if (!finished) return { outcome: 'worker-did-not-finish', detail: 'worker did not report finishing after the release' };
    // The worker's WORK_COMPLETE and our GET_STATUS travel on different connections: poll briefly.
    let after: StatusRes | string = 'no answer';
    for (let i = 0; i < 10; i++) {
      after = await status(ctx.client, run.handle, ctx.timing.eventMs);
      if (typeof after !== 'string' && !after.known) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const show = (s: StatusRes | string): string => (typeof s === 'string' ? s : `known=${s.known} running=${s.running} ${JSON.stringify(s.numerator)}/${JSON.stringify(s.denominator)}`);
    const detail = `while running: ${show(during)}; after completion: ${show(after)}`;
    if (typeof during === 'string' || typeof after === 'string') return { outcome: 'status-unanswered', detail };
    if (!during.known || !during.running) return { outcome: 'status-not-running', detail };
    if (during.numerator !== '1' || during.denominator !== '2') return { outcome: 'status-progress-wrong', detail };
    if (after.known || after.running) return { outcome: 'status-still-known', detail };
    return { outcome: 'status-tracked', detail };
  },
};

async function status(tap: DriverTap, handle: string, timeoutMs: number): Promise<StatusRes | string> {
  const id = nextId('s');
  tap.send({ op: 'status', id, handle });
  const res = await tap.waitFor((e) => (e.event === 'status-res' || e.event === 'error') && e.id === id, timeoutMs);
  await tap.waitFor((e) => e.event === 'done' && e.id === id, timeoutMs);
  if (!res) return 'no answer';
  return res.event === 'status-res' ? res : `error: ${res.event === 'error' ? res.message.split('\n')[0] : ''}`;
}
