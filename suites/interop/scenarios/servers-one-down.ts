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
import { carryOn } from './carry-on.js';
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

/**
 * Several servers, one going down (spec §4.16): the client and a worker of the cell's
 * implementation are given two live servers, one of the scenario's own and then the cell's. Two
 * jobs run first (a library that spreads jobs in turn sends one to each). Then the first server
 * stops for good, with nothing in flight, and the client submits again (once more after an
 * error, as an application retries): the job must run on the server that is left, through a
 * worker that was registered there all along.
 *
 * Outcomes: `failed-over`; `before-<client part>` when the two jobs did not both run while both
 * servers were up; else `client-<c>/worker-<w>` with the parts of carry-on.ts (the worker
 * `registered` at the live server but given no job, `absent` when it never registered there).
 */
export const serversOneGoesDown: Scenario = {
  id: 'servers-one-goes-down',
  title: 'client and worker given two live servers, then the first goes down: jobs run on the other',
  nominal: 'failed-over',
  needsOwnServer: true,
  functions: () => [],
  async run(ctx) {
    if (!ctx.ownServer) throw new Error('servers-one-goes-down needs a server gearspec starts');
    const own = await ctx.ownServer();
    const fn = ctx.fn('servers-one-goes-down', nextId('s'));
    const servers = [own.address, ctx.serverAddress];
    ctx.note(`servers, in order: ${own.address} (goes down), ${ctx.serverAddress}`);
    const worker = await ctx.startDriver('worker', 'two-live-worker', servers, [{ function: fn, behaviour: { outcome: { kind: 'complete' } } }]);
    const client = await ctx.startDriver('client', 'two-live-client', servers);
    const before: string[] = [];
    for (const payload of ['before-1', 'before-2']) {
      const run = await runJob(client, { function: fn, payload: b64(payload) }, ctx.timing.eventMs);
      before.push(`${payload}: ${sequence(run.events)}`);
      if (!run.events.some((e) => e.event === 'complete' && unb64(e.payload).toString() === payload)) {
        const part = client.exited ? 'gone' : !run.done ? (run.handle ? 'waiting' : 'stuck') : 'error';
        return { outcome: `before-${part}`, detail: `both servers up: ${before.join('; ')}; worker: ${sequence(worker.seen)}` };
      }
    }
    await own.stop();
    ctx.note(`${own.address} is down`);
    const after = await carryOn(ctx, { client, worker, fn }, ctx.serverAddress);
    const detail = `both servers up: ${before.join('; ')}; ${after.detail}`;
    if (after.client === 'ok' && after.worker === 'back') return { outcome: 'failed-over', detail };
    return { outcome: `client-${after.client}/worker-${after.worker}`, detail };
  },
};
