/** Public value types of the reference client (the cross-team contract in src/client/index.ts). */
import type { AlternativeChoice } from '../protocol/alternatives.js';
import type { Priority } from '../protocol/constants.js';
import type { WireLog } from '../transport/wire-log.js';

export interface ClientOptions {
  host: string;
  port: number;
  /** Default deadline for every wait (connect, replies, results) unless a call gives its own. */
  timeoutMs?: number;
  /** Deadline for the TCP connect only; defaults to `timeoutMs`. */
  connectTimeoutMs?: number;
  log?: WireLog;
  /** Connection label in a shared wire log. */
  label?: string;
  /**
   * Whether WORK_EXCEPTION ends a job for this client. Servers legitimately differ
   * (alternative `exception-terminal`): gearmand ends the job, Perl Gearman::Server does not and
   * a WORK_FAIL/COMPLETE follows. Default `terminal`.
   */
  exceptionSemantics?: AlternativeChoice<'exception-terminal'>;
}

export interface SubmitOptions {
  function: string;
  data?: Buffer | string;
  /** Coalescing key; empty (the default) is never coalesced, `-` means "use the data". */
  unique?: string;
  priority?: Priority;
  background?: boolean;
  /** Seconds since 1970: SUBMIT_JOB_EPOCH, which is always a background normal-priority job. */
  epoch?: number;
  /** SUBMIT_REDUCE_JOB(_BACKGROUND); normal priority only. */
  reducer?: string;
  /** Sent as the reduce job's aggregator argument, which gearmand ignores. Default empty. */
  aggregator?: string;
  /** Deadline for JOB_CREATED; defaults to the client's `timeoutMs`. */
  timeoutMs?: number;
}

export type JobEventType = 'data' | 'warning' | 'status' | 'complete' | 'fail' | 'exception';

export interface JobEvent {
  readonly type: JobEventType;
  /** Payload of data, warning, complete and exception. */
  readonly data?: Buffer;
  /** WORK_STATUS arguments, as the text the server relayed. */
  readonly numerator?: string;
  readonly denominator?: string;
}

export type JobOutcome = 'complete' | 'fail' | 'exception';

export interface JobResult {
  readonly handle: string;
  readonly outcome: JobOutcome;
  /** WORK_COMPLETE data or WORK_EXCEPTION data; empty for a fail. */
  readonly data: Buffer;
  /** WORK_DATA payloads in arrival order. */
  readonly dataChunks: readonly Buffer[];
  readonly warnings: readonly Buffer[];
  /** An exception seen before the end, when exceptions are non-terminal (Perl). */
  readonly exception?: Buffer;
  readonly events: readonly JobEvent[];
}

export interface JobStatus {
  readonly handle: string;
  readonly known: boolean;
  readonly running: boolean;
  /** Raw text: gearmand sends "0" before any WORK_STATUS, Perl an empty string. */
  readonly numerator: string;
  readonly denominator: string;
}

export interface UniqueStatus {
  readonly unique: string;
  readonly known: boolean;
  readonly running: boolean;
  readonly numerator: string;
  readonly denominator: string;
  /** Foreground clients attached to the job. */
  readonly waitingClients: number;
}

/** A packet the client could not attribute to a job or a request (kept for reports). */
export interface OrphanPacket {
  readonly type: string;
  readonly handle?: string;
  readonly summary: string;
}
