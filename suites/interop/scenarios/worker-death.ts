/**
 * A worker that goes away mid-job while holding a foreground job. Alternative `worker-death`
 * (spec §4.7, §5 row 2): gearmand requeues silently and another worker gets the same
 * handle; Perl Gearman::Server sends WORK_FAIL to the client and drops the job.
 *  - `worker-death`: the process is killed (SIGKILL), like a crash;
 *  - `worker-exit`: the application exits (code 3) inside the worker function, through its
 *    language's own exit path, which may still send something (PHP 8's exit unwinds through pecl
 *    as an exception: WORK_EXCEPTION first). The client has the exceptions option, so a
 *    WORK_EXCEPTION reaches every client library the same way.
 */
import type { BehaviourOutcome, DriverHandle } from '../../../src/peers/drivers/index.js';
import type { Scenario } from '../../../src/interop/types.js';
import { b64, clientRefusal, nextId, sequence, unb64 } from './helpers.js';

function workerGoneScenario(id: string, title: string, outcome: BehaviourOutcome, exceptions: boolean | undefined): Scenario {
  return {
    id,
    title,
    nominal: 'requeued',
    // The victim and the rescuer are extra workers; the cell's main worker does not run this function.
    functions: () => [],
    async run(ctx) {
      const fn = ctx.fn(id, nextId('d'));
      const started: DriverHandle[] = [];
      try {
        const victim = await ctx.startExtraWorker('victim', [{ function: fn, behaviour: { outcome } }]);
        started.push(victim);
        const jobId = nextId('j');
        ctx.client.send({ op: 'submit', id: jobId, function: fn, payload: b64('survive me'), ...(exceptions === undefined ? {} : { exceptions }) });
        const assigned = await victim.waitFor((e) => e.event === 'job', ctx.timing.eventMs, 'the job at the victim').catch(() => undefined);
        if (assigned?.event !== 'job') {
          const refused = await clientRefusal(ctx, jobId);
          if (refused !== undefined) return { outcome: 'client-refused', detail: `the client library refused the submit: ${refused}` };
          return { outcome: 'worker-never-assigned', detail: `client: ${sequence(ctx.client.eventsFor(jobId))}` };
        }
        const exited = await victim.waitFor((e) => e.event === 'exited', ctx.timing.eventMs, 'the victim to exit').catch(() => undefined);
        ctx.note(
          `victim (pid ${String(victim.hello.pid)}) ${exited?.event === 'exited' ? `went away (code ${String(exited.code)}, signal ${String(exited.signal)})` : 'did not exit'} holding ${assigned.handle}`,
        );
        if (!exited) return { outcome: 'victim-did-not-exit', detail: `client: ${sequence(ctx.client.eventsFor(jobId))}` };
        const early = await ctx.client.waitFor((e) => (e.event === 'fail' || e.event === 'complete' || e.event === 'exception' || e.event === 'error') && e.id === jobId, 800);
        if (early?.event === 'fail') {
          await ctx.client.waitFor((e) => e.event === 'done' && e.id === jobId, ctx.timing.quietMs);
          return { outcome: 'failed', detail: `client got WORK_FAIL after the worker went away: ${sequence(ctx.client.eventsFor(jobId))}` };
        }
        if (early?.event === 'exception') {
          await ctx.client.waitFor((e) => e.event === 'done' && e.id === jobId, ctx.timing.quietMs);
          return { outcome: 'exception', detail: `client got WORK_EXCEPTION from the worker on its way out: ${sequence(ctx.client.eventsFor(jobId))}` };
        }
        if (early) return { outcome: 'unexpected-result', detail: sequence(ctx.client.eventsFor(jobId)) };
        const rescuer = await ctx.startExtraWorker('rescuer', [{ function: fn, behaviour: { outcome: { kind: 'complete' } } }]);
        started.push(rescuer);
        const again = await rescuer.waitFor((e) => e.event === 'job', ctx.timing.eventMs, 'the requeued job').catch(() => undefined);
        const done = await ctx.client.waitFor((e) => e.event === 'done' && e.id === jobId, ctx.timing.eventMs);
        const seq = sequence(ctx.client.eventsFor(jobId));
        const complete = ctx.client.eventsFor(jobId).find((e) => e.event === 'complete');
        if (again?.event === 'job' && complete?.event === 'complete' && unb64(complete.payload).toString() === 'survive me' && done) {
          return {
            outcome: 'requeued',
            detail: `no packet to the client while no worker held the job; a new worker got ${again.handle === assigned.handle ? 'the same handle' : `handle ${again.handle} (was ${assigned.handle})`}; client: ${seq}`,
          };
        }
        return { outcome: again ? 'requeued-result-missing' : 'lost', detail: `client: ${seq}; second worker ${again ? 'got the job' : 'never got it'}` };
      } finally {
        await Promise.all(started.map((d) => d.stop()));
      }
    },
  };
}

export const workerDeath = workerGoneScenario('worker-death', 'worker dies mid-job: requeued or failed', { kind: 'die' }, undefined);
export const workerExit = workerGoneScenario('worker-exit', 'the application exits (code 3) inside the worker function: requeued or failed', { kind: 'exit', code: 3 }, true);
