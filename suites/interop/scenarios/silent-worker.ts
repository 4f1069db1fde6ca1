/**
 * A worker dies silently while holding a foreground job (spec §4.7; interop-bugs #27): its
 * machine vanishes, so its packets stop both ways and the server sees neither FIN nor RST (the
 * relay in front of it goes silent; its WORK_COMPLETE is swallowed). A server without a liveness
 * check cannot know: it still counts the job as running on the silent worker while a second,
 * healthy worker waits. When the connection is finally reset (what a keepalive or the peer's
 * reboot would bring), the job is requeued to the healthy worker (or failed, spec §5 row 2).
 *
 * The outcome is `<while silent>-then-<after the reset>`: while silent, `held` (the server's
 * `status` shows the job running and both workers, and nothing reached the client or the second
 * worker) or `requeued` (the second worker got the job before any reset: the server noticed);
 * after the reset, `requeued` (the second worker ran it, the client got its result), `failed`
 * (the client got WORK_FAIL), or `lost` (nothing).
 */
import type { Scenario } from '../../../src/interop/types.js';
import { gateName } from '../tap.js';
import { b64, nextId, sequence, statusRow, unb64 } from './helpers.js';

export const silentWorker: Scenario = {
  id: 'silent-worker',
  title: 'a worker holding a job goes silent (no FIN, no RST): held until its connection is reset, then requeued or failed',
  nominal: 'held-then-requeued',
  functions: () => [],
  async run(ctx) {
    const fn = ctx.fn('silent-worker', nextId('s'));
    const gate = gateName(fn);
    const victim = await ctx.startDriver('worker', 'silent-victim', [ctx.serverAddress], [{ function: fn, behaviour: { steps: [{ kind: 'gate', gate }], outcome: { kind: 'complete' } } }]);
    const jobId = nextId('j');
    ctx.client.send({ op: 'submit', id: jobId, function: fn, payload: b64('still there?') });
    const gated = await victim.waitFor((e) => e.event === 'gated' && e.gate === gate, ctx.timing.eventMs);
    if (gated?.event !== 'gated') return { outcome: 'worker-never-assigned', detail: `client: ${sequence(ctx.client.eventsFor(jobId))}` };
    ctx.relay(victim).goSilent();
    ctx.note(`the victim's connection went silent holding ${gated.handle}; the victim now finishes the job into the void`);
    victim.send({ op: 'release', gate });
    await victim.waitFor((e) => e.event === 'finished', ctx.timing.eventMs);
    const rescuer = await ctx.startDriver('worker', 'silent-rescuer', [ctx.serverAddress], [{ function: fn, behaviour: { outcome: { kind: 'complete' } } }]);
    // What the server believes while the victim is silent: both workers listed, the job running.
    const row = await statusRow(ctx.serverAddress, fn, ctx.timing.eventMs, (r) => r.workers >= 2);
    // What has reached the client and the second worker so far (a server that noticed the silence
    // has handed the job on); the status row above is the positive signal, this a short look.
    await Promise.all([ctx.client.drain(ctx.timing.quietMs), rescuer.drain(ctx.timing.quietMs)]);
    const early = ctx.client.eventsFor(jobId).filter((e) => e.event === 'complete' || e.event === 'fail' || e.event === 'exception');
    const takenEarly = rescuer.seen.some((e) => e.event === 'job');
    const shown = row ? `status: ${row.total} jobs, ${row.running} running, ${row.workers} workers` : 'status: no row for the function';
    ctx.note(`while silent: ${shown}; the second worker ${takenEarly ? 'already has the job' : 'has no job'}; the client ${early.length ? `got ${sequence(early)}` : 'got nothing'}`);
    const whileSilent = takenEarly ? 'requeued' : early.length > 0 ? 'answered' : row && row.running >= 1 && row.workers >= 2 ? 'held' : 'unlisted';
    // The vanished machine does not come back: its process ends (unseen behind the silent relay)
    // before its connection is reset, so it cannot reconnect and take the job again.
    await victim.handle.stop();
    ctx.relay(victim).cutSilent();
    ctx.note('the victim is gone and its connection to the server was reset');
    const done = await ctx.client.waitFor((e) => e.event === 'done' && e.id === jobId, ctx.timing.eventMs);
    const events = ctx.client.eventsFor(jobId);
    const completed = events.some((e) => e.event === 'complete' && unb64(e.payload).toString() === 'still there?');
    const ranAgain = takenEarly || (await rescuer.waitFor((e) => e.event === 'job', completed ? ctx.timing.eventMs : ctx.timing.quietMs)) !== undefined;
    const after = completed && ranAgain ? 'requeued' : events.some((e) => e.event === 'fail') ? 'failed' : completed ? 'completed' : done ? 'ended' : 'lost';
    return { outcome: `${whileSilent}-then-${after}`, detail: `${shown}; client: ${sequence(events)}; the second worker ${ranAgain ? 'ran the job' : 'never got it'}` };
  },
};
