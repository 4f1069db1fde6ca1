/**
 * Hands the plan's jobs (plan.ts) to the client libraries: each library takes the next jobs that
 * are its own, so a slow library does not hold a fast one back. Closing the source (the duration
 * ran out, the run was interrupted) ends submitting; jobs taken from the plan and never submitted
 * are counted, not judged. Pausing it (a restart of the server) holds every client back until it
 * is resumed. A worker library that stopped taking jobs (Ledger.stalledNow) is skipped: its jobs
 * still in the plan or in a queue are not submitted, and are counted.
 */
import { type PlanOptions, type PlannedJob, soakPlan } from './plan.js';

export class JobSource {
  readonly #plan: Generator<PlannedJob, void>;
  readonly #queues = new Map<string, PlannedJob[]>();
  #closed = false;
  #paused = false;
  #exhausted = false;
  /** Worker libraries whose jobs are no longer handed out, with how many were held back. */
  readonly #skipped = new Map<string, number>();
  /** Jobs drawn from the plan so far. */
  drawn = 0;

  constructor(options: PlanOptions, limit: number | undefined) {
    this.#plan = soakPlan(options, limit);
    for (const c of options.clients) this.#queues.set(c, []);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Every planned job has been drawn (the --jobs limit was reached). */
  get exhausted(): boolean {
    return this.#exhausted;
  }

  close(): void {
    this.#closed = true;
  }

  /** No job is handed out while paused (a restart of the server is under way). */
  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  /** Hand out no more jobs for `worker` (it stopped taking jobs): those queued are held back now. */
  skipWorker(worker: string): void {
    if (this.#skipped.has(worker)) return;
    let n = 0;
    // In place: a client library may hold its queue's array.
    for (const q of this.#queues.values())
      for (let i = q.length - 1; i >= 0; i--)
        if (q[i]!.worker === worker) {
          q.splice(i, 1);
          n++;
        }
    this.#skipped.set(worker, n);
  }

  /** Planned jobs held back because their worker library stopped taking jobs. */
  skippedFor(worker: string): number {
    return this.#skipped.get(worker) ?? 0;
  }

  /**
   * The jobs of `client` not yet taken, drawing from the plan until there is one (or the plan is
   * done). A coalescing pair is drawn whole, so both its jobs are in the queue together.
   */
  queue(client: string): PlannedJob[] {
    const q = this.#queues.get(client)!;
    while (q.length === 0 && !this.#closed && !this.#exhausted) {
      const next = this.#plan.next();
      if (next.done) {
        this.#exhausted = true;
        break;
      }
      this.#take(next.value);
      if (next.value.partner !== undefined && next.value.partner > next.value.n) {
        const partner = this.#plan.next();
        if (!partner.done) this.#take(partner.value);
      }
    }
    return this.#closed ? [] : q;
  }

  #take(job: PlannedJob): void {
    this.drawn++;
    const skipped = this.#skipped.get(job.worker);
    if (skipped === undefined) this.#queues.get(job.client)!.push(job);
    else this.#skipped.set(job.worker, skipped + 1);
  }
}
