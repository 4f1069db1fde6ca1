/**
 * One soak, start to stop: the server (a peer gearspec starts, or someone's running server), two
 * instances of every worker and client library, the load until --jobs or --duration, a bounded
 * wait for the jobs still out (each job has its own deadline, the job timeout after its submit),
 * the verdicts, and every driver and the server stopped on every path. Kills (--kill-every) and
 * restarts of the server (--restart-every) happen at their pace while the jobs run. A server or
 * driver that cannot start is a PeerError (the command's exit 2), thrown after whatever did start
 * is stopped.
 */
import { setMaxListeners } from 'node:events';
import type { MatrixTarget } from '../interop/run-on.js';
import { externalMatrixServer, startMatrixServer } from '../interop/servers.js';
import type { DriverSource, JobPriority } from '../peers/drivers/index.js';
import { driverName } from '../peers/drivers/index.js';
import type { ProviderKind } from '../peers/types.js';
import { unlessAborted } from '../deadline.js';
import { Wakeup } from '../wakeup.js';
import { ClientFleet } from './clients.js';
import { Killer } from './killer.js';
import { Ledger, RUNAWAY_RUNS } from './ledger.js';
import { Restarter } from './restarter.js';
import { soakFunction } from './plan.js';
import { JobSource } from './source.js';
import type { Incident, SoakEvent, SoakResult } from './types.js';
import { judge } from './verdicts.js';
import { WorkerFleet } from './workers.js';

export interface SoakOptions {
  readonly target: MatrixTarget;
  readonly clients: readonly DriverSource[];
  readonly workers: readonly DriverSource[];
  /** Where the library drivers (and, without `serverProvider`, a started server peer) run; the reference always runs embedded. */
  readonly provider: ProviderKind;
  /** Where a started server peer runs (default `provider`). */
  readonly serverProvider?: ProviderKind;
  readonly seed: number;
  /** Stop submitting after this many jobs; undefined: only the duration stops it. */
  readonly jobs: number | undefined;
  readonly durationMs: number | undefined;
  readonly priorities: readonly JobPriority[];
  readonly maxPayload: number;
  readonly killEvery: number | undefined;
  /** Restart the server (one gearspec started) after every N completed jobs. */
  readonly restartEvery?: number | undefined;
  /** A job with no end this long after its submit is lost. */
  readonly jobTimeoutMs: number;
  /** In the run's function names and uniques (plan.ts). */
  readonly runToken: string;
  /** Called about once a second while jobs are submitted and awaited. */
  readonly onProgress?: (p: SoakProgress) => void;
  /** Each job settled, kill, restart and incident as it happens (the journal). */
  readonly onEvent?: (e: SoakEvent) => void;
  /** Settles when the run must end now (SIGINT/SIGTERM): nothing more is submitted or awaited. */
  readonly interrupt?: Promise<void>;
}

export interface SoakProgress {
  readonly elapsedMs: number;
  readonly submitted: number;
  /** The --jobs limit, when there is one. */
  readonly planned: number | undefined;
  readonly completed: number;
  /** Jobs already known not to have completed (failed, refused, a wrong result). */
  readonly spoiled: number;
  readonly inFlight: number;
  readonly kills: number;
  readonly restarts: number;
}

const PROGRESS_MS = 1000;
/** How often the wait for the last background jobs looks again (a settled job wakes it sooner). */
const DRAIN_POLL_MS = 250;

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const startedAt = new Date();
  const t0 = Date.now();
  const now = (): number => Date.now() - t0;
  const server = o.target.kind === 'peer' ? await startMatrixServer(o.target.name, o.serverProvider ?? o.provider) : await externalMatrixServer(o.target.host, o.target.port);
  const incidents: Incident[] = [];
  const harnessErrors: string[] = [];
  const aborter = new AbortController();
  const abort = aborter.signal;
  // Every client instance, parked driver and the drain wait listen on it at once (unlessAborted
  // removes each listener when its wait ends): many listeners are by design, not a leak.
  setMaxListeners(0, abort);
  const stopNow = (): void => aborter.abort();
  let stoppedBy: SoakResult['stoppedBy'] | undefined;
  const end = (why: NonNullable<typeof stoppedBy>, hard: boolean): void => {
    stoppedBy ??= why;
    source.close();
    if (hard) stopNow();
  };
  const source = new JobSource({ seed: o.seed, clients: o.clients.map(driverName), workers: o.workers.map(driverName), priorities: o.priorities, maxPayload: o.maxPayload }, o.jobs);
  const drained = new Wakeup();
  const emit = o.onEvent ?? ((): void => undefined);
  const incident = (i: Incident): void => {
    incidents.push(i);
    emit({ kind: 'incident', ...i });
  };
  const ledger = new Ledger(o.seed, now, (rec, completed) => {
    const { id: job, client, worker } = rec.job;
    const end = rec.ends[0]?.kind ?? (rec.errors.length > 0 ? 'error' : 'finished');
    emit({ kind: 'settled', atMs: now(), job, client, worker, instance: rec.instance, handles: [...rec.handles], end, ok: completed });
    clients.settled(rec);
    if (completed) {
      killer?.completed(ledger.completed);
      restarter?.completed(ledger.completed);
    }
    drained.wake();
  });
  const ctx = {
    server: server.address,
    provider: o.provider,
    ledger,
    now,
    incident: (who: string, what: string, deviation: boolean) => incident({ atMs: now(), who, what, deviation }),
    harnessError: (why: string) => void harnessErrors.push(why),
  };
  const workers = new WorkerFleet(ctx, o.workers, (w) => soakFunction(o.runToken, w));
  const clients = new ClientFleet({ ...ctx, seed: o.seed, runToken: o.runToken, jobTimeoutMs: o.jobTimeoutMs, source, abort }, o.clients);
  const killer = o.killEvery !== undefined ? new Killer(o.killEvery, o.seed, workers, (k) => emit({ kind: 'kill', ...k })) : undefined;
  const restarter =
    o.restartEvery !== undefined
      ? new Restarter(o.restartEvery, server, ledger, source, now, (r) => {
          emit({ kind: 'restart', ...r });
          if (r.error !== undefined) {
            incident({ atMs: r.atMs, who: `server ${server.name}`, what: `did not come back after a restart: ${r.error}`, deviation: true });
            end('server-crashed', true);
          }
        })
      : undefined;
  const timers: NodeJS.Timeout[] = [];
  const stalls: { readonly worker: string; readonly why: 'stalled' | 'runaway'; readonly atMs: number; readonly lastRunAtMs?: number }[] = [];
  /** `worker`'s remaining jobs are not submitted: it stalled, or it ran one job over and over. */
  const feedNoMore = (worker: string, why: 'stalled' | 'runaway', atMs: number, what: string, lastRunAtMs?: number): void => {
    source.skipWorker(worker);
    stalls.push({ worker, why, atMs, ...(lastRunAtMs !== undefined ? { lastRunAtMs } : {}) });
    incident({ atMs, who: `${worker} worker`, what: `${what}; its remaining jobs are not submitted`, deviation: false });
  };
  /**
   * A worker library whose jobs waited twice the job timeout while it took nothing is fed no more;
   * one caught in a storm of reruns is also stopped (the storm would go on until the run ends, and
   * starve every other pair on the server).
   */
  const watchStalls = (): void => {
    const atMs = now();
    for (const { worker, handle, since } of ledger.runawaysNow()) {
      ledger.stopFeeding(worker);
      feedNoMore(worker, 'runaway', atMs, `ran one job (handle ${handle}) ${RUNAWAY_RUNS} times since +${since} ms: its drivers are stopped`);
      void workers.retire(worker);
    }
    for (const worker of ledger.stalledNow()) {
      const lastRunAtMs = ledger.lastRunOf(worker);
      const last = lastRunAtMs !== undefined ? `the last at +${lastRunAtMs} ms` : 'none ever';
      feedNoMore(worker, 'stalled', atMs, `stopped taking jobs: three of its jobs waited twice the job timeout and no ${worker} worker started any job meanwhile (${last})`, lastRunAtMs);
    }
  };
  void o.interrupt?.then(() => end('interrupted', true));
  try {
    await workers.start();
    await clients.start();
    const loadStart = now();
    const duration = o.durationMs !== undefined ? setTimeout(() => end('duration', false), o.durationMs) : undefined;
    if (duration) timers.push(duration);
    const progress = (): SoakProgress => ({
      elapsedMs: now() - loadStart,
      submitted: ledger.size,
      planned: o.jobs,
      completed: ledger.completed,
      spoiled: ledger.spoiled,
      inFlight: clients.inFlight(),
      kills: killer?.kills.length ?? 0,
      restarts: restarter?.restarts.length ?? 0,
    });
    timers.push(
      setInterval(() => {
        // A server gearspec started that died: every job from here on would be lost.
        const crash = server.crashed();
        if (crash !== undefined && stoppedBy !== 'server-crashed') {
          incident({ atMs: now(), who: `server ${server.name}`, what: `exited during the soak (${crash})`, deviation: true });
          end('server-crashed', true);
        }
        watchStalls();
        o.onProgress?.(progress());
      }, PROGRESS_MS),
    );
    await clients.run();
    // Everything was submitted: the duration no longer stops anything.
    clearTimeout(duration);
    // The last background jobs: until each is settled or past its deadline.
    for (;;) {
      if (stoppedBy === 'interrupted' || stoppedBy === 'server-crashed') break;
      const t = now();
      if (![...ledger.records].some((r) => !r.settled && r.deadline > t)) break;
      await unlessAborted(drained.sleep(DRAIN_POLL_MS), abort);
    }
    const endT = now();
    const loadMs = endT - loadStart;
    o.onProgress?.(progress());
    await killer?.stop();
    await restarter?.stop();
    const pairs = o.clients.flatMap((c) => o.workers.map((w) => ({ client: driverName(c), worker: driverName(w) })));
    const verdicts = judge(ledger, endT, stoppedBy === 'interrupted', pairs, loadMs);
    for (const h of verdicts.unattributed)
      incident({
        atMs: endT,
        who: 'worker',
        what: `ran a job (handle ${h}) that no client of this run reported: ${ledger
          .runsOf(h)
          .map((r) => `${r.instance} at +${r.t} ms`)
          .join(', ')}`,
        deviation: false,
      });
    const planned = o.jobs ?? source.drawn;
    return {
      seed: o.seed,
      runToken: o.runToken,
      server: { name: server.name, address: server.address, version: server.version, provider: server.provider },
      drivers: [...workers.drivers, ...clients.drivers],
      startedAt: startedAt.toISOString(),
      wallMs: Date.now() - t0,
      loadMs,
      stoppedBy: stoppedBy ?? 'jobs',
      notSubmitted: Math.max(0, planned - ledger.size),
      stalledWorkers: stalls.map((x) => ({ ...x, notSubmitted: source.skippedFor(x.worker) })),
      totals: verdicts.totals,
      pairs: verdicts.pairs,
      coalescing: verdicts.coalescing,
      kills: killer?.kills ?? [],
      restarts: restarter?.restarts ?? [],
      incidents: incidents.sort((a, b) => a.atMs - b.atMs),
      findings: verdicts.findings,
      rerunJobs: verdicts.rerunJobs,
      harnessErrors,
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    stopNow();
    await killer?.stop();
    await restarter?.stop();
    await Promise.all([clients.stop(), workers.stop()]);
    await server.stop();
  }
}
