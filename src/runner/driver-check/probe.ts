/**
 * One driver seen from a check step: commands out, events in through a DriverTap, every wait
 * bounded by the per-wait deadline. A wait that ends without its event throws a StepFailure whose
 * "got" says what the driver did instead: an `error` (in the library's words), a line that is not
 * protocol, an exit, or silence.
 */
import { type DriverCommand, type DriverEvent, type DriverHandle, describeDriverEvent } from '../../peers/drivers/index.js';
import { DriverTap } from '../../peers/drivers/tap.js';
import { StepFailure } from './step-failure.js';

export type EventOf<N extends DriverEvent['event']> = Extract<DriverEvent, { event: N }>;
type ErrorEvent = EventOf<'error'>;

/** The control connection turns a line that is not valid protocol into an `error` with this prefix. */
const PROTOCOL_ERROR_PREFIX = 'driver protocol: ';

export const isProtocolViolation = (e: DriverEvent): boolean => e.event === 'error' && e.id === undefined && e.message.startsWith(PROTOCOL_ERROR_PREFIX);

/** The failure for a line that is not valid protocol, seen while waiting for `expected`. */
export function violation(who: string, e: DriverEvent, expected: string): StepFailure {
  const text = e.event === 'error' ? e.message.slice(PROTOCOL_ERROR_PREFIX.length) : '';
  return new StepFailure({
    expected,
    actual: `${who} sent a line that is not valid protocol (${text})`,
    fix: 'write exactly one JSON object per line, terminated by "\\n", with an "event" gearspec knows and the fields docs/driver-protocol.md lists for it',
  });
}

export class Probe {
  readonly tap: DriverTap;
  /** "the driver" or "the reference worker": who this is, in messages. */
  readonly who: string;
  readonly timeoutMs: number;
  #ids = 0;

  constructor(handle: DriverHandle, who: string, timeoutMs: number) {
    this.tap = new DriverTap(who, handle);
    this.who = who;
    this.timeoutMs = timeoutMs;
  }

  get handle(): DriverHandle {
    return this.tap.handle;
  }

  get exited(): boolean {
    return this.tap.exited;
  }

  /** A fresh command or job id. */
  id(prefix: string): string {
    return `${prefix}-${++this.#ids}`;
  }

  send(cmd: DriverCommand): void {
    this.tap.send(cmd);
  }

  /** The next unclaimed `name` event matching `where`; a StepFailure when none comes in time. */
  async expect<N extends DriverEvent['event']>(name: N, where: (e: EventOf<N>) => boolean, expected: string, fix: string, ms = this.timeoutMs, relatedId?: string): Promise<EventOf<N>> {
    const e = await this.tap.waitFor((x) => (x.event === name && where(x as EventOf<N>)) || isProtocolViolation(x), ms);
    if (e && isProtocolViolation(e)) throw violation(this.who, e, expected);
    if (e) return e as EventOf<N>;
    throw new StepFailure({ expected, actual: this.instead(ms, relatedId), fix });
  }

  /**
   * The first unclaimed event matching `pred` within `ms`, or undefined; a line that is not valid
   * protocol ends the wait at once with a StepFailure (waiting for `expected`).
   */
  async first(pred: (e: DriverEvent) => boolean, expected: string, ms = this.timeoutMs): Promise<DriverEvent | undefined> {
    const e = await this.tap.waitFor((x) => pred(x) || isProtocolViolation(x), ms);
    if (e && isProtocolViolation(e) && !pred(e)) throw violation(this.who, e, expected);
    return e;
  }

  /** Like expect, but undefined when it does not come. */
  async maybe<N extends DriverEvent['event']>(name: N, where: (e: EventOf<N>) => boolean, ms = this.timeoutMs): Promise<EventOf<N> | undefined> {
    const e = await this.tap.waitFor((x) => x.event === name && where(x as EventOf<N>), ms);
    return e as EventOf<N> | undefined;
  }

  /** Read whatever arrives within `ms`. */
  drain(ms: number): Promise<DriverEvent[]> {
    return this.tap.drain(ms);
  }

  /** Events (this step) carrying this id, in order. */
  eventsFor(id: string): DriverEvent[] {
    return this.tap.eventsFor(id);
  }

  /** Position of an event among this step's events (-1 when absent). */
  indexOf(e: DriverEvent | undefined): number {
    return e ? this.tap.seen.indexOf(e) : -1;
  }

  /** `error` events of this step: for this id, or without an id (a command-less failure). */
  errorsFor(id?: string): ErrorEvent[] {
    const errors = this.tap.seen.filter((e): e is ErrorEvent => e.event === 'error');
    return errors.filter((e) => !isProtocolViolation(e) && (id === undefined || e.id === id || e.id === undefined));
  }

  /** Lines the driver sent this step that are not valid protocol. */
  violations(): ErrorEvent[] {
    return this.tap.seen.filter((e): e is ErrorEvent => e.event === 'error' && isProtocolViolation(e));
  }

  exitEvent(): EventOf<'exited'> | undefined {
    return this.tap.seen.find((e): e is EventOf<'exited'> => e.event === 'exited');
  }

  /** What the driver did instead of the awaited event, most telling first. */
  instead(ms: number, relatedId?: string): string {
    const bad = this.violations()[0];
    if (bad) return `${this.who} sent a line that is not valid protocol (${bad.message.slice(PROTOCOL_ERROR_PREFIX.length)})`;
    const err = this.errorsFor(relatedId)[0];
    const exit = this.exitEvent();
    const parts: string[] = [];
    if (err) parts.push(`${this.who} reported an error${err.id ? ` for ${err.id}` : ''}: ${JSON.stringify(err.message.split('\n')[0])}`);
    if (exit) parts.push(`${this.who} exited (code ${exit.code}, signal ${exit.signal})`);
    if (parts.length === 0) parts.push(`nothing within ${ms} ms`);
    const recent = this.tap.seen
      .filter((e) => e !== exit)
      .slice(-5)
      .map(describeDriverEvent);
    return `${parts.join('; ')}${recent.length ? `; last events from ${this.who}: ${recent.join(', ')}` : `; no events from ${this.who} in this step`}`;
  }
}
