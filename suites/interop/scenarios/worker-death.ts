/**
 * A worker that dies mid-job (process killed while holding a foreground job). Alternative
 * `worker-death` (protocol.md §4.7, §5 row 2): gearmand requeues silently and another worker gets
 * the same handle; Perl Gearman::Server sends WORK_FAIL to the client and drops the job.
 */
import type { DriverHandle } from '../../../src/peers/drivers/index.js';
import type { Scenario } from '../types.js';
import { b64, nextId, sequence, unb64 } from './helpers.js';

export const workerDeath: Scenario = {
  id: 'worker-death',
  title: 'worker dies mid-job: requeued or failed',
  nominal: 'requeued',
  // The victim and the rescuer are extra workers; the cell's main worker does not run this function.
  functions: () => [],
  async run(ctx) {
    const fn = ctx.fn('worker-death', nextId('d'));
    const started: DriverHandle[] = [];
    try {
      const victim = await ctx.startExtraWorker('victim', [{ function: fn, behaviour: { outcome: { kind: 'die' } } }]);
      started.push(victim);
      const id = nextId('j');
      ctx.client.send({ op: 'submit', id, function: fn, payload: b64('survive me') });
      const assigned = await victim.waitFor((e) => e.event === 'job', ctx.timing.eventMs, 'the job at the victim').catch(() => undefined);
      if (!assigned || assigned.event !== 'job') return { outcome: 'worker-never-assigned', detail: `client: ${sequence(ctx.client.eventsFor(id))}` };
      await victim.waitFor((e) => e.event === 'exited', ctx.timing.eventMs, 'the victim to exit').catch(() => undefined);
      ctx.note(`victim (pid ${String(victim.hello.pid)}) died holding ${assigned.handle}`);
      const early = await ctx.client.waitFor((e) => (e.event === 'fail' || e.event === 'complete' || e.event === 'exception' || e.event === 'error') && e.id === id, 800);
      if (early?.event === 'fail') {
        await ctx.client.waitFor((e) => e.event === 'done' && e.id === id, ctx.timing.quietMs);
        return { outcome: 'failed', detail: `client got WORK_FAIL after the worker died: ${sequence(ctx.client.eventsFor(id))}` };
      }
      if (early) return { outcome: 'unexpected-result', detail: sequence(ctx.client.eventsFor(id)) };
      const rescuer = await ctx.startExtraWorker('rescuer', [{ function: fn, behaviour: { outcome: { kind: 'complete' } } }]);
      started.push(rescuer);
      const again = await rescuer.waitFor((e) => e.event === 'job', ctx.timing.eventMs, 'the requeued job').catch(() => undefined);
      const done = await ctx.client.waitFor((e) => e.event === 'done' && e.id === id, ctx.timing.eventMs);
      const seq = sequence(ctx.client.eventsFor(id));
      const complete = ctx.client.eventsFor(id).find((e) => e.event === 'complete');
      if (again?.event === 'job' && complete?.event === 'complete' && unb64(complete.payload).toString() === 'survive me' && done) {
        return { outcome: 'requeued', detail: `no packet to the client while no worker held the job; a new worker got ${again.handle === assigned.handle ? 'the same handle' : `handle ${again.handle} (was ${assigned.handle})`}; client: ${seq}` };
      }
      return { outcome: again ? 'requeued-result-missing' : 'lost', detail: `client: ${seq}; second worker ${again ? 'got the job' : 'never got it'}` };
    } finally {
      await Promise.all(started.map((d) => d.stop()));
    }
  },
};
