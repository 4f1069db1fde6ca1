/**
 * Deliberately broken behaviours, for testing the harness itself: a conformance case that does not
 * fail against a server with the matching fault is not testing anything. Never on by default.
 */
export const FAULT_NAMES = [
  /** Never wake sleeping workers (no NOOP at all). */
  'no-noop',
  /** Flip one byte of WORK_COMPLETE data relayed to clients. */
  'corrupt-result',
  /** Assign NORMAL jobs before HIGH ones. */
  'priority-inversion',
  /** Hand the first assigned job to a second worker too. */
  'duplicate-assign',
  /** Drop the first NOOP the server would send (one lost wake-up). */
  'lost-wakeup',
  /** Never relay WORK_STATUS to clients. */
  'drop-status',
  /** GET_STATUS always answers known=0. */
  'wrong-handle-status',
  /** Answer JOB_CREATED for one new job in every `faultEvery` (default 10,000), then forget it. */
  'drop-job',
] as const;

/** How often a counting fault (drop-job) strikes when no rate is given: one in this many. */
export const DEFAULT_FAULT_EVERY = 10_000;

export type FaultName = (typeof FAULT_NAMES)[number];

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name);
}

/** The active faults plus the one-shot state some of them need. */
export class Faults {
  readonly noNoop: boolean;
  readonly corruptResult: boolean;
  readonly priorityInversion: boolean;
  readonly duplicateAssign: boolean;
  readonly dropStatus: boolean;
  readonly wrongHandleStatus: boolean;
  readonly dropJob: boolean;
  readonly #every: number;
  #lostWakeupPending: boolean;
  #newJobs = 0;
  /** duplicate-assign: 'armed' until the first assignment, then the handle to hand out again, then 'spent'. */
  duplicateState: 'armed' | 'spent' | { handle: string; owner: object } = 'armed';

  constructor(names: readonly FaultName[] = [], every = DEFAULT_FAULT_EVERY) {
    const on = new Set(names);
    this.dropJob = on.has('drop-job');
    this.#every = every;
    this.noNoop = on.has('no-noop');
    this.corruptResult = on.has('corrupt-result');
    this.priorityInversion = on.has('priority-inversion');
    this.duplicateAssign = on.has('duplicate-assign');
    this.dropStatus = on.has('drop-status');
    this.wrongHandleStatus = on.has('wrong-handle-status');
    this.#lostWakeupPending = on.has('lost-wakeup');
  }

  /** True when this NOOP must not reach the worker. */
  swallowNoop(): boolean {
    if (this.noNoop) return true;
    if (this.#lostWakeupPending) {
      this.#lostWakeupPending = false;
      return true;
    }
    return false;
  }

  /** drop-job: true for the every-th new job (the every-th, 2·every-th, …), counted from the start. */
  dropThisJob(): boolean {
    if (!this.dropJob) return false;
    this.#newJobs++;
    return this.#newJobs % this.#every === 0;
  }
}
