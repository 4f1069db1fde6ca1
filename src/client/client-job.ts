/**
 * One submitted job as its client sees it: the handle from JOB_CREATED, then the WORK_* events the
 * server relays, up to a terminal one. Events are kept (nothing is lost between awaits) and can be
 * read one by one with a deadline, iterated, or summed up by `result()`.
 */
import { beforeDeadline } from '../deadline.js';
import { ERROR_CODES, GearspecError, InputError, TimeoutError } from '../errors.js';
import type { JobEvent, JobOutcome, JobResult } from './types.js';

type Waiter = { resolve: (e: JobEvent) => void; reject: (err: Error) => void; timer: NodeJS.Timeout };

export class ClientJob {
  readonly handle: string;
  readonly function: string;
  readonly unique: string;
  readonly background: boolean;
  /** Every event so far, in arrival order. */
  readonly events: JobEvent[] = [];
  readonly #defaultTimeoutMs: number;
  readonly #terminalTypes: ReadonlySet<string>;
  /** Index into `events` of the next event `nextEvent()` returns. */
  #cursor = 0;
  #waiters: Waiter[] = [];
  #done: Promise<JobResult> | undefined;
  #settle: { resolve: (r: JobResult) => void; reject: (e: Error) => void } | undefined;
  #outcome: JobOutcome | undefined;
  #failure: GearspecError | undefined;

  /** @internal Created by GearmanClient when JOB_CREATED arrives. */
  constructor(init: { handle: string; function: string; unique: string; background: boolean; defaultTimeoutMs: number; exceptionTerminal: boolean }) {
    this.handle = init.handle;
    this.function = init.function;
    this.unique = init.unique;
    this.background = init.background;
    this.#defaultTimeoutMs = init.defaultTimeoutMs;
    this.#terminalTypes = new Set(init.exceptionTerminal ? ['complete', 'fail', 'exception'] : ['complete', 'fail']);
  }

  /** True once a terminal event arrived (or the connection was lost). */
  get finished(): boolean {
    return this.#outcome !== undefined || this.#failure !== undefined;
  }

  get outcome(): JobOutcome | undefined {
    return this.#outcome;
  }

  /** @internal A relayed WORK_* packet for this handle. Returns true when the job is now over. */
  deliver(event: JobEvent): boolean {
    if (this.finished) return true;
    this.events.push(event);
    const w = this.#waiters.shift();
    if (w) {
      clearTimeout(w.timer);
      this.#cursor++;
      w.resolve(event);
    }
    if (this.#terminalTypes.has(event.type)) {
      this.#outcome = event.type as JobOutcome;
      this.#settle?.resolve(this.#summarise());
      this.#rejectWaiters(() => new GearspecError(ERROR_CODES.UNEXPECTED_PACKET, `job ${this.handle} already ended with ${event.type}`));
      return true;
    }
    return false;
  }

  /** @internal The connection is gone; the job can never end normally. */
  abort(error: GearspecError): void {
    if (this.finished) return;
    this.#failure = error;
    this.#settle?.reject(error);
    this.#rejectWaiters(() => error);
  }

  /**
   * The next event not yet returned, waiting up to `timeoutMs`. Not a WaitQueue (src/wait-queue.ts):
   * the job keeps every event (`events`, read by a cursor), several reads may wait at once, and
   * they reject (not time out quietly) when the job has ended or its connection is gone.
   */
  nextEvent(timeoutMs = this.#defaultTimeoutMs): Promise<JobEvent> {
    if (this.#cursor < this.events.length) return Promise.resolve(this.events[this.#cursor++]!);
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#outcome) return Promise.reject(new GearspecError(ERROR_CODES.UNEXPECTED_PACKET, `job ${this.handle} already ended with ${this.#outcome}; no more events`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters = this.#waiters.filter((x) => x !== waiter);
          reject(new TimeoutError(`waiting for an event of job ${this.handle}`, timeoutMs));
        }, timeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  /** Events until the terminal one, each with the client's default deadline. */
  async *[Symbol.asyncIterator](): AsyncGenerator<JobEvent, void, undefined> {
    for (;;) {
      if (this.#outcome && this.#cursor >= this.events.length) return;
      const e = await this.nextEvent();
      yield e;
      if (this.#terminalTypes.has(e.type)) return;
    }
  }

  /** Wait for the job to end. A fail or exception is a value here, not an error. */
  result(timeoutMs = this.#defaultTimeoutMs): Promise<JobResult> {
    if (this.background) return Promise.reject(new InputError(ERROR_CODES.USAGE, 'result', `job ${this.handle} is a background job; the server relays no result for it`));
    if (this.#outcome) return Promise.resolve(this.#summarise());
    if (this.#failure) return Promise.reject(this.#failure);
    this.#done ??= new Promise<JobResult>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    return beforeDeadline(this.#done, timeoutMs, () => new TimeoutError(`waiting for the result of job ${this.handle} (${this.events.length} events so far)`, timeoutMs));
  }

  #summarise(): JobResult {
    const last = this.events[this.events.length - 1]!;
    const exceptions = this.events.filter((e) => e.type === 'exception');
    const exception = exceptions.length > 0 ? exceptions[exceptions.length - 1]!.data : undefined;
    return {
      handle: this.handle,
      outcome: this.#outcome!,
      data: last.type === 'fail' ? Buffer.alloc(0) : (last.data ?? Buffer.alloc(0)),
      dataChunks: this.events.filter((e) => e.type === 'data').map((e) => e.data!),
      warnings: this.events.filter((e) => e.type === 'warning').map((e) => e.data!),
      ...(exception ? { exception } : {}),
      events: [...this.events],
    };
  }

  #rejectWaiters(make: () => Error): void {
    const ws = this.#waiters;
    this.#waiters = [];
    for (const w of ws) {
      clearTimeout(w.timer);
      w.reject(make());
    }
  }
}
