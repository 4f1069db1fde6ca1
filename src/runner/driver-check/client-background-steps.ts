/**
 * Client steps for background jobs: a background submit is answered by `done` while the job still
 * runs (the reference worker holds it at a gate), and `status` of its handle reports it running
 * with the worker's progress, then unknown once it has completed.
 */
import type { CheckContext } from './context.js';
import { BACKGROUND_GATE, FN } from './client-setup.js';
import type { ClientState } from './client-state.js';
import { checkSubmitted, submitJob, workerReceived } from './client-jobs.js';
import { ALL_BYTES } from './payloads.js';
import type { EventOf } from './probe.js';
import { fail } from './step-failure.js';
import type { CheckStep } from './types.js';

export function backgroundStep(state: ClientState): CheckStep<CheckContext> {
  return {
    name: 'submit: background',
    functions: [FN.background],
    holdsGates: true,
    async run(ctx) {
      const payload = Buffer.from(ALL_BYTES).reverse();
      const { id, created } = await submitJob(ctx, { function: FN.background, payload, background: true }, 'bg');
      const atWorker = await workerReceived(ctx, FN.background, created.handle);
      checkSubmitted(atWorker, payload);
      // The worker holds the job at a gate, so `done` can only come if the driver did not wait for it.
      await ctx.subject.expect(
        'done',
        (e) => e.id === id,
        `done for background job ${id} while the job is still running`,
        'for a background submit, send done as soon as the job is created; do not wait for a result',
        ctx.timeoutMs,
        id,
      );
      await ctx.partner.expect('gated', (e) => e.gate === BACKGROUND_GATE, 'the reference worker to hold the background job', "gearspec's own worker: report it");
      const results = ctx.subject.eventsFor(id).filter((e) => e.event === 'complete' || e.event === 'fail' || e.event === 'exception');
      if (results.length) fail(`no result events for background job ${id}`, `got ${results.map((e) => e.event).join(', ')}`, 'a background job has no result for the client');
      state.backgroundHandle = created.handle;
      return { message: `created ${created.handle}; done came while the job was still running` };
    },
  };
}

async function statusOf(ctx: CheckContext, handle: string): Promise<EventOf<'status-res'>> {
  const c = ctx.subject;
  const id = c.id('st');
  c.send({ op: 'status', id, handle });
  const res = await c.expect(
    'status-res',
    (e) => e.id === id,
    `a status-res event for status command ${id}`,
    'emit {"event":"status-res","id","known","running","numerator","denominator"} with the library\'s answer to GET_STATUS',
    c.timeoutMs,
    id,
  );
  await c.expect('done', (e) => e.id === id, `done for status command ${id}`, 'emit done after status-res', c.timeoutMs, id);
  return res;
}

const show = (s: EventOf<'status-res'>): string => `known=${s.known} running=${s.running} ${JSON.stringify(s.numerator)}/${JSON.stringify(s.denominator)}`;

export function statusStep(state: ClientState): CheckStep<CheckContext> {
  return {
    name: 'status of a background job',
    functions: [FN.background],
    async run(ctx) {
      const handle = state.backgroundHandle;
      if (!handle) fail('a background job handle from "submit: background"', 'that step failed, so there is no job to ask about', 'fix "submit: background" first');
      let during = await statusOf(ctx, handle);
      // The worker's WORK_STATUS and the client's GET_STATUS travel on different connections.
      for (let i = 0; i < 10 && during.numerator !== '1'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        during = await statusOf(ctx, handle);
      }
      if (!during.known || !during.running || during.numerator !== '1' || during.denominator !== '2') {
        fail(
          'status-res known=true running=true "1"/"2" while the worker holds the job after WORK_STATUS 1/2',
          show(during),
          'relay the four fields of STATUS_RES as the library reports them (known and running as JSON booleans)',
        );
      }
      ctx.partner.send({ op: 'release', gate: BACKGROUND_GATE });
      await ctx.partner.expect('finished', (e) => e.handle === handle, 'the reference worker to finish the background job', "gearspec's own worker: report it");
      let after = await statusOf(ctx, handle);
      for (let i = 0; i < 10 && after.known; i++) {
        await new Promise((r) => setTimeout(r, 50));
        after = await statusOf(ctx, handle);
      }
      if (after.known || after.running)
        fail('status-res known=false once the job has completed', show(after), 'ask the library for the status of the handle given in the command, each time (no caching)');
      return { message: `while running: ${show(during)}; after completion: ${show(after)}` };
    },
  };
}
