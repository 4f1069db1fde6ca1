/**
 * The soak's books, kept as the events arrive: per job what its client reported (the handle, the
 * end, the library's errors), per handle every time a worker ran it (the `job` event, with the
 * bytes checked against the job's payload, and its `finished`), which worker instances went away
 * and when, and each job's transcript. A job is settled (out of flight) at its first end: for a
 * foreground job the client's complete/fail/exception or a refusal; for a background job, whose
 * client hears nothing more, a worker's `finished`. The verdicts are drawn at the end (verdicts.ts).
 *
 * A worker's `job` event and its client's `created` come over different drivers in either order,
 * so a run is tied to its job by handle once `created` is in, else by the unique the worker saw
 * (plan.ts uniqueGroup); until then its bytes wait to be checked.
 */
import { type DriverEvent, describeDriverEvent } from '../peers/drivers/index.js';
import type { PlannedJob } from './plan.js';
import { type Mismatch, mismatch, payloadOf, whosePayload } from './payloads.js';
import { uniqueGroup } from './plan.js';

/** One transcript line: when (ms since the run began) and what (`<driver> >> command` or `<driver> << event`). */
export interface Line {
  readonly t: number;
  readonly text: string;
}

export interface ClientEnd {
  readonly kind: 'complete' | 'fail' | 'exception';
  readonly t: number;
  readonly mismatch?: Mismatch & { readonly sameAs?: string };
}

export interface JobRecord {
  readonly job: PlannedJob;
  readonly unique: string;
  /** The client driver instance that submitted it. */
  readonly instance: string;
  readonly sentAt: number;
  /** After this it counts as lost (no end by the deadline). */
  readonly deadline: number;
  readonly handles: string[];
  readonly ends: ClientEnd[];
  readonly errors: string[];
  readonly lines: Line[];
  settled: boolean;
}

/** One time a worker was given a job. */
export interface Run {
  readonly instance: string;
  readonly handle: string;
  readonly unique?: string;
  readonly t: number;
  finished?: number;
  mismatch?: Mismatch;
  /** The bytes (base64) the worker was given, kept until the run is tied to a job and checked. */
  unchecked?: string;
}

/** How a worker instance went away. */
export interface Gone {
  readonly t: number;
  readonly killed: boolean;
}

/** Jobs of one worker library that must have waited in vain before it counts as stalled... */
const STALL_JOBS = 3;
/**
 * ...submitted by at least this many client libraries: a client library that never really sends
 * its jobs (node-gearman after a mix-up of handles) must not make a worker look stalled.
 */
const STALL_CLIENTS = 2;
/** Runs of one handle after which its worker library is caught in a storm of reruns. */
export const RUNAWAY_RUNS = 100;

export class Ledger {
  readonly #seed: number;
  readonly #now: () => number;
  readonly #onSettled: (rec: JobRecord, completed: boolean) => void;
  readonly #jobs = new Map<string, JobRecord>();
  readonly #byHandle = new Map<string, JobRecord[]>();
  readonly #byGroup = new Map<number, JobRecord[]>();
  /** Per worker library, its jobs no worker has been seen running yet (for `stalledNow`). */
  readonly #unrun = new Map<string, Set<JobRecord>>();
  /** Per worker library, when one of its instances last started a job. */
  readonly #lastRun = new Map<string, number>();
  /** Worker libraries found to have stopped taking jobs (`stalledNow`), or retired (`stopFeeding`). */
  readonly #stalled = new Set<string>();
  /** Worker libraries seen running one handle RUNAWAY_RUNS times, not yet reported (`runawaysNow`). */
  readonly #runaways = new Map<string, { readonly handle: string; readonly since: number }>();
  /** Jobs by payload size: a wrong result is compared only with the payloads of its length. */
  readonly #bySize = new Map<number, PlannedJob[]>();
  readonly #runs = new Map<string, Run[]>();
  readonly #workerLines = new Map<string, Line[]>();
  readonly #gone = new Map<string, Gone>();
  /** When the server went down for each restart (--restart-every), and when it served again. */
  readonly #restarts: { readonly down: number; up?: number }[] = [];
  /** Restarts the server has come back from: the namespace of its handles. */
  #epoch = 0;
  /** Jobs settled as completed so far (the pace of --kill-every, and the progress line). */
  completed = 0;
  /** Jobs settled otherwise so far (failed, refused, or a wrong result): deviations seen while running. */
  spoiled = 0;

  constructor(seed: number, now: () => number, onSettled: (rec: JobRecord, completed: boolean) => void) {
    this.#seed = seed;
    this.#now = now;
    this.#onSettled = onSettled;
  }

  get records(): IterableIterator<JobRecord> {
    return this.#jobs.values();
  }

  get size(): number {
    return this.#jobs.size;
  }

  record(id: string): JobRecord | undefined {
    return this.#jobs.get(id);
  }

  /** Whether a client reported this handle. */
  hasHandle(handle: string): boolean {
    return this.#byHandle.has(handle);
  }

  runsOf(handle: string): readonly Run[] {
    return this.#runs.get(handle) ?? [];
  }

  /** Every handle a worker ran, with its runs. */
  get runs(): IterableIterator<[string, Run[]]> {
    return this.#runs.entries();
  }

  workerLines(handle: string): readonly Line[] {
    return this.#workerLines.get(handle) ?? [];
  }

  gone(instance: string): Gone | undefined {
    return this.#gone.get(instance);
  }

  jobsOfGroup(group: number): readonly JobRecord[] {
    return this.#byGroup.get(group) ?? [];
  }

  /**
   * Whether every one of these jobs has ended somewhere: at its client (an end or an error), or at
   * a worker that finished a run of one of its handles at least `graceMs` ago — the server has its
   * result, so a client library that still has not returned is holding on to something that is
   * not coming (a lost or misrouted result); or the job's worker library has stalled (stalledNow),
   * so its result is not coming either. Nothing is judged by this; it only frees the client.
   */
  endedElsewhere(ids: readonly string[], graceMs: number): boolean {
    const before = this.#now() - graceMs;
    return ids.every((id) => {
      const rec = this.#jobs.get(id);
      if (!rec) return false;
      if (rec.ends.length > 0 || rec.errors.length > 0 || this.#stalled.has(rec.job.worker)) return true;
      return rec.handles.some((h) => (this.#runs.get(h) ?? []).some((r) => r.finished !== undefined && r.finished <= before));
    });
  }

  /** A job goes out: `command` is how its submit is shown in the transcript. */
  submitted(job: PlannedJob, unique: string, instance: string, deadline: number, command: string): void {
    const t = this.#now();
    const rec: JobRecord = { job, unique, instance, sentAt: t, deadline, handles: [], ends: [], errors: [], lines: [{ t, text: `${instance} >> ${command}` }], settled: false };
    this.#jobs.set(job.id, rec);
    (this.#byGroup.get(job.group) ?? this.#byGroup.set(job.group, []).get(job.group)!).push(rec);
    (this.#bySize.get(job.size) ?? this.#bySize.set(job.size, []).get(job.size)!).push(job);
    (this.#unrun.get(job.worker) ?? this.#unrun.set(job.worker, new Set()).get(job.worker)!).add(rec);
  }

  /**
   * Worker libraries that have stopped taking jobs, each reported once: STALL_JOBS of its jobs,
   * from STALL_CLIENTS client libraries or more, waited twice the job timeout with no worker
   * running them, and no instance of that library started any job since the first of them was
   * submitted: the library took nothing while work waited for it. (A busy library still starts
   * jobs; a slow one is judged by its jobs' verdicts. One job alone may be one the server lost,
   * as the last of a run can be.)
   */
  stalledNow(): string[] {
    const t = this.#now();
    const found: string[] = [];
    for (const [worker, unrun] of this.#unrun) {
      if (this.#stalled.has(worker)) continue;
      const lastRun = this.#lastRun.get(worker) ?? Number.NEGATIVE_INFINITY;
      // Oldest first (every job has the same timeout): each past its deadline is looked at once.
      let waited = 0;
      const clients = new Set<string>();
      for (const rec of unrun) {
        // Twice the job timeout: a library that is only slow on a loaded machine (its jobs lost at
        // the timeout all the same) is not taken for one that stopped.
        if (2 * rec.deadline - rec.sentAt > t) break;
        // A job out at a restart of the server waited on the restart, not on the library.
        if (lastRun >= rec.sentAt || this.restartBetween(rec.sentAt, rec.deadline) !== undefined) {
          unrun.delete(rec);
          continue;
        }
        waited++;
        clients.add(rec.job.client);
        if (waited >= STALL_JOBS && clients.size >= STALL_CLIENTS) {
          this.#stalled.add(worker);
          found.push(worker);
          break;
        }
      }
    }
    return found;
  }

  /**
   * Worker libraries caught in a storm of reruns, each reported once: an instance of it was given
   * one handle for the RUNAWAY_RUNS-th time (gearmand drops a worker whose WORK_COMPLETE it cannot
   * read, requeues the job, and Perl's worker takes it and sends the same packet again, for ever).
   */
  runawaysNow(): { readonly worker: string; readonly handle: string; readonly since: number }[] {
    const found = [...this.#runaways].map(([worker, r]) => ({ worker, ...r }));
    this.#runaways.clear();
    return found;
  }

  /** No more of `worker`'s jobs will end (its library is stalled or retired): parking may go ahead. */
  stopFeeding(worker: string): void {
    this.#stalled.add(worker);
  }

  /** When an instance of `worker` last started a job (ms since the run began). */
  lastRunOf(worker: string): number | undefined {
    return this.#lastRun.get(worker);
  }

  /** A line for these jobs that is about none of them alone (a batch's error or done). */
  note(ids: readonly string[], text: string): void {
    const t = this.#now();
    for (const id of ids) this.#jobs.get(id)?.lines.push({ t, text });
  }

  /**
   * An error a client driver reported for a whole batch (one call of the library that submits
   * several jobs): for each of its jobs with no end yet it counts as that job's error.
   */
  batchError(ids: readonly string[], message: string): void {
    for (const id of ids) {
      const rec = this.#jobs.get(id);
      if (!rec || rec.ends.length > 0) continue;
      rec.errors.push(message);
      this.#settle(rec, false);
    }
  }

  /** An event of a client driver carrying a job's id; false when the id is no job's. */
  clientEvent(instance: string, e: DriverEvent): boolean {
    if (!('id' in e) || e.id === undefined) return false;
    const rec = this.#jobs.get(e.id);
    if (!rec) return false;
    const t = this.#now();
    rec.lines.push({ t, text: `${instance} << ${describeDriverEvent(e)}` });
    switch (e.event) {
      case 'created': {
        const handle = this.#qualify(e.handle);
        if (!rec.handles.includes(handle)) rec.handles.push(handle);
        (this.#byHandle.get(handle) ?? this.#byHandle.set(handle, []).get(handle)!).push(rec);
        for (const run of this.#runs.get(handle) ?? []) {
          this.#unrun.get(rec.job.worker)?.delete(rec);
          this.#check(run, rec.job.group);
        }
        if (rec.job.background && (this.#runs.get(handle) ?? []).some((r) => r.finished !== undefined)) this.#settle(rec, true);
        break;
      }
      case 'complete': {
        const expected = payloadOf(this.#seed, rec.job.group, rec.job.size);
        const wrong = mismatch(expected, e.payload);
        const got = wrong ? Buffer.from(e.payload, 'base64') : undefined;
        const sameAs = got ? whosePayload(this.#seed, got, this.#bySize.get(got.length) ?? [], rec.job.group) : undefined;
        rec.ends.push({ kind: 'complete', t, ...(wrong ? { mismatch: { ...wrong, ...(sameAs ? { sameAs } : {}) } } : {}) });
        this.#settle(rec, wrong === undefined);
        break;
      }
      case 'fail':
      case 'exception':
        rec.ends.push({ kind: e.event, t });
        this.#settle(rec, false);
        break;
      case 'error':
        // Before a handle: the library refused the job. After one: it gave up on it; either way
        // its client will report nothing more.
        rec.errors.push(e.message);
        this.#settle(rec, false);
        break;
      default:
        break;
    }
    return true;
  }

  /** A worker driver's `job` or `finished`; `library` is the worker library the instance runs. */
  workerEvent(instance: string, library: string, e: DriverEvent): void {
    const t = this.#now();
    if (e.event !== 'job' && e.event !== 'finished') return;
    const handle = this.#qualify(e.handle);
    if (e.event === 'job') {
      this.#lastRun.set(library, t);
      const run: Run = { instance, handle, ...(e.unique !== undefined ? { unique: e.unique } : {}), t, unchecked: e.payload };
      const runs = this.#runs.get(handle) ?? this.#runs.set(handle, []).get(handle)!;
      runs.push(run);
      if (runs.length === RUNAWAY_RUNS && !this.#stalled.has(library)) this.#runaways.set(library, { handle, since: runs[0]!.t });
      this.#lineFor(handle, t, `${instance} << ${describeDriverEvent(e)}`);
      const group = this.#byHandle.get(handle)?.[0]?.job.group ?? uniqueGroup(e.unique);
      for (const rec of this.#byHandle.get(handle) ?? []) this.#unrun.get(rec.job.worker)?.delete(rec);
      if (group !== undefined) {
        for (const rec of this.jobsOfGroup(group)) this.#unrun.get(rec.job.worker)?.delete(rec);
        this.#check(run, group);
      }
    } else if (e.event === 'finished') {
      this.#lineFor(handle, t, `${instance} << ${describeDriverEvent(e)}`);
      const run = [...(this.#runs.get(handle) ?? [])].reverse().find((r) => r.instance === instance && r.finished === undefined);
      if (run) run.finished = t;
      for (const rec of this.#byHandle.get(handle) ?? []) if (rec.job.background) this.#settle(rec, run?.mismatch === undefined);
    }
  }

  /** The server is being restarted now: what it holds is gone. */
  serverRestarting(): void {
    this.#restarts.push({ down: this.#now() });
  }

  /**
   * The old server has stopped; the next one may answer from now on, before it is seen ready. Its
   * handles start afresh (gearmand's counter starts at 1 again), so from here on a handle is told
   * apart from the same one before: `<handle>@restart<n>`.
   */
  serverStopped(): void {
    this.#epoch++;
  }

  /** The restarted server was seen ready. */
  serverUp(): void {
    const last = this.#restarts.at(-1);
    if (last) last.up = this.#now();
  }

  #qualify(handle: string): string {
    return this.#epoch === 0 ? handle : `${handle}@restart${this.#epoch}`;
  }

  /** When the first restart whose down time overlaps [from, to] (ms since the run began) began, if any. */
  restartBetween(from: number, to: number): number | undefined {
    return this.#restarts.find((r) => r.down <= to && (r.up ?? Number.POSITIVE_INFINITY) >= from)?.down;
  }

  /** A worker instance is gone: killed by the soak, or it exited on its own. */
  instanceGone(instance: string, killed: boolean): void {
    if (!this.#gone.has(instance)) this.#gone.set(instance, { t: this.#now(), killed });
  }

  /** Tie a run that no `created` named to the group its unique names (at the end). */
  checkByGroup(run: Run, group: number): void {
    this.#check(run, group);
  }

  #check(run: Run, group: number): void {
    if (run.unchecked === undefined) return;
    const job = this.#byGroup.get(group)?.[0]?.job;
    if (!job) return;
    const wrong = mismatch(payloadOf(this.#seed, group, job.size), run.unchecked);
    if (wrong) run.mismatch = wrong;
    run.unchecked = undefined;
  }

  #lineFor(handle: string, t: number, text: string): void {
    (this.#workerLines.get(handle) ?? this.#workerLines.set(handle, []).get(handle)!).push({ t, text });
  }

  #settle(rec: JobRecord, completed: boolean): void {
    if (rec.settled) return;
    rec.settled = true;
    this.#unrun.get(rec.job.worker)?.delete(rec);
    if (completed) this.completed++;
    else this.spoiled++;
    this.#onSettled(rec, completed);
  }
}
