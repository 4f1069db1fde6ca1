/**
 * A started driver: the control connection plus whatever runs the driver (a native process, a
 * container, or the in-process reference). Every wait has a deadline; a driver that exits or
 * stays silent fails the wait with its recent log attached.
 */
import { within } from '../../deadline.js';
import { ERROR_CODES, PeerError } from '../../errors.js';
import type { ProviderKind } from '../types.js';
import type { ControlConnection } from './control.js';
import type { DriverCommand, DriverEvent, DriverRole } from './protocol.js';

export type HelloEvent = Extract<DriverEvent, { event: 'hello' }>;

/** What runs the driver. `stop` is forceful and idempotent. */
export interface DriverRuntime {
  /** Bounded recent stdout/stderr (or the in-process log). */
  logs(): string;
  /** Settles once the driver is gone, with a short reason ("exit 3", "signal SIGKILL"). */
  readonly gone: Promise<{ code: number | null; signal: string | null }>;
  kill(): Promise<void>;
}

export interface DriverHandle extends AsyncDisposable {
  /** The built-in driver's name, or an external driver's label. */
  readonly name: string;
  readonly role: DriverRole;
  readonly provider: ProviderKind;
  readonly hello: HelloEvent;
  readonly exited: boolean;
  /**
   * Settles (never rejects) once the driver itself is gone — the process, not only its control
   * connection — with its exit code or the signal that ended it.
   */
  readonly gone: Promise<{ readonly code: number | null; readonly signal: string | null }>;
  send(cmd: DriverCommand): void;
  /** Next event, undefined after `timeoutMs`; after the driver is gone, `exited` forever. */
  nextEvent(timeoutMs: number): Promise<DriverEvent | undefined>;
  /** Read until `pred` matches; other events go to `onOther`. Throws with logs on exit or timeout. */
  waitFor<E extends DriverEvent>(pred: (e: DriverEvent) => e is E, timeoutMs: number, what: string, onOther?: (e: DriverEvent) => void): Promise<E>;
  waitFor(pred: (e: DriverEvent) => boolean, timeoutMs: number, what: string, onOther?: (e: DriverEvent) => void): Promise<DriverEvent>;
  logs(): string;
  stop(): Promise<void>;
  /**
   * End the driver at once, like a crash: its process is ended first (no `quit`, no pause), and
   * the control connection stays open until the driver's side closes, so every event the driver
   * wrote before it died is still read, then `exited`. `stop()` closes the control connection
   * before it ends the process, which loses what a busy worker wrote in its last moment (a
   * `finished`): the soak's kills (src/soak/) must see it. Idempotent with `stop()`.
   */
  kill(): Promise<void>;
}

/** How long a driver's exit waits for its control connection to deliver the last events. */
const EXIT_AFTER_CLOSE_MS = 2000;

export class StartedDriver implements DriverHandle {
  readonly name: string;
  readonly role: DriverRole;
  readonly provider: ProviderKind;
  readonly hello: HelloEvent;
  readonly gone: Promise<{ readonly code: number | null; readonly signal: string | null }>;
  readonly #control: ControlConnection;
  readonly #runtime: DriverRuntime;
  #exited = false;
  #stopping: Promise<void> | undefined;

  constructor(init: { name: string; role: DriverRole; provider: ProviderKind; hello: HelloEvent; control: ControlConnection; runtime: DriverRuntime }) {
    this.name = init.name;
    this.role = init.role;
    this.provider = init.provider;
    this.hello = init.hello;
    this.#control = init.control;
    this.#runtime = init.runtime;
    this.gone = init.runtime.gone.then(
      (r) => r,
      () => ({ code: null, signal: null }),
    );
    // The process going away or the control socket closing both mean the driver is gone; the
    // synthetic event lands after everything the driver managed to send.
    const markGone = (code: number | null, signal: string | null): void => {
      if (this.#exited) return;
      this.#exited = true;
      this.#control.push({ event: 'exited', code, signal });
    };
    // Everything the driver wrote before it went (a worker's `job` just before it dies) is read
    // before its exit is told: the exit waits for the control connection to close, which comes
    // after its last data, for at most EXIT_AFTER_CLOSE_MS. A fixed short delay once let `exited`
    // overtake a `job` event on a loaded machine.
    init.runtime.gone.then(
      (r) => void within(init.control.closed, EXIT_AFTER_CLOSE_MS).then(() => markGone(r.code, r.signal)),
      () => markGone(null, null),
    );
    // A driver that exits closes its control connection a moment before its exit status is
    // known; give the status a short while to arrive so the event carries the real code.
    init.control.closed.then(() => setTimeout(() => markGone(null, 'control-closed'), 500));
  }

  get exited(): boolean {
    return this.#exited;
  }

  send(cmd: DriverCommand): void {
    this.#control.send(cmd);
  }

  nextEvent(timeoutMs: number): Promise<DriverEvent | undefined> {
    return this.#control.next(timeoutMs);
  }

  async waitFor(pred: (e: DriverEvent) => boolean, timeoutMs: number, what: string, onOther?: (e: DriverEvent) => void): Promise<DriverEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      const e = left > 0 ? await this.#control.next(left) : undefined;
      if (e === undefined) {
        throw new PeerError(ERROR_CODES.TIMEOUT, `${this.name} ${this.role} driver`, `no ${what} within ${timeoutMs} ms`, this.logs());
      }
      if (pred(e)) return e;
      if (e.event === 'exited') {
        throw new PeerError(ERROR_CODES.PEER_EXITED, `${this.name} ${this.role} driver`, `exited (code ${e.code}, signal ${e.signal}) while waiting for ${what}`, this.logs());
      }
      onOther?.(e);
    }
  }

  logs(): string {
    return `--- ${this.name} ${this.role} driver output ---\n${this.#runtime.logs()}\n--- control traffic (recent) ---\n${this.#control.traffic.render()}`;
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (!this.#exited) this.#control.send({ op: 'quit' });
      // Workers inside their library's loop do not read commands; give the others a moment.
      await within(this.#runtime.gone, 300);
      this.#control.close();
      await this.#runtime.kill();
    })();
    return this.#stopping;
  }

  kill(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#runtime.kill();
      await within(this.#control.closed, EXIT_AFTER_CLOSE_MS);
      this.#control.close();
    })();
    return this.#stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
