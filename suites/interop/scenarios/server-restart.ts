/**
 * The server restarts under a connected client and worker (spec §4.16): a server of the cell's
 * implementation of the scenario's own is stopped and started again on the same address, with
 * nothing kept (no persistence is assumed). An application expects both sides to carry on: the
 * worker reconnects and sends CAN_DO again, the client's next submit runs.
 *  - `server-restart`: the worker is idle;
 *  - `server-restart-mid-job`: the worker holds a foreground job when the server goes, and
 *    finishes it after the restart (into a connection the new server never had). The client must
 *    be told that its job is gone (alternative `client-lost-connection`: an error, or a
 *    resubmission that then completes); neither library may die of it.
 *
 * After the restart the client submits a job (and once more if its library reported an error for
 * the first: an application retries a failed submit). The outcome names each side: the client
 * `ok` (the job ran), `error-then-ok`, `error` (both failed), `wrong-result` (a result that is not
 * the job's: another job's bytes under a handle the new server gave out again), `waiting` (a handle and no result:
 * nobody ran the job), `stuck` (no answer at all) or `gone` (exited); the worker `back` (it ran a
 * job after the restart), `registered` (the server lists it for the function again, but no job
 * reached it), `absent` or `gone`. `server-restart`: `recovered` when the client is ok and the
 * worker back, else `client-<c>/worker-<w>`. `server-restart-mid-job`: the in-flight job first
 * (`failed`, `completed`, `stuck`, `gone`), then the same: `failed-then-recovered`, else
 * `<job>/client-<c>/worker-<w>`.
 */
import type { CellContext, OwnServer, Scenario } from '../../../src/interop/types.js';
import { type DriverTap, gateName } from '../tap.js';
import { b64, errorsOf, nextId, runJob, sequence, statusRow, unb64 } from './helpers.js';

type ClientPart = 'ok' | 'error-then-ok' | 'error' | 'wrong-result' | 'waiting' | 'stuck' | 'gone';
type WorkerPart = 'back' | 'registered' | 'absent' | 'gone';

interface Restarted {
  readonly own: OwnServer;
  readonly client: DriverTap;
  readonly worker: DriverTap;
  /** The function every job after the restart goes to: completes at once. */
  readonly fn: string;
}

/** An own server, and a worker (registering `fn` plus any `extra`) and a client of the cell's implementations on it. */
async function onOwnServer(ctx: CellContext, scenario: string, extra: Parameters<CellContext['startDriver']>[3] = []): Promise<Restarted> {
  if (!ctx.ownServer) throw new Error(`${scenario} needs a server gearspec starts`);
  const own = await ctx.ownServer();
  const fn = ctx.fn(scenario, nextId('r'));
  const worker = await ctx.startDriver('worker', `${scenario}-worker`, [own.address], [{ function: fn, behaviour: { outcome: { kind: 'complete' } } }, ...extra]);
  const client = await ctx.startDriver('client', `${scenario}-client`, [own.address]);
  return { own, client, worker, fn };
}

/** The jobs after the restart: what the client and the worker did with them. */
async function afterRestart(ctx: CellContext, { own, client, worker, fn }: Restarted): Promise<{ client: ClientPart; worker: WorkerPart; detail: string }> {
  const jobs: string[] = [];
  let client_: ClientPart = 'stuck';
  for (const [attempt, payload] of ['after', 'retry'].entries()) {
    const run = await runJob(client, { function: fn, payload: b64(payload) }, ctx.timing.eventMs);
    jobs.push(`${payload}: ${sequence(run.events)}`);
    if (run.events.some((e) => e.event === 'complete' && unb64(e.payload).toString() === payload)) {
      client_ = attempt === 0 ? 'ok' : 'error-then-ok';
      break;
    }
    if (client.exited) client_ = 'gone';
    else if (run.events.some((e) => e.event === 'complete')) client_ = 'wrong-result';
    else if (!run.done) client_ = run.handle ? 'waiting' : 'stuck';
    else client_ = 'error';
    // An application retries a submit its library reported as failed, once; not one that hangs.
    if (client_ !== 'error' || errorsOf(run.events).length === 0) break;
  }
  const clientHasResult = client_ === 'ok' || client_ === 'error-then-ok';
  const worker_ = await workerPart(worker, fn, own.address, clientHasResult ? ctx.timing.eventMs : ctx.timing.quietMs);
  return { client: client_, worker: worker_, detail: `after the restart: ${jobs.join('; ')}; worker ${worker_}` };
}

/**
 * What the worker did after the restart: ran a job (read for up to `waitMs`: long when the client
 * has its result, so the worker's report is on its way), or is at least listed by the server again.
 */
async function workerPart(worker: DriverTap, fn: string, address: string, waitMs: number): Promise<WorkerPart> {
  const after = await worker.waitFor((e) => e.event === 'job' && e.function === fn && ['after', 'retry'].includes(unb64(e.payload).toString()), waitMs);
  if (after) return 'back';
  if (worker.exited) return 'gone';
  const row = await statusRow(address, fn, waitMs, (r) => r.workers > 0);
  return row && row.workers > 0 ? 'registered' : 'absent';
}

export const serverRestart: Scenario = {
  id: 'server-restart',
  title: 'the server restarts under a connected client and idle worker: both carry on',
  nominal: 'recovered',
  needsOwnServer: true,
  functions: () => [],
  async run(ctx) {
    const side = await onOwnServer(ctx, 'server-restart');
    const before = await runJob(side.client, { function: side.fn, payload: b64('before') }, ctx.timing.eventMs);
    if (!before.events.some((e) => e.event === 'complete')) return { outcome: 'no-job-before-restart', detail: `client: ${sequence(before.events)}` };
    ctx.note('restarting the server on the same address');
    await side.own.restart();
    ctx.note('the server is back');
    const after = await afterRestart(ctx, side);
    const detail = `before the restart: completed; ${after.detail}`;
    if (after.client === 'ok' && after.worker === 'back') return { outcome: 'recovered', detail };
    return { outcome: `client-${after.client}/worker-${after.worker}`, detail };
  },
};

export const serverRestartMidJob: Scenario = {
  id: 'server-restart-mid-job',
  title: 'the server restarts while a worker holds a foreground job: the client is told, both carry on',
  nominal: 'failed-then-recovered',
  needsOwnServer: true,
  functions: () => [],
  async run(ctx) {
    const held = ctx.fn('server-restart-mid-job', nextId('h'));
    const gate = gateName(held);
    const side = await onOwnServer(ctx, 'server-restart-mid-job', [{ function: held, behaviour: { steps: [{ kind: 'gate', gate }], outcome: { kind: 'complete' } } }]);
    const jobId = nextId('j');
    side.client.send({ op: 'submit', id: jobId, function: held, payload: b64('in flight') });
    const gated = await side.worker.waitFor((e) => e.event === 'gated' && e.gate === gate, ctx.timing.eventMs);
    if (gated?.event !== 'gated') return { outcome: 'worker-never-assigned', detail: `client: ${sequence(side.client.eventsFor(jobId))}` };
    ctx.note(`restarting the server while the worker holds ${gated.handle}`);
    await side.own.restart();
    ctx.note('the server is back; the worker now finishes the job it held');
    side.worker.send({ op: 'release', gate });
    // A library that resubmits the job brings it back to the worker's gate: let it through (bounded).
    let ended = await side.client.waitFor((e) => e.event === 'done' && e.id === jobId, ctx.timing.eventMs);
    for (let round = 0; !ended && round < 2; round++) {
      const again = await side.worker.waitFor((e) => e.event === 'gated' && e.gate === gate, ctx.timing.quietMs);
      if (!again) break;
      side.worker.send({ op: 'release', gate });
      ended = await side.client.waitFor((e) => e.event === 'done' && e.id === jobId, ctx.timing.eventMs);
    }
    const events = side.client.eventsFor(jobId);
    const job = side.client.exited
      ? 'gone'
      : events.some((e) => e.event === 'complete')
        ? 'completed'
        : ended && (events.some((e) => e.event === 'fail') || errorsOf(events).length > 0)
          ? 'failed'
          : 'stuck';
    const after = await afterRestart(ctx, side);
    const detail = `the job in flight: ${sequence(events)}; ${after.detail}`;
    if (job === 'failed' && after.client === 'ok' && after.worker === 'back') return { outcome: 'failed-then-recovered', detail };
    return { outcome: `${job}/client-${after.client}/worker-${after.worker}`, detail };
  },
};
