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
import { ERROR_CODES, errorMessage, isGearspecError } from '../../../src/errors.js';
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

/** A server with keepalive notices a vanished peer after its idle time and unanswered probes: gearmand 1 + 2 × 1 s, Node 1 + 10 × 1 s. */
const KEEPALIVE_NOTICE_MS = 30_000;
/** Longer than Linux's longest delayed ACK (200 ms). */
const ACK_SETTLE_MS = 400;

/**
 * The same silence, but as a vanished host: every packet of the worker's connection is dropped
 * (runner/blackhole.ts), so nothing answers the server's TCP keepalive probes. A server of the
 * cell's implementation is started for the scenario with keepalive after 1 s idle (gearmand
 * `--keepalive`, the reference server's `keepaliveMs`); it must notice within its probes and
 * requeue the job to a second worker (or fail it, spec §4.7). A server with no keepalive switch
 * is `no-keepalive-option`; one that never notices is `held`.
 */
export const silentWorkerKeepalive: Scenario = {
  id: 'silent-worker-keepalive',
  title: 'a worker holding a job vanishes without a trace: a server with TCP keepalive on notices and requeues the job',
  nominal: 'requeued-by-keepalive',
  needsOwnServer: true,
  functions: () => [],
  async run(ctx) {
    if (!ctx.ownServer) throw new Error('silent-worker-keepalive needs a server gearspec starts');
    const own = await ctx.ownServer({ keepaliveSeconds: 1 }).catch((e: unknown) => {
      if (isGearspecError(e) && e.code === ERROR_CODES.USAGE) return errorMessage(e);
      throw e;
    });
    if (typeof own === 'string') return { outcome: 'no-keepalive-option', detail: own };
    const fn = ctx.fn('silent-worker-keepalive', nextId('k'));
    const gate = gateName(fn);
    const victim = await ctx.startDriver('worker', 'vanishing-victim', [own.address], [{ function: fn, behaviour: { steps: [{ kind: 'gate', gate }], outcome: { kind: 'complete' } } }]);
    const client = await ctx.startDriver('client', 'keepalive-client', [own.address]);
    const jobId = nextId('j');
    client.send({ op: 'submit', id: jobId, function: fn, payload: b64('anyone there?') });
    const gated = await victim.waitFor((e) => e.event === 'gated' && e.gate === gate, ctx.timing.eventMs);
    if (gated?.event !== 'gated') return { outcome: 'worker-never-assigned', detail: `client: ${sequence(client.eventsFor(jobId))}` };
    const relay = ctx.relay(victim);
    relay.goSilent();
    // The host vanishes a moment after its last exchange: by then its kernel has acknowledged the
    // JOB_ASSIGN (a delayed ACK takes up to 200 ms). An unacknowledged packet would put the server's
    // side into retransmission, where keepalive does not run, and this scenario is about keepalive.
    await new Promise((r) => setTimeout(r, ACK_SETTLE_MS));
    const hole = relay.blackhole();
    try {
      ctx.note(`the victim's host vanished holding ${gated.handle}: the packets of its connection (local port ${hole.ports.join(', ')}) are dropped both ways`);
      victim.send({ op: 'release', gate });
      const rescuer = await ctx.startDriver('worker', 'keepalive-rescuer', [own.address], [{ function: fn, behaviour: { outcome: { kind: 'complete' } } }]);
      const t0 = Date.now();
      const taken = await rescuer.waitFor((e) => e.event === 'job' && e.function === fn, KEEPALIVE_NOTICE_MS);
      const noticed = taken ? `after ${Date.now() - t0} ms` : `not within ${KEEPALIVE_NOTICE_MS} ms (or by failing the job)`;
      await client.waitFor((e) => e.event === 'done' && e.id === jobId, ctx.timing.eventMs);
      const events = client.eventsFor(jobId);
      const detail = `the server noticed ${noticed}; client: ${sequence(events)}`;
      if (taken && events.some((e) => e.event === 'complete' && unb64(e.payload).toString() === 'anyone there?')) return { outcome: 'requeued-by-keepalive', detail };
      if (events.some((e) => e.event === 'fail')) return { outcome: 'failed-by-keepalive', detail };
      return { outcome: taken ? 'requeued-result-missing' : 'held', detail };
    } finally {
      hole.lift();
      await victim.handle.stop();
      relay.cutSilent();
    }
  },
};
