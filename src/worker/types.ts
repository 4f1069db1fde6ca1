/** Public value types of the reference worker (cross-team contract in src/worker/index.ts). */
import type { AlternativeChoice } from '../protocol/alternatives.js';
import type { GearspecError } from '../errors.js';
import type { WireLog } from '../transport/wire-log.js';
import type { WorkerJob } from './worker-job.js';

export type GrabVariant = 'GRAB_JOB' | 'GRAB_JOB_UNIQ' | 'GRAB_JOB_ALL';

export interface BackoffOptions {
  /** First delay after a lost connection. */
  initialMs?: number;
  /** Ceiling of the doubling delay. */
  maxMs?: number;
  /** Give up after this many failed attempts in a row (default: never while the worker is open). */
  maxAttempts?: number;
}

export interface WorkerOptions {
  host: string;
  port: number;
  grab?: GrabVariant;
  /** Sent as SET_CLIENT_ID after every (re)connect. */
  clientId?: string;
  /** Reconnect with bounded backoff and re-register every function after the connection is lost. */
  reconnect?: boolean;
  backoff?: BackoffOptions;
  /** Jobs run at once (the worker grabs again while it has room). Default 1. */
  concurrency?: number;
  /** Deadline for the TCP connect and for the server's answer to a GRAB_JOB*. Default 10 s. */
  timeoutMs?: number;
  /**
   * Unit the server reads CAN_DO_TIMEOUT in (alternative `can-do-timeout-unit`): gearmand takes
   * milliseconds, Perl Gearman::Server seconds. `timeoutMs` is converted. Default milliseconds.
   */
  canDoTimeoutUnit?: AlternativeChoice<'can-do-timeout-unit'>;
  /**
   * Whether WORK_EXCEPTION ends the job at the server (alternative `exception-terminal`). With
   * `non-terminal` (Perl) the worker follows an exception with WORK_FAIL when the handler returns
   * without ending the job itself. Default `terminal`.
   */
  exceptionSemantics?: AlternativeChoice<'exception-terminal'>;
  log?: WireLog;
  label?: string;
  /** Called for every notice (also kept in `worker.notices`). */
  onNotice?: (notice: WorkerNotice) => void;
}

export interface RegisterOptions {
  /** Use CAN_DO_TIMEOUT with this run-time limit (converted to the server's unit). */
  timeoutMs?: number;
}

/** Return a Buffer or string to complete with it; return nothing to complete empty; throw to fail. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler may return nothing at all (an empty WORK_COMPLETE), as a void function does
export type JobHandler = (job: WorkerJob) => Promise<Buffer | string | void> | Buffer | string | void;

export type WorkerNotice =
  | { readonly kind: 'connected'; readonly session: number }
  | { readonly kind: 'disconnected'; readonly session: number; readonly reason: string; readonly jobsLost: number }
  | { readonly kind: 'reconnect-attempt'; readonly attempt: number; readonly delayMs: number; readonly error?: string }
  | { readonly kind: 'gave-up'; readonly attempts: number }
  | { readonly kind: 'job-start'; readonly handle: string; readonly function: string }
  | { readonly kind: 'job-end'; readonly handle: string; readonly outcome: 'complete' | 'fail' | 'exception' | 'lost' }
  | { readonly kind: 'handler-error'; readonly handle: string; readonly error: string }
  /** An ERROR packet. During a grab: a refused grab variant stops the worker (Perl: GRAB_JOB_UNIQ); any other ERROR is taken as no job now (PRE_SLEEP). */
  | { readonly kind: 'error-reply'; readonly code: string; readonly text: string; readonly duringGrab: boolean }
  | { readonly kind: 'unexpected-packet'; readonly summary: string }
  | { readonly kind: 'stopped'; readonly error: GearspecError };

export interface WorkerStats {
  grabs: number;
  noJobs: number;
  preSleeps: number;
  noops: number;
  jobsStarted: number;
  jobsCompleted: number;
  jobsFailed: number;
  jobsExcepted: number;
  sessions: number;
}
