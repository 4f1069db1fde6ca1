/**
 * What every check step sees: the lab, the per-wait deadline, the driver under test and its
 * reference partner as Probes, and one transcript per step that collects the control traffic of
 * every probe in arrival order.
 */
import type { DriverHandle } from '../../peers/drivers/index.js';
import type { Lab } from './lab.js';
import { Probe } from './probe.js';

export class CheckContext {
  readonly lab: Lab;
  readonly timeoutMs: number;
  #subject: Probe;
  #partner: Probe;
  #lines: string[] = [];
  #origin = Date.now();
  #own: ReadonlySet<string> = new Set();

  constructor(lab: Lab, subject: DriverHandle, partner: DriverHandle) {
    this.lab = lab;
    this.timeoutMs = lab.timeoutMs;
    this.#subject = this.#adopt(subject, 'the driver');
    this.#partner = this.#adopt(partner, `the reference ${partner.role}`);
  }

  /** The driver under test (the current session's, for workers checked in several sessions). */
  get subject(): Probe {
    return this.#subject;
  }

  /** The built-in reference driver in the other role. */
  get partner(): Probe {
    return this.#partner;
  }

  /** A quiet window for "nothing more comes": short, but never longer than the deadline. */
  get quietMs(): number {
    return Math.min(300, Math.max(50, Math.floor(this.timeoutMs / 4)));
  }

  /** Switch to a fresh session (a new driver process and partner), recorded in the current step. */
  useSession(subject: DriverHandle, partner: DriverHandle): void {
    this.#subject = this.#adopt(subject, 'the driver');
    this.#partner = this.#adopt(partner, `the reference ${partner.role}`);
  }

  /** Read whatever the previous step left unread, so that it cannot be taken for this step's. */
  async flush(): Promise<void> {
    for (const p of [this.#subject, this.#partner]) if (!p.exited) await p.drain(10);
  }

  /** Release every gate a step left closed, so that no worker stays stuck for the next step. */
  releaseGates(): void {
    for (const p of [this.#subject, this.#partner]) if (!p.exited) p.tap.releaseAll();
  }

  /** Start a step: a new transcript for both probes; gates of other functions get released. */
  beginStep(functions: readonly string[] | undefined): string[] {
    this.#lines = [];
    this.#origin = Date.now();
    this.#own = new Set(functions ?? []);
    for (const p of [this.#subject, this.#partner]) p.tap.reset(this.#lines, this.#own, this.#origin);
    return this.#lines;
  }

  #adopt(handle: DriverHandle, who: string): Probe {
    const p = new Probe(handle, who, this.timeoutMs);
    p.tap.reset(this.#lines, this.#own, this.#origin);
    return p;
  }
}
