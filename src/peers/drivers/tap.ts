/**
 * A tap on one driver: every event it sends is kept (in order) and written to the scenario
 * transcript; scenarios wait for events by predicate with a deadline and never throw on a
 * timeout (absence is an outcome, not an error). The worker tap also releases gates that belong
 * to other scenarios (stale jobs a requeue brought back) so they cannot block the worker.
 */
import { type DriverCommand, type DriverEvent, type DriverHandle, describeDriverEvent } from './index.js';

export class DriverTap {
  readonly label: string;
  readonly handle: DriverHandle;
  /** Events seen since the last `reset()`, in arrival order. */
  seen: DriverEvent[] = [];
  #claimed = new Set<DriverEvent>();
  /** Command ids sent and not yet answered by `done`. */
  readonly pending = new Set<string>();
  /** Gates reported by `gated` and not yet released. */
  readonly openGates = new Set<string>();
  /** Functions of the running scenario; gates of other functions are released at once. */
  ownFunctions: ReadonlySet<string> | undefined;
  #transcript: string[] = [];
  #t0 = Date.now();

  constructor(label: string, handle: DriverHandle) {
    this.label = label;
    this.handle = handle;
  }

  get exited(): boolean {
    return this.handle.exited || this.seen.some((e) => e.event === 'exited');
  }

  /** Start a new scenario: fresh transcript and event list (pending commands carry over). */
  reset(transcript: string[], ownFunctions?: ReadonlySet<string>, origin = Date.now()): void {
    this.#t0 = origin;
    this.seen = [];
    this.#claimed = new Set();
    this.#transcript = transcript;
    this.ownFunctions = ownFunctions;
  }

  #note(line: string): void {
    this.#transcript.push(`${String(Date.now() - this.#t0).padStart(6)}ms ${this.label} ${line}`);
  }

  send(cmd: DriverCommand): void {
    if ('id' in cmd) this.pending.add(cmd.id);
    if (cmd.op === 'release') this.openGates.delete(cmd.gate);
    const shown = { ...cmd } as Record<string, unknown>;
    if (typeof shown.payload === 'string' && shown.payload.length > 60) shown.payload = `<${Buffer.from(shown.payload, 'base64').length} bytes>`;
    if (Array.isArray(shown.jobs)) shown.jobs = `<${shown.jobs.length} jobs>`;
    this.#note(`>> ${JSON.stringify(shown)}`);
    this.handle.send(cmd);
  }

  #record(e: DriverEvent): void {
    this.seen.push(e);
    this.#note(`<< ${describeDriverEvent(e)}`);
    if (e.event === 'done') this.pending.delete(e.id);
    if (e.event === 'gated') {
      this.openGates.add(e.gate);
      const fn = gateFunction(e.gate);
      if (this.ownFunctions && !this.ownFunctions.has(fn)) {
        this.#note(`(releasing gate ${e.gate}: not this scenario's)`);
        this.send({ op: 'release', gate: e.gate });
      }
    }
  }

  /**
   * First not-yet-claimed event matching `pred` (looking at earlier events first), reading new
   * events for at most `timeoutMs`. Undefined when none came; `exited` ends the wait early.
   */
  async waitFor(pred: (e: DriverEvent) => boolean, timeoutMs: number): Promise<DriverEvent | undefined> {
    for (const e of this.seen) {
      if (!this.#claimed.has(e) && pred(e)) {
        this.#claimed.add(e);
        return e;
      }
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      const e = await this.handle.nextEvent(left);
      if (e === undefined) return undefined;
      if (e.event === 'exited') {
        if (!this.seen.includes(e)) this.#record(e);
        return pred(e) ? e : undefined;
      }
      this.#record(e);
      if (pred(e)) {
        this.#claimed.add(e);
        return e;
      }
    }
  }

  /** Read whatever arrives within `ms` (to prove that nothing more comes). */
  async drain(ms: number): Promise<DriverEvent[]> {
    const before = this.seen.length;
    await this.waitFor(() => false, ms);
    return this.seen.slice(before);
  }

  /** Events carrying this job/command id. */
  eventsFor(id: string): DriverEvent[] {
    return this.seen.filter((e) => 'id' in e && e.id === id);
  }

  /** Release every gate still open (end of a scenario). */
  releaseAll(): void {
    for (const g of [...this.openGates]) this.send({ op: 'release', gate: g });
  }
}

/** Gates are named `<function>#<n>`. */
export const gateName = (fn: string, n = 0): string => `${fn}#${n}`;
const gateFunction = (gate: string): string => gate.replace(/#\d+$/, '');
