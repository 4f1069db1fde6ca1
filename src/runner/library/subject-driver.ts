/**
 * The library under certification, seen through its driver: commands go out, events come back
 * through a DriverTap, and every wait has a deadline. What the library does is the outcome: a
 * missing event, an `error` event or the driver exiting become CaseFailures that name what was
 * expected and what happened (with the library's own words), never harness errors.
 */
import { type DriverCommand, type DriverEvent, type DriverHandle, describeDriverEvent } from '../../peers/drivers/index.js';
import { DriverTap } from '../../peers/drivers/tap.js';
import { CaseFailure } from '../failures.js';

export type EventOf<N extends DriverEvent['event']> = Extract<DriverEvent, { event: N }>;

export class SubjectDriver {
  readonly tap: DriverTap;
  readonly #timeoutMs: number;
  readonly #transcript: string[] = [];
  #ids = 0;

  constructor(handle: DriverHandle, timeoutMs: number) {
    this.tap = new DriverTap(`${handle.name}-${handle.role}`, handle);
    this.tap.reset(this.#transcript);
    this.#timeoutMs = timeoutMs;
  }

  get handle(): DriverHandle {
    return this.tap.handle;
  }

  get who(): string {
    return `${this.handle.name} ${this.handle.role}`;
  }

  /** Every event so far, in order. */
  get events(): readonly DriverEvent[] {
    return this.tap.seen;
  }

  get exited(): boolean {
    return this.tap.exited;
  }

  /** A fresh command id. */
  id(prefix = 'c'): string {
    return `${prefix}${++this.#ids}`;
  }

  send(cmd: DriverCommand): void {
    this.tap.send(cmd);
  }

  /** The first unclaimed event of that name matching `where`, within `ms`; else a CaseFailure. */
  async expect<N extends DriverEvent['event']>(name: N, what: string, where: (e: EventOf<N>) => boolean = () => true, ms = this.#timeoutMs): Promise<EventOf<N>> {
    const e = await this.tap.waitFor((x) => x.event === name && where(x as EventOf<N>), ms);
    if (e) return e as EventOf<N>;
    throw new CaseFailure([`${what} (${this.who})`], this.#seenInstead(ms));
  }

  /** Like expect, but undefined (not a failure) when it does not come. */
  async maybe<N extends DriverEvent['event']>(name: N, where: (e: EventOf<N>) => boolean = () => true, ms = this.#timeoutMs): Promise<EventOf<N> | undefined> {
    const e = await this.tap.waitFor((x) => x.event === name && where(x as EventOf<N>), ms);
    return e as EventOf<N> | undefined;
  }

  /** The first event (of any name) matching `pred`, within `ms`, or undefined. */
  first(pred: (e: DriverEvent) => boolean, ms = this.#timeoutMs): Promise<DriverEvent | undefined> {
    return this.tap.waitFor(pred, ms);
  }

  /** Events carrying this job/command id. */
  eventsFor(id: string): DriverEvent[] {
    return this.tap.eventsFor(id);
  }

  /** `error` events the library reported (its own words). */
  errors(): string[] {
    return this.tap.seen.flatMap((e) => (e.event === 'error' ? [e.message] : []));
  }

  /** What the driver reported recently, for a failure's Actual. */
  #seenInstead(ms: number): string {
    const recent = this.tap.seen.slice(-6).map(describeDriverEvent);
    const exit = this.tap.seen.find((e) => e.event === 'exited');
    const head = exit ? `the driver exited (${describeDriverEvent(exit)})` : `nothing matching within ${ms} ms`;
    return recent.length ? `${head}; last events: ${recent.join(', ')}` : head;
  }

  transcript(): string {
    return this.#transcript.join('\n');
  }

  stop(): Promise<void> {
    return this.handle.stop();
  }
}
