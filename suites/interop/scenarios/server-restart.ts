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
 * After the restart the client submits a job (and once more after an error), and each side gets
 * a part of the outcome (carry-on.ts): `server-restart` is `recovered` when the client is `ok` and
 * the worker `back`, else `client-<c>/worker-<w>`. `server-restart-mid-job` names the in-flight
 * job first (`failed`, `completed`, `stuck`, `gone`): `failed-then-recovered`, else
 * `<job>/client-<c>/worker-<w>`.
 */
import type { CellContext, OwnServer, Scenario } from '../../../src/interop/types.js';
import { type DriverTap, gateName } from '../tap.js';
import { carryOn } from './carry-on.js';
import { b64, errorsOf, nextId, runJob, sequence } from './helpers.js';

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
    const after = await carryOn(ctx, side, side.own.address);
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
    const after = await carryOn(ctx, side, side.own.address);
    const detail = `the job in flight: ${sequence(events)}; ${after.detail}`;
    if (job === 'failed' && after.client === 'ok' && after.worker === 'back') return { outcome: 'failed-then-recovered', detail };
    return { outcome: `${job}/client-${after.client}/worker-${after.worker}`, detail };
  },
};
