/**
 * The job store: functions, handles, the coalescing index and the per-function, per-priority
 * FIFO queues. Every operation is O(1) except take(), which looks at the head of each of the
 * worker's functions (O(functions registered by that worker)), never at all jobs.
 */
import { FunctionEntry, type Job, type PriorityIndex } from './job.js';
import type { ServerConnection } from './server-connection.js';

const DASH = 0x2d;

export class JobStore {
  readonly functions = new Map<string, FunctionEntry>();
  readonly byHandle = new Map<string, Job>();
  /**
   * unique text → the live jobs with it, oldest first, for GET_STATUS_UNIQUE (which names no
   * function). A set, not one job: the same unique may live under several functions, and one of
   * them ending must not hide the others (found by the model-based suite).
   */
  readonly #byUnique = new Map<string, Set<Job>>();
  /** maxqueue limits given for functions not seen yet; applied when the function appears. */
  readonly pendingMaxQueue = new Map<string, [number, number, number]>();
  readonly #prefix: string;
  #counter = 0;
  #seq = 0;

  constructor(handlePrefix: string) {
    this.#prefix = handlePrefix;
  }

  get jobCount(): number {
    return this.byHandle.size;
  }

  fn(name: string): FunctionEntry {
    let f = this.functions.get(name);
    if (!f) {
      f = new FunctionEntry(name);
      const limits = this.pendingMaxQueue.get(name);
      if (limits) {
        f.maxQueue = limits;
        this.pendingMaxQueue.delete(name);
      }
      this.functions.set(name, f);
    }
    return f;
  }

  /**
   * Coalescing key: the unique; for unique `-` the data (gearmand and Perl); none for an empty
   * unique or `-` with empty data. Prefixed so a `-` job never merges with a job whose unique
   * happens to equal its data.
   */
  static coalesceKey(unique: Buffer, data: Buffer): string | undefined {
    if (unique.length === 0) return undefined;
    if (unique.length === 1 && unique[0] === DASH) return data.length === 0 ? undefined : `d${data.toString('latin1')}`;
    return `u${unique.toString('latin1')}`;
  }

  /** Admission check for a new job (coalesced submits are not checked, as on gearmand). */
  isFull(fn: FunctionEntry, priority: PriorityIndex): boolean {
    const limit = fn.maxQueue[priority];
    return limit > 0 && fn.total >= limit;
  }

  create(fields: { fn: FunctionEntry; unique: Buffer; coalesceKey: string | undefined; data: Buffer; reducer: Buffer | undefined; priority: PriorityIndex; background: boolean }): Job {
    const handle = `${this.#prefix}:${++this.#counter}`;
    // Spelled out (no spread) so every job has one hidden class.
    const job: Job = {
      fn: fields.fn,
      unique: fields.unique,
      coalesceKey: fields.coalesceKey,
      data: fields.data,
      reducer: fields.reducer,
      priority: fields.priority,
      background: fields.background,
      handle,
      handleBuf: Buffer.from(handle, 'latin1'),
      seq: 0,
      state: 'scheduled',
      clients: [],
      worker: undefined,
      numerator: '0',
      denominator: '0',
      retries: 0,
      orphaned: false,
      timer: undefined,
    };
    this.byHandle.set(handle, job);
    if (job.coalesceKey !== undefined) job.fn.byKey.set(job.coalesceKey, job);
    if (job.unique.length > 0) {
      const u = job.unique.toString('latin1');
      let jobs = this.#byUnique.get(u);
      if (!jobs) this.#byUnique.set(u, (jobs = new Set()));
      jobs.add(job);
    }
    job.fn.scheduled++;
    return job;
  }

  /** scheduled → queued, at the tail of its priority. */
  enqueue(job: Job): void {
    const fn = job.fn;
    if (job.state === 'scheduled') fn.scheduled--;
    else if (job.state === 'running') fn.running--;
    job.state = 'queued';
    job.seq = ++this.#seq;
    fn.queued[job.priority]++;
    fn.queues[job.priority].push(job);
  }

  /** queued → running for `worker`. */
  markRunning(job: Job, worker: ServerConnection): void {
    job.fn.queued[job.priority]--;
    job.fn.running++;
    job.state = 'running';
    job.worker = worker;
  }

  /** Forget the job entirely (completed, failed, cancelled, dropped). Stale queue entries are skipped later. */
  remove(job: Job): void {
    const fn = job.fn;
    switch (job.state) {
      case 'scheduled':
        fn.scheduled--;
        break;
      case 'queued':
        fn.queued[job.priority]--;
        break;
      case 'running':
        fn.running--;
        break;
      case 'done':
        return;
    }
    job.state = 'done';
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    this.byHandle.delete(job.handle);
    if (job.coalesceKey !== undefined && fn.byKey.get(job.coalesceKey) === job) fn.byKey.delete(job.coalesceKey);
    if (job.unique.length > 0) {
      const u = job.unique.toString('latin1');
      const jobs = this.#byUnique.get(u);
      jobs?.delete(job);
      if (jobs?.size === 0) this.#byUnique.delete(u);
    }
  }

  /** The most recently created live job with this unique, in any function. */
  byUnique(unique: string): Job | undefined {
    let last: Job | undefined;
    for (const job of this.#byUnique.get(unique) ?? []) last = job;
    return last;
  }

  /**
   * The next job for a worker: the first priority in `order` that any of its functions has
   * queued; among those functions the job queued longest ago (global priority, FIFO across
   * functions). Orphaned foreground jobs met at a queue head are dropped, as gearmand drops
   * them when a worker would take them, and the search continues.
   */
  take(worker: ServerConnection, order: readonly PriorityIndex[]): Job | undefined {
    for (const p of order) {
      for (;;) {
        let best: Job | undefined;
        for (const fn of worker.abilities.keys()) {
          if (fn.queued[p] === 0) continue;
          const head = this.#liveHead(fn, p);
          if (head && (!best || head.seq < best.seq)) best = head;
        }
        if (!best) break;
        best.fn.queues[p].shift();
        if (best.orphaned) {
          this.remove(best);
          continue;
        }
        return best;
      }
    }
    return undefined;
  }

  #liveHead(fn: FunctionEntry, p: PriorityIndex): Job | undefined {
    const q = fn.queues[p];
    let head = q.peek();
    while (head && (head.state !== 'queued' || head.fn !== fn)) {
      q.shift();
      head = q.peek();
    }
    return head;
  }

  /** True when a grab by this worker could find something (orphans included; the grab drops them). */
  hasWorkFor(worker: ServerConnection): boolean {
    for (const fn of worker.abilities.keys()) if (fn.queuedTotal > 0) return true;
    return false;
  }
}
