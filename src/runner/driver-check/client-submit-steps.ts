/**
 * Client steps for `submit` and `submit-batch`: a foreground job carrying every byte value, base64
 * corner cases, unique, and a batch; with the priority and background steps, in the order they run.
 */
import { b64 } from '../../peers/drivers/protocol.js';
import type { CheckContext } from './context.js';
import { backgroundStep, statusStep } from './client-background-steps.js';
import { highStep, lowStep } from './client-priority-steps.js';
import { FN } from './client-setup.js';
import { type ClientState, uniqueSeen } from './client-state.js';
import { checkHandle, checkRelayed, finishJob, roundTrip, submitJob } from './client-jobs.js';
import { ALL_BYTES, BASE64_CASES, pattern, showBytes } from './payloads.js';
import { fail, StepFailure } from './step-failure.js';
import type { CheckStep } from './types.js';

const foreground: CheckStep<CheckContext> = {
  name: 'submit: foreground job with every byte value',
  async run(ctx) {
    const r = await roundTrip(ctx, { function: FN.echo, payload: ALL_BYTES });
    return { message: `created ${r.handle}; the worker got and the client returned all 256 byte values` };
  },
};

const base64: CheckStep<CheckContext> = {
  name: 'base64 round-trips',
  async run(ctx) {
    for (const c of BASE64_CASES) {
      try {
        await roundTrip(ctx, { function: FN.echo, payload: c.bytes });
      } catch (e) {
        if (e instanceof StepFailure) throw new StepFailure({ expected: `${c.name}: ${e.expected}`, actual: e.actual, fix: e.fix });
        throw e;
      }
    }
    return { message: `${BASE64_CASES.length} payloads intact both ways: ${BASE64_CASES.map((c) => c.name).join('; ')}` };
  },
};

function unique(state: ClientState): CheckStep<CheckContext> {
  return {
    name: 'submit: unique',
    async run(ctx) {
      const seen = await uniqueSeen(ctx, state);
      const u = `dc-unique-${Date.now()}`;
      const payload = Buffer.from('with a unique');
      const { id, created } = await submitJob(ctx, { function: FN.unique, payload, unique: u });
      const end = await finishJob(ctx, id, 'complete');
      if (end.event === 'complete') checkRelayed('complete', end.payload, payload);
      const got = seen.get(created.handle);
      if (got !== u)
        fail(
          `the job to carry unique ${JSON.stringify(u)}`,
          seen.has(created.handle) ? `the worker got unique ${JSON.stringify(got ?? '')}` : `no job with handle ${created.handle} reached the worker`,
          'pass the submit\'s "unique" to the library\'s submit call as the unique id',
        );
      return { message: `the worker got unique ${JSON.stringify(u)}` };
    },
  };
}

function batch(state: ClientState): CheckStep<CheckContext> {
  return {
    name: 'submit-batch',
    async run(ctx) {
      const seen = await uniqueSeen(ctx, state);
      const c = ctx.subject;
      const batchId = c.id('batch');
      const jobs = [
        { id: `${batchId}-a`, function: FN.echo, payload: pattern(500, 11) },
        { id: `${batchId}-b`, function: FN.echo, payload: pattern(501, 12), priority: 'high' as const },
        { id: `${batchId}-c`, function: FN.unique, payload: pattern(502, 13), priority: 'low' as const, unique: `${batchId}-unique` },
      ];
      c.send({ op: 'submit-batch', id: batchId, jobs: jobs.map((j) => ({ ...j, payload: b64(j.payload) })) });
      const ends = [];
      const handles = new Map<string, string>();
      for (const j of jobs) {
        const created = await c.expect(
          'created',
          (e) => e.id === j.id,
          `a created event for batch job ${j.id}`,
          "emit one created event per job of the batch, with that job's own id",
          ctx.timeoutMs,
          j.id,
        );
        checkHandle(created.handle);
        handles.set(j.id, created.handle);
        const end = await c.expect('complete', (e) => e.id === j.id, `a complete event for batch job ${j.id}`, "emit each job's events with that job's own id (not the batch id)", ctx.timeoutMs, j.id);
        checkRelayed(`complete (${j.id})`, end.payload, j.payload);
        ends.push(end);
      }
      const done = await c.expect(
        'done',
        (e) => e.id === batchId,
        `done for the batch ${batchId} after all its jobs ended`,
        'emit done with the batch id once every job of the batch has ended',
        ctx.timeoutMs,
        batchId,
      );
      if (ends.some((e) => c.indexOf(e) > c.indexOf(done)))
        fail("the batch's done after every job's complete", 'done came before a job had ended', 'wait for every job of the batch before sending done');
      const third = jobs[2]!;
      const got = seen.get(handles.get(third.id) ?? '');
      if (got !== third.unique)
        fail(`batch job ${third.id} to carry its unique ${JSON.stringify(third.unique)}`, `the worker got ${JSON.stringify(got ?? '')}`, "pass each batch job's unique to the library");
      return { message: `${jobs.length} jobs, each with its own created and complete (${jobs.map((j) => showBytes(j.payload).split(' [')[0]).join(', ')}), then done` };
    },
  };
}

export function submitSteps(state: ClientState): CheckStep<CheckContext>[] {
  return [foreground, base64, unique(state), highStep, lowStep, backgroundStep(state), statusStep(state), batch(state)];
}
