/**
 * Unique coalescing: two clients submit the same (function, unique) while the first job runs; the
 * second gets the same handle, the worker runs one job, both clients get its result, and the
 * second submitter's data is discarded (spec §4.2 [OBS:coalesce]).
 */
import type { Scenario } from '../../../src/interop/types.js';
import { gateName } from '../tap.js';
import { b64, nextId, sequence, terminal, unb64 } from './helpers.js';

export const coalesce: Scenario = {
  id: 'coalesce',
  title: 'two clients, same unique: one job, both get the result',
  nominal: 'coalesced',
  functions: (fn) => [{ function: fn('coalesce'), behaviour: { steps: [{ kind: 'gate', gate: gateName(fn('coalesce')) }], outcome: { kind: 'complete' } } }],
  async run(ctx) {
    const fn = ctx.fn('coalesce');
    const unique = `co-${nextId('u')}-${ctx.cell.client}-${ctx.cell.worker}`;
    const id1 = nextId('j');
    const id2 = nextId('j');
    ctx.client.send({ op: 'submit', id: id1, function: fn, unique, payload: b64('first') });
    const c1 = await ctx.client.waitFor((e) => e.event === 'created' && e.id === id1, ctx.timing.eventMs);
    const gated = await ctx.worker.waitFor((e) => e.event === 'gated' && e.gate === gateName(fn), ctx.timing.eventMs);
    if (!c1 || !gated) return { outcome: c1 ? 'worker-never-assigned' : 'not-created', detail: `client 1: ${sequence(ctx.client.eventsFor(id1))}` };
    ctx.client2.send({ op: 'submit', id: id2, function: fn, unique, payload: b64('second') });
    const c2 = await ctx.client2.waitFor((e) => (e.event === 'created' || e.event === 'error') && e.id === id2, ctx.timing.eventMs);
    ctx.worker.send({ op: 'release', gate: gateName(fn) });
    await ctx.client.waitFor((e) => e.event === 'done' && e.id === id1, ctx.timing.eventMs);
    await ctx.client2.waitFor((e) => e.event === 'done' && e.id === id2, ctx.timing.eventMs);
    await ctx.worker.drain(ctx.timing.quietMs);
    const jobs = ctx.worker.seen.filter((e) => e.event === 'job' && e.function === fn);
    const r1 = ctx.client.eventsFor(id1).filter(terminal);
    const r2 = ctx.client2.eventsFor(id2).filter(terminal);
    const detail = `handles ${c1.event === 'created' ? c1.handle : '?'} / ${c2?.event === 'created' ? c2.handle : c2 ? 'error' : 'none'}; worker jobs ${jobs.length}; client 1: ${sequence(ctx.client.eventsFor(id1))}; client 2: ${sequence(ctx.client2.eventsFor(id2))}`;
    const sameHandle = c1.event === 'created' && c2?.event === 'created' && c1.handle === c2.handle;
    const both = [r1, r2].every((r) => r.length === 1 && r[0]!.event === 'complete' && unb64(r[0]!.payload).toString() === 'first');
    if (sameHandle && jobs.length === 1 && both) return { outcome: 'coalesced', detail };
    if (!sameHandle || jobs.length > 1) return { outcome: 'not-coalesced', detail };
    return { outcome: 'coalesced-result-missing', detail };
  },
};
