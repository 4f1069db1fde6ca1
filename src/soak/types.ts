/**
 * What a soak finds, as the report (src/report/soak/) and the command print and write it. The
 * JSON report's format is docs/soak.md; a field added here is added there.
 */
import type { JobPriority } from '../peers/drivers/index.js';

/** Where a job ended up; every submitted job has exactly one. */
export type SoakVerdict = 'completed' | 'corrupted' | 'failed' | 'refused' | 'lost' | 'duplicated' | 'dropped';
export const DEVIATIONS = ['corrupted', 'failed', 'refused', 'lost', 'duplicated'] as const satisfies readonly SoakVerdict[];
export type Deviation = (typeof DEVIATIONS)[number];

export interface SoakCounts {
  readonly submitted: number;
  readonly completed: number;
  readonly corrupted: number;
  readonly failed: number;
  readonly refused: number;
  readonly lost: number;
  readonly duplicated: number;
  /**
   * Jobs out when the server was restarted (--restart-every) that the restart ended: a background
   * job the server forgot, or a foreground job whose client reported an error. Not a deviation:
   * a server without persistence loses what it holds. A foreground job whose client reported
   * nothing at all is lost.
   */
  readonly dropped: number;
  /** Jobs a killed worker was running that the server handed to a worker again (any verdict). */
  readonly rerunsAfterKills: number;
  /** Jobs still open when the run was interrupted: no verdict. */
  readonly unfinished: number;
}

export interface PairCounts extends SoakCounts {
  readonly client: string;
  readonly worker: string;
  /** Completed jobs per second of the load phase. */
  readonly jobsPerSecond: number;
}

/** A job that did not complete exactly once with the bytes it was given. */
export interface JobFinding {
  readonly job: string;
  readonly client: string;
  readonly worker: string;
  readonly priority: JobPriority;
  readonly background: boolean;
  readonly size: number;
  readonly unique: string;
  /** The other job of its coalescing pair. */
  readonly partner?: string;
  readonly verdict: Deviation;
  /** What happened, in words. */
  readonly detail: string;
  /** The handles its client reported (two for a job submitted twice by a client library). */
  readonly handles: readonly string[];
  /** For a corrupted job: the first wrong payload's lengths and first differing offset. */
  readonly mismatch?: { readonly expectedLength: number; readonly length: number; readonly firstDifference: number; readonly sameAs?: string };
  /** The job's client and worker events, each `+<ms> <driver> <event>`. */
  readonly transcript: readonly string[];
}

export interface KillRecord {
  readonly atMs: number;
  readonly victim: string;
  readonly replacement?: string;
  /** Why no replacement started. */
  readonly error?: string;
}

/** Something that happened to a driver or the server rather than to one job. */
/** One restart of the server (--restart-every): down at `atMs`, serving again at `upAtMs`. */
export interface RestartRecord {
  readonly atMs: number;
  readonly upAtMs?: number;
  /** Why it did not come back (the run stops: every later job would be lost). */
  readonly error?: string;
}

export interface Incident {
  readonly atMs: number;
  readonly who: string;
  readonly what: string;
  /** Counts against the run (exit 1): a driver or server that died on its own. */
  readonly deviation: boolean;
}

export interface SoakDriverInfo {
  readonly label: string;
  readonly role: 'client' | 'worker';
  readonly library: string;
  readonly version: string;
  readonly provider: string;
  /** The driver's process (a native driver), to check that none outlives the run. */
  readonly pid?: number;
}

/**
 * What the soak tells its journal (DIR/soak.jsonl, docs/soak.md) the moment it happens, so a run
 * that crashes or is killed still leaves every job settled before it: each job at its first end,
 * each kill, each incident. Verdicts (a duplicate can show later) are only in the final report.
 */
export type SoakEvent =
  | {
      readonly kind: 'settled';
      readonly atMs: number;
      readonly job: string;
      readonly client: string;
      readonly worker: string;
      readonly instance: string;
      readonly handles: readonly string[];
      /** The first end: the client's, or for a background job a worker's `finished`; `error` is the library's. */
      readonly end: 'complete' | 'fail' | 'exception' | 'error' | 'finished';
      /** Whether it ended as the job should: a byte-exact result. */
      readonly ok: boolean;
    }
  | ({ readonly kind: 'kill' } & KillRecord)
  | ({ readonly kind: 'restart' } & RestartRecord)
  | ({ readonly kind: 'incident' } & Incident);

export interface SoakResult {
  readonly seed: number;
  readonly runToken: string;
  readonly server: { readonly name: string; readonly address: string; readonly version: string; readonly provider: string };
  readonly drivers: readonly SoakDriverInfo[];
  readonly startedAt: string;
  readonly wallMs: number;
  /** From the first submit to the end of submitting (jobs/s are per this). */
  readonly loadMs: number;
  readonly stoppedBy: 'jobs' | 'duration' | 'interrupted' | 'server-crashed';
  /** Planned jobs that were never submitted (the duration ran out, the run was interrupted, or their worker library stalled). */
  readonly notSubmitted: number;
  /**
   * Worker libraries fed no more: `stalled`, it stopped taking jobs (three of its jobs, from two
   * client libraries or more, waited twice the job timeout and no instance of the library started any
   * job meanwhile); `runaway`, it ran one job RUNAWAY_RUNS times (its drivers were stopped). When it
   * was seen, when one last started a job, and how many of its planned jobs were then not
   * submitted. Its jobs already out are judged as usual.
   */
  readonly stalledWorkers: readonly { readonly worker: string; readonly why: 'stalled' | 'runaway'; readonly atMs: number; readonly lastRunAtMs?: number; readonly notSubmitted: number }[];
  readonly totals: SoakCounts;
  readonly pairs: readonly PairCounts[];
  /** Coalescing pairs submitted, and how many of them the server joined into one job (one handle). */
  readonly coalescing: { readonly pairs: number; readonly joined: number; readonly reused: number };
  readonly kills: readonly KillRecord[];
  readonly restarts: readonly RestartRecord[];
  readonly incidents: readonly Incident[];
  /** Every job whose verdict is not `completed`, with its transcript. */
  readonly findings: readonly JobFinding[];
  /** Completed jobs that ran again after a kill. */
  readonly rerunJobs: readonly string[];
  /** What kept the run from being whole (a replacement driver that could not start): exit 2. */
  readonly harnessErrors: readonly string[];
}

/** 2 when the run was not whole, 1 on any deviation, else 0 (README, "Exit codes"). */
export function soakExitCode(r: SoakResult): 0 | 1 | 2 {
  if (r.harnessErrors.length > 0) return 2;
  const deviations = DEVIATIONS.reduce((n, d) => n + r.totals[d], 0);
  return deviations > 0 || r.incidents.some((i) => i.deviation) ? 1 : 0;
}
