/**
 * The three priorities: while the worker is busy (held at a gate by a background job), the client
 * submits LOW, NORMAL and HIGH foreground jobs concurrently; once released, the worker must get
 * them HIGH, NORMAL, LOW (spec §4.3). Perl Gearman::Server has no LOW priority (§2, types
 * 33/34: ERROR server_error).
 */
import type { Scenario } from '../../../src/interop/types.js';
import { gateName } from '../tap.js';
import { b64, errorsOf, nextId, runJob, sequence, unb64 } from './helpers.js';

const ORDER = ['low', 'normal', 'high'] as const;

export const priorities: Scenario = {
  id: 'priorities',
  title: 'HIGH, NORMAL and LOW jobs are assigned in priority order',
  nominal: 'ordered',
  functions: (fn) => [
    { function: fn('priorities', 'block'), behaviour: { steps: [{ kind: 'gate', gate: gateName(fn('priorities', 'block')) }], outcome: { kind: 'complete' } } },
    { function: fn('priorities'), behaviour: { outcome: { kind: 'complete' } } },
  ],
  async run(ctx) {
    const block = ctx.fn('priorities', 'block');
    const fn = ctx.fn('priorities');
    const blocker = await runJob(ctx.client, { function: block, payload: b64('block'), background: true }, ctx.timing.eventMs);
    if (!blocker.handle) return { outcome: 'not-created', detail: `blocker: ${sequence(blocker.events)}` };
    if (!(await ctx.worker.waitFor((e) => e.event === 'gated' && e.gate === gateName(block), ctx.timing.eventMs))) {
      return { outcome: 'worker-never-assigned', detail: 'the worker never took the blocking job' };
    }
    const batch = nextId('b');
    const jobs = ORDER.map((p) => ({ id: `${batch}-${p}`, function: fn, payload: b64(p), priority: p, unique: `${batch}-${p}` }));
    ctx.client.send({ op: 'submit-batch', id: batch, jobs });
    // Every submit answered (created or refused) before the worker is let go.
    for (const j of jobs) await ctx.client.waitFor((e) => (e.event === 'created' || e.event === 'error') && e.id === j.id, ctx.timing.eventMs);
    ctx.worker.send({ op: 'release', gate: gateName(block) });
    const done = await ctx.client.waitFor((e) => e.event === 'done' && e.id === batch, ctx.timing.eventMs);
    // A library may end the batch early on an error; the worker still runs every created job.
    const createdCount = jobs.filter((j) => ctx.client.eventsFor(j.id).some((e) => e.event === 'created')).length;
    for (let i = 0; i < createdCount; i++) if (!(await ctx.worker.waitFor((e) => e.event === 'job' && e.function === fn, ctx.timing.eventMs))) break;
    await ctx.worker.drain(ctx.timing.quietMs);
    const order = ctx.worker.seen.flatMap((e) => (e.event === 'job' && e.function === fn ? [unb64(e.payload).toString()] : []));
    const events = jobs.flatMap((j) => ctx.client.eventsFor(j.id));
    const created = jobs.filter((j) => ctx.client.eventsFor(j.id).some((e) => e.event === 'created')).map((j) => j.priority);
    const errors = errorsOf([...events, ...ctx.client.eventsFor(batch)]);
    const detail = `created ${created.join(',') || 'none'}; worker order ${order.join(',') || 'none'}; client: ${sequence(events)}${errors.length ? `; errors: ${errors.join(' | ')}` : ''}${done ? '' : ' (batch did not finish)'}`;
    if (created.length === 3 && order.join(',') === 'high,normal,low' && done) return { outcome: 'ordered', detail };
    if (!created.includes('low') && created.length === 2 && order.join(',') === 'high,normal') return { outcome: 'low-rejected', detail };
    return { outcome: `order:${order.join(',') || 'none'}`, detail };
  },
};
