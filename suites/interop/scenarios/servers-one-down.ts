/**
 * Several servers, the first one down (spec §4.16): the client and a worker of the cell's
 * implementation are each given two servers, in the order an application would configure them:
 * an address where nothing listens (connections refused), then the cell's server. A library that
 * spreads jobs over servers must pass over the dead one; the job runs on the live one.
 *
 * Outcomes: `completed`; `client-error` (its library reported an error and no result),
 * `client-stuck` (no answer), `client-gone`; `worker-never-assigned` (the client has a handle, the
 * worker never got the job) or `worker-gone` (and the worker exited). A worker library that cannot start with a dead server is
 * `worker-not-ready` (the runner's outcome for a worker that never enters its loop).
 */
import type { Scenario } from '../../../src/interop/types.js';
import { b64, errorsOf, nextId, runJob, sequence, unb64 } from './helpers.js';

export const serversOneDown: Scenario = {
  id: 'servers-one-down',
  title: 'client and worker given two servers, the first one down: the job runs on the other',
  nominal: 'completed',
  functions: () => [],
  async run(ctx) {
    const down = await ctx.downAddress();
    const fn = ctx.fn('servers-one-down', nextId('s'));
    const servers = [down, ctx.serverAddress];
    ctx.note(`servers, in order: ${down} (nothing listens), ${ctx.serverAddress}`);
    const worker = await ctx.startDriver('worker', 'two-servers-worker', servers, [{ function: fn, behaviour: { outcome: { kind: 'complete' } } }]);
    const client = await ctx.startDriver('client', 'two-servers-client', servers);
    const run = await runJob(client, { function: fn, payload: b64('one of two') }, ctx.timing.eventMs);
    // What the worker reported meanwhile (its library's errors, its exit) goes into the detail.
    await worker.drain(ctx.timing.quietMs);
    const detail = `client: ${sequence(run.events)}; worker: ${sequence(worker.seen)}`;
    if (run.events.some((e) => e.event === 'complete' && unb64(e.payload).toString() === 'one of two')) return { outcome: 'completed', detail };
    if (client.exited) return { outcome: 'client-gone', detail };
    const taken = worker.seen.some((e) => e.event === 'job');
    if (run.handle && !taken) return { outcome: worker.exited ? 'worker-gone' : 'worker-never-assigned', detail };
    if (!run.done) return { outcome: 'client-stuck', detail };
    if (errorsOf(run.events).length > 0 && !run.handle) return { outcome: 'client-error', detail };
    return { outcome: 'unexpected-result', detail };
  },
};
