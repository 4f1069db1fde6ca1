/**
 * The server's shared state and the scheduling rules every handler uses: wake-ups, assignment,
 * completion, requeue and connection teardown. Handlers (./handlers) parse packets and call these;
 * the admin commands (./admin) read the same state.
 */
import { T } from '../protocol/constants.js';
import type { ErrorCode } from '../errors.js';
import { dispatchFatal, dispatchPacket, dispatchText } from './dispatch.js';
import { Faults } from './faults.js';
import type { FunctionEntry, Job, PriorityIndex } from './job.js';
import { JobStore } from './job-store.js';
import type { ResolvedOptions } from './options.js';
import type { ConnectionHost, ServerConnection } from './server-connection.js';

const NORMAL_ORDER: readonly PriorityIndex[] = [0, 1, 2];
const INVERTED_ORDER: readonly PriorityIndex[] = [1, 0, 2];
/** setTimeout's ceiling; longer epoch waits re-arm. */
const MAX_TIMER_MS = 0x7fffffff;

export class ServerCore implements ConnectionHost {
  readonly options: ResolvedOptions;
  readonly faults: Faults;
  readonly store: JobStore;
  readonly connections = new Set<ServerConnection>();
  /** Set by admin `shutdown graceful`: no new jobs; the server closes once the store is empty. */
  draining = false;
  /** Called by admin `shutdown` / a finished graceful drain; installed by ReferenceServer. */
  onShutdownRequest: (graceful: boolean) => void = () => {};
  #dirty: ServerConnection[] = [];
  #flushQueued = false;
  readonly #flushAll = (): void => this.#flush();

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.faults = new Faults(options.faults, options.faultEvery);
    this.store = new JobStore(options.handlePrefix);
  }

  get priorityOrder(): readonly PriorityIndex[] {
    return this.faults.priorityInversion ? INVERTED_ORDER : NORMAL_ORDER;
  }

  log(line: string): void {
    this.options.log?.(line);
  }

  // ---- ConnectionHost -------------------------------------------------------------------------

  onPacket(conn: ServerConnection, magic: 'REQ' | 'RES', type: number, body: Buffer): void {
    dispatchPacket(this, conn, magic, type, body);
  }

  onText(conn: ServerConnection, line: string): void {
    dispatchText(this, conn, line);
  }

  onFatal(conn: ServerConnection, code: ErrorCode, message: string): void {
    dispatchFatal(this, conn, code, message);
  }

  onInternalError(conn: ServerConnection, err: unknown): void {
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    this.log(`internal error on ${conn.label}: ${detail}`);
    if (!this.options.log) process.emitWarning(`gearspec reference server: internal error on ${conn.label}: ${detail}`);
  }

  markDirty(conn: ServerConnection): void {
    conn.dirty = true;
    this.#dirty.push(conn);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      // After this poll phase has read every ready socket: one write per connection per loop turn.
      setImmediate(this.#flushAll);
    }
  }

  #flush(): void {
    this.#flushQueued = false;
    // Swap first: anything marked dirty while flushing lands in the next batch, never lost.
    const batch = this.#dirty;
    this.#dirty = [];
    for (let i = 0; i < batch.length; i++) batch[i]!.flush();
  }

  onClose(conn: ServerConnection): void {
    if (!this.connections.delete(conn)) return;
    this.log(`connection ${conn.label} closed`);
    for (const fn of conn.abilities.keys()) {
      fn.workers.delete(conn);
      fn.sleepers.delete(conn);
    }
    conn.abilities.clear();
    this.requeueHeld(conn);
    for (const job of conn.listening) this.detachClient(job, conn);
    conn.listening.clear();
  }

  // ---- wake-ups -------------------------------------------------------------------------------

  /** Wake every sleeping worker of the job's function (gearmand's default, `-w 0`). */
  wake(job: Job): void {
    for (const w of job.fn.sleepers) this.noop(w);
  }

  /** One NOOP per sleep; the worker leaves every sleepers set. */
  noop(worker: ServerConnection): void {
    worker.sleeping = false;
    worker.noopSent = true;
    for (const fn of worker.abilities.keys()) fn.sleepers.delete(worker);
    if (!this.faults.swallowNoop()) worker.packet(T.NOOP);
  }

  // ---- job lifecycle --------------------------------------------------------------------------

  /** A new job becomes runnable now or at its epoch time. */
  schedule(job: Job, runAtMs: number): void {
    const wait = runAtMs - Date.now();
    if (wait <= 0) {
      this.store.enqueue(job);
      this.wake(job);
      return;
    }
    job.timer = setTimeout(
      () => {
        job.timer = undefined;
        if (job.state === 'scheduled') this.schedule(job, runAtMs);
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    job.timer.unref();
  }

  assign(job: Job, worker: ServerConnection): void {
    this.store.markRunning(job, worker);
    worker.holding.add(job);
    const timeoutMs = worker.abilities.get(job.fn) ?? 0;
    if (timeoutMs > 0) {
      // Per job, cleared when the job ends: unlike gearmand's per-connection timer, a stale
      // expiry can never requeue a finished job or wrap the running count.
      job.timer = setTimeout(() => {
        job.timer = undefined;
        if (job.state === 'running' && job.worker === worker) {
          this.log(`job ${job.handle} exceeded its ${timeoutMs} ms CAN_DO_TIMEOUT; requeued`);
          this.requeue(job);
        }
      }, timeoutMs);
      job.timer.unref();
    }
  }

  /** The job ended (complete, fail, exception, cancel, dropped): forget it everywhere. */
  finish(job: Job): void {
    if (job.worker) job.worker.holding.delete(job);
    job.worker = undefined;
    for (const c of job.clients) c.listening.delete(job);
    job.clients = [];
    this.store.remove(job);
    if (this.draining && this.store.jobCount === 0) this.onShutdownRequest(false);
  }

  /** Send WORK_FAIL(handle) to every foreground client (no trailing NUL) and end the job. */
  fail(job: Job): void {
    for (const c of job.clients) c.packet(T.WORK_FAIL, job.handleBuf);
    this.finish(job);
  }

  /**
   * Take a running job back from its worker (disconnect, CAN_DO_TIMEOUT, CANT_DO): tail of its
   * priority queue, retries+1, progress reset, clients not told, sleepers woken. With a retry
   * limit, the job fails once it has been attempted that many times.
   */
  requeue(job: Job): void {
    if (job.state !== 'running') return;
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    job.worker?.holding.delete(job);
    job.worker = undefined;
    job.retries++;
    // A job nobody waits for any more (its clients left while it ran) goes back in the queue like
    // any other and is dropped when a worker next tries to take it; until then GET_STATUS and
    // `status` still count it (spec §4.7, as gearmand; the model-based suite, seed 1312407739,
    // found the early drop that used to be here).
    const limit = this.options.jobRetries;
    if (limit > 0 && job.retries >= limit) {
      this.log(`job ${job.handle} failed after ${job.retries} attempts`);
      this.fail(job);
      return;
    }
    job.numerator = '0';
    job.denominator = '0';
    this.store.enqueue(job);
    this.wake(job);
  }

  /**
   * Take back what `conn` holds (only `fn`'s jobs when given): worker disconnect, CANT_DO,
   * RESET_ABILITIES. Most recently taken first, as gearmand 1.1.20 does: a worker's jobs are a
   * list it pushes onto at take time (gearman_server_job_take) and requeues from the head
   * (gearman_server_worker_free). So of two held jobs of one priority, the one taken last is
   * queued first and handed out first again. `holding` is in take order, hence the reverse walk.
   * Requeue order among jobs given back together is not in the spec; following gearmand keeps
   * the server on the model (seed 1161357094 found the take-order walk that used to be here).
   */
  requeueHeld(conn: ServerConnection, fn?: FunctionEntry): void {
    const held = [...conn.holding];
    for (let i = held.length - 1; i >= 0; i--) if (fn === undefined || held[i]!.fn === fn) this.requeue(held[i]!);
  }

  /** A foreground client left: stop relaying to it; a job nobody waits for is dropped at take time. */
  detachClient(job: Job, conn: ServerConnection): void {
    job.clients = job.clients.filter((c) => c !== conn);
    if (job.clients.length === 0 && !job.background) job.orphaned = true;
  }
}
