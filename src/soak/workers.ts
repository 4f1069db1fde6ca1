/**
 * The worker side of a soak: two instances of every worker library (so that one keeps working
 * while the other is killed and replaced), each registering the library's one echo function and
 * entering its work loop, as an application does. A worker that goes away on its own is an
 * incident that counts against the run, and is replaced; a kill (--kill-every) is not.
 */
import { ERROR_CODES, PeerError, errorMessage } from '../errors.js';
import { type DriverEvent, type DriverHandle, type DriverSource, driverName } from '../peers/drivers/index.js';
import type { ProviderKind } from '../peers/types.js';
import { SoakDriver, startWithRetry } from './drivers.js';
import type { Ledger } from './ledger.js';
import type { KillRecord, SoakDriverInfo } from './types.js';

/** What the client and worker sides share: where the server is, the books, and where trouble is told. */
export interface FleetContext {
  readonly server: string;
  readonly provider: ProviderKind;
  readonly ledger: Ledger;
  readonly now: () => number;
  /** Something happened to a driver; `deviation` when it counts against the run. */
  readonly incident: (who: string, what: string, deviation: boolean) => void;
  /** The run cannot be whole (exit 2). */
  readonly harnessError: (why: string) => void;
}

/** Instances per worker library. */
const INSTANCES = 2;
/** How long a started worker driver may take to register its function and enter its loop. */
const WORKER_READY_MS = 20_000;
/** Replacements per library after which a worker that keeps dying is left dead. */
const MAX_REPLACEMENTS = 10;

interface WorkerInstance {
  readonly lib: string;
  readonly source: DriverSource;
  readonly driver: SoakDriver;
}

export class WorkerFleet {
  readonly #ctx: FleetContext;
  readonly #sources: readonly DriverSource[];
  readonly #functionOf: (worker: string) => string;
  /** Instances working now. */
  readonly #live: WorkerInstance[] = [];
  /** Every driver started, for the report and the final stop. */
  readonly #all: SoakDriver[] = [];
  readonly #starting = new Set<Promise<unknown>>();
  readonly #numbers = new Map<string, number>();
  readonly #replacements = new Map<string, number>();
  #ending = false;

  constructor(ctx: FleetContext, sources: readonly DriverSource[], functionOf: (worker: string) => string) {
    this.#ctx = ctx;
    this.#sources = sources;
    this.#functionOf = functionOf;
  }

  get drivers(): SoakDriverInfo[] {
    return this.#all.map((d) => d.info);
  }

  /** Every instance up, or the first start's error once every start has settled (so each started driver can be stopped). */
  async start(): Promise<void> {
    const starts = this.#sources.flatMap((s) => Array.from({ length: INSTANCES }, () => this.#startInstance(s)));
    const settled = await Promise.allSettled(starts);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Instances that can be killed now: working, with another instance of their library working too. */
  victims(): readonly WorkerInstance[] {
    return this.#live.filter((w) => this.#live.some((o) => o !== w && o.lib === w.lib));
  }

  /** Kill one instance like a crash, then start its replacement. */
  async kill(victim: WorkerInstance): Promise<KillRecord> {
    const atMs = this.#ctx.now();
    this.#live.splice(this.#live.indexOf(victim), 1);
    this.#ctx.ledger.instanceGone(victim.driver.label, true);
    await victim.driver.kill();
    try {
      const replacement = await this.#startInstance(victim.source);
      return { atMs, victim: victim.driver.label, replacement: replacement.driver.label };
    } catch (e) {
      const error = errorMessage(e).split('\n')[0]!;
      this.#ctx.harnessError(`${victim.lib} worker: no replacement for ${victim.driver.label} started after its kill: ${error}`);
      return { atMs, victim: victim.driver.label, error };
    }
  }

  /**
   * Stop every instance of `lib` for good, with no replacement (a library caught in a storm of
   * reruns, which would otherwise go on until the run ends); the jobs they held are the server's.
   */
  async retire(lib: string): Promise<void> {
    // Not marked gone in the ledger: a worker lost while running a job excuses that job's rerun,
    // and the reruns of a storm are not excused.
    const going = this.#live.filter((w) => w.lib === lib);
    for (const w of going) this.#live.splice(this.#live.indexOf(w), 1);
    await Promise.all(going.map((w) => w.driver.stop().catch(() => undefined)));
  }

  /** Stop every worker (the end of the run, or its failure). */
  async stop(): Promise<void> {
    this.#ending = true;
    await Promise.allSettled([...this.#starting]);
    await Promise.all(this.#all.map((d) => d.stop().catch(() => undefined)));
    await Promise.all(this.#all.map((d) => d.pumped));
  }

  #startInstance(source: DriverSource): Promise<WorkerInstance> {
    const p = this.#start(source);
    this.#starting.add(p);
    return p.finally(() => this.#starting.delete(p));
  }

  async #start(source: DriverSource): Promise<WorkerInstance> {
    const lib = driverName(source);
    const n = (this.#numbers.get(lib) ?? 0) + 1;
    this.#numbers.set(lib, n);
    const label = `${lib}-worker#${n}`;
    const handle = await startWithRetry(source, 'worker', label, this.#ctx.server, this.#ctx.provider);
    try {
      await this.#register(handle, label, this.#functionOf(lib));
    } catch (e) {
      await handle.stop();
      throw e;
    }
    const instance: WorkerInstance = { lib, source, driver: new SoakDriver(label, handle, (e, d) => this.#onEvent(instance, e, d)) };
    this.#all.push(instance.driver);
    // A driver stopped while it was starting (the run ended meanwhile) is not put to work.
    if (this.#ending) await instance.driver.stop();
    else this.#live.push(instance);
    return instance;
  }

  /** The echo function (`complete` without a payload echoes the job's), then `work`. */
  async #register(handle: DriverHandle, label: string, fn: string): Promise<void> {
    let refused: string | undefined;
    handle.send({ op: 'register', id: 'register', function: fn, behaviour: { outcome: { kind: 'complete' } } });
    handle.send({ op: 'work', id: 'work' });
    await handle.waitFor(
      (e) => e.event === 'done' && e.id === 'work',
      WORKER_READY_MS,
      'registration and work',
      (e) => {
        if (e.event === 'error' && e.id === 'register') refused = e.message;
      },
    );
    if (refused !== undefined) throw new PeerError(ERROR_CODES.PEER_START_FAILED, label, `refused to register the echo function ${fn}: ${refused}`);
  }

  #onEvent(instance: WorkerInstance, e: DriverEvent, d: SoakDriver): void {
    switch (e.event) {
      case 'job':
      case 'finished':
        this.#ctx.ledger.workerEvent(d.label, instance.lib, e);
        return;
      case 'error':
        this.#ctx.incident(d.label, `reported: ${e.message}`, false);
        return;
      case 'exited': {
        if (d.stopping) return;
        // It went on its own: the jobs it held are the server's to requeue, and it is replaced.
        this.#ctx.ledger.instanceGone(d.label, false);
        const at = this.#live.indexOf(instance);
        if (at >= 0) this.#live.splice(at, 1);
        this.#ctx.incident(d.label, `exited on its own (code ${String(e.code)}, signal ${String(e.signal)}); last output: ${lastLines(d.handle.logs())}`, true);
        if (!this.#ending) void this.#replace(instance);
        return;
      }
      default:
        return;
    }
  }

  async #replace(gone: WorkerInstance): Promise<void> {
    const n = (this.#replacements.get(gone.lib) ?? 0) + 1;
    this.#replacements.set(gone.lib, n);
    if (n > MAX_REPLACEMENTS) {
      if (n === MAX_REPLACEMENTS + 1) this.#ctx.incident(`${gone.lib} worker`, `not replaced again: its drivers exited on their own ${MAX_REPLACEMENTS} times`, true);
      return;
    }
    try {
      await this.#startInstance(gone.source);
    } catch (e) {
      this.#ctx.harnessError(`${gone.lib} worker: no replacement for ${gone.driver.label} started: ${errorMessage(e).split('\n')[0]!}`);
    }
  }
}

/** The last few lines of a driver's own output (DriverHandle.logs, before its control traffic), on one line, for an incident. */
export function lastLines(log: string, n = 3): string {
  const lines = log
    .split('\n--- control traffic')[0]!
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('---'));
  return lines.slice(-n).join(' | ').slice(0, 400) || '(none)';
}
