/** Model state: plain JSON so a belief set of states can be cloned, deduplicated and compared. */
import type { Priority } from '../protocol/constants.js';

export interface JobState {
  readonly id: number;
  fn: string;
  /** The unique as submitted ("" none, "-" data-keyed, else explicit). */
  unique: string;
  /** Coalescing key under Perl's rule (unique, or the data for "-"); null when submitted without a unique. */
  perlKey: string | null;
  data: string;
  priority: Priority;
  reducer: string;
  future: boolean;
  /** Connection ids of foreground listeners, one entry per attaching submit. */
  listeners: number[];
  /** Connection id holding the job, or null while queued. */
  worker: number | null;
  /** gearmand: id of the worker registration (CAN_DO entry) that took it. */
  reg: number | null;
  takeSeq: number;
  status: [string, string] | null;
  /** gearmand: abandoned foreground job, dropped when a worker next peeks/takes it. */
  ignore: boolean;
  /** Perl: job is dropped at grab time when no listener is alive. */
  requireListener: boolean;
  /** Queue position within its priority (lower first). */
  seq: number;
}

export interface Registration {
  readonly id: number;
  readonly fn: string;
}

export interface ConnState {
  readonly id: number;
  readonly slot: number;
  open: boolean;
  exceptions: boolean;
  /** CAN_DO registrations, most recent first. */
  regs: Registration[];
  sleeping: boolean;
  noopSent: boolean;
  /** Perl: functions whose sleeper list holds this connection. */
  sleepFor: string[];
  /** Jobs this connection ended itself, most recent last (at most LATE_RESULT_MEMORY). */
  ended: number[];
}

/** How many jobs a connection's late results are remembered for (the reference server's ring). */
export const LATE_RESULT_MEMORY = 8;

export interface ModelState {
  jobs: JobState[];
  conns: ConnState[];
  /** Job ids in creation order (finished jobs included): "job#k" references index this. */
  created: number[];
  /** Job id → handle the server gave it (bound when JOB_CREATED is observed). */
  handles: Record<string, string>;
  counter: number;
  /** Perl: functions whose job-queue entry exists (possibly empty). */
  queueKeys: string[];
  /**
   * Perl: finished jobs whose coalescing key was "" ("-" with empty data). note_finished only
   * deletes non-empty keys, so later such submits join the finished job: fn → job id.
   */
  ghosts: Record<string, number>;
}

export const initialState = (): ModelState => ({ jobs: [], conns: [], created: [], handles: {}, counter: 0, queueKeys: [], ghosts: {} });

export const clone = (s: ModelState): ModelState => structuredClone(s);

export function openConn(s: ModelState, slot: number): ConnState | undefined {
  return s.conns.find((c) => c.slot === slot && c.open);
}

export function connById(s: ModelState, id: number): ConnState {
  const c = s.conns.find((x) => x.id === id);
  if (!c) throw new Error(`model: no connection ${id}`);
  return c;
}

export function jobById(s: ModelState, id: number): JobState | undefined {
  return s.jobs.find((j) => j.id === id);
}

export const next = (s: ModelState): number => ++s.counter;

/** Distinct registered functions, most recently registered first. */
export function functionsOf(c: ConnState): string[] {
  return [...new Set(c.regs.map((r) => r.fn))];
}

/** Jobs held by a connection, in the order it took them. */
export function heldBy(s: ModelState, connId: number): JobState[] {
  return s.jobs.filter((j) => j.worker === connId).sort((a, b) => a.takeSeq - b.takeSeq);
}

export function removeJob(s: ModelState, id: number): void {
  const j = s.jobs.find((x) => x.id === id);
  if (j && j.perlKey === '') s.ghosts[j.fn] = j.id;
  s.jobs = s.jobs.filter((x) => x.id !== id);
}
