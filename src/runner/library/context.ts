/**
 * What a client or worker case gets: a Stage (gearspec playing the job server), the library under
 * certification through its driver (started on demand, pointed at the stage), names private to
 * the case, and the run's deadlines. The runner stops every driver and closes the stage after the
 * case, whatever happened; the drivers' logs go with a failed result.
 */
import { type Behaviour, type DriverRole, type DriverSource, startDriver } from '../../peers/drivers/index.js';
import type { ProviderKind } from '../../peers/types.js';
import { WireLog } from '../../transport/wire-log.js';
import { ERROR_CODES, PeerError } from '../../errors.js';
import { CaseFailure, Unsupported } from '../failures.js';
import type { HarnessContext } from '../run-case.js';
import { Stage } from './stage.js';
import { SubjectDriver } from './subject-driver.js';

export interface Registration {
  readonly function: string;
  readonly behaviour: Behaviour;
}

export interface LibraryCaseContext {
  /** The role under certification. */
  readonly role: DriverRole;
  /** The driver's name ("php", "perl", or an external driver's label). */
  readonly subject: string;
  /** Per-read / per-event deadline. */
  readonly timeoutMs: number;
  /** How long "nothing arrives" is watched for. */
  readonly quietMs: number;
  /** The job server, played by gearspec. */
  readonly stage: Stage;
  /** A function name private to this case, e.g. fn('a') → "gs1a2b3c_12_a". */
  fn(name?: string): string;
  /** A unique id private to this case. */
  uniq(name?: string): string;
  /**
   * Start the client library (client cases). It connects when it first needs the server. With
   * `servers`, the library is given each of those stages, in order, instead of `stage` alone.
   */
  client(label?: string, servers?: readonly Stage[]): Promise<SubjectDriver>;
  /**
   * Start the worker library with these functions registered and its work loop entered (worker
   * cases). A behaviour the driver cannot express makes the case `unsupported`.
   */
  worker(functions: readonly Registration[], label?: string, servers?: readonly Stage[]): Promise<SubjectDriver>;
  /** Another job server played by gearspec (for a library given several servers). */
  openStage(): Promise<Stage>;
  note(text: string): void;
  sleep(ms: number): Promise<void>;
}

interface LibraryRunInit {
  readonly subject: DriverSource;
  readonly role: DriverRole;
  readonly provider?: ProviderKind;
  readonly timeoutMs: number;
  readonly quietMs: number;
  readonly prefix: string;
  /** Deadline for a driver to start and say hello. */
  readonly startupTimeoutMs: number;
}

export class LibraryRunContext implements LibraryCaseContext, HarnessContext {
  readonly log: WireLog;
  readonly violations: string[];
  readonly role: DriverRole;
  readonly subject: string;
  readonly timeoutMs: number;
  readonly quietMs: number;
  readonly stage: Stage;
  readonly #init: LibraryRunInit;
  readonly #drivers: SubjectDriver[] = [];
  readonly #extraStages: Stage[] = [];
  #closed = false;

  private constructor(init: LibraryRunInit, stage: Stage, log: WireLog, violations: string[]) {
    this.#init = init;
    this.log = log;
    this.violations = violations;
    this.role = init.role;
    this.subject = typeof init.subject === 'string' ? init.subject : init.subject.name;
    this.timeoutMs = init.timeoutMs;
    this.quietMs = init.quietMs;
    this.stage = stage;
  }

  static async open(init: LibraryRunInit): Promise<LibraryRunContext> {
    const log = new WireLog();
    const violations: string[] = [];
    const stage = await Stage.open({ log, sender: init.role, timeoutMs: init.timeoutMs, quietMs: init.quietMs, onViolation: (v) => violations.push(v) });
    return new LibraryRunContext(init, stage, log, violations);
  }

  fn(name = 'f'): string {
    return `${this.#init.prefix}_${name}`;
  }

  uniq(name = 'u'): string {
    return `${this.#init.prefix}-${name}`;
  }

  async #start(role: DriverRole, label?: string, servers?: readonly Stage[]): Promise<SubjectDriver> {
    if (this.#closed) throw new Error('case already finished');
    if (role !== this.role) throw new Error(`a ${this.role} case asked for a ${role} driver`);
    const handle = await startDriver(this.#init.subject, role, {
      // Several servers travel as one comma-separated GEARSPEC_SERVER (docs/driver-protocol.md).
      server: (servers ?? [this.stage]).map((s) => s.address).join(','),
      startupTimeoutMs: this.#init.startupTimeoutMs,
      ...(this.#init.provider ? { provider: this.#init.provider } : {}),
      ...(label ? { label } : {}),
    });
    const d = new SubjectDriver(handle, this.timeoutMs);
    this.#drivers.push(d);
    this.log.note(`${d.who} driver started: ${handle.hello.library}`);
    if (this.#closed) await d.stop();
    return d;
  }

  client(label?: string, servers?: readonly Stage[]): Promise<SubjectDriver> {
    return this.#start('client', label, servers);
  }

  async openStage(): Promise<Stage> {
    if (this.#closed) throw new Error('case already finished');
    const s = await Stage.open({ log: this.log, sender: this.role, timeoutMs: this.timeoutMs, quietMs: this.quietMs, onViolation: (v) => this.violations.push(v) });
    this.#extraStages.push(s);
    return s;
  }

  async worker(functions: readonly Registration[], label?: string, servers?: readonly Stage[]): Promise<SubjectDriver> {
    const d = await this.#start('worker', label, servers);
    // A driver that exits without a word is broken (a harness problem); one whose library fails or
    // hangs in the call is the library's outcome.
    const ack = async (id: string, what: string): Promise<void> => {
      const e = await d.first((x) => x.event === 'done' && x.id === id, this.#init.startupTimeoutMs);
      if (e) return;
      // A driver that reported its library's error and exited: the library could not start.
      const errors = d.errors();
      if (d.exited && errors.length > 0) throw new CaseFailure([`the worker library starts and takes ${what}`], `it reported "${errors.join('; ')}" and the driver exited`);
      // Alive and silent: the driver hands the command to its library and answers when the library
      // returns (driver-check holds every driver to that), so the library is stuck inside the call,
      // e.g. waiting to connect to a server that is down.
      if (!d.exited)
        throw new CaseFailure(
          [`the worker library takes ${what} and returns`],
          `its ${what} call had not returned after ${this.#init.startupTimeoutMs} ms (the driver is alive and waiting on the library)`,
        );
      throw new PeerError(ERROR_CODES.HARNESS, d.who, d.exited ? `exited before acknowledging ${what}` : `no acknowledgement of ${what} within ${this.#init.startupTimeoutMs} ms`, d.handle.logs());
    };
    for (const [i, r] of functions.entries()) {
      const id = `r${i}`;
      d.send({ op: 'register', id, function: r.function, behaviour: r.behaviour });
      await ack(id, `register ${r.function}`);
      const refused = d.events.find((e) => e.event === 'error' && e.id === id);
      if (refused && refused.event === 'error') throw new Unsupported(`behaviour ${JSON.stringify(r.behaviour.outcome)}`, refused.message);
    }
    d.send({ op: 'work', id: 'work' });
    await ack('work', 'work');
    return d;
  }

  note(text: string): void {
    this.log.note(text);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  async drain(): Promise<void> {
    for (const s of [this.stage, ...this.#extraStages]) await s.drain();
  }

  async closeAll(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#drivers.map((d) => d.stop().catch(() => undefined)));
    for (const s of [this.stage, ...this.#extraStages]) await s.close();
  }

  peerLogs(): string {
    return this.#drivers.map((d) => `${d.handle.logs()}\n--- ${d.who} events ---\n${d.transcript()}`).join('\n\n');
  }
}
