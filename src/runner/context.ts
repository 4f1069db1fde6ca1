/**
 * What a case gets: fresh connections to the server under test (all logged into the case's one
 * WireLog and closed by the runner afterwards), names private to the case, and the run's
 * deadlines. Cases never open sockets themselves.
 */
import { errorMessage } from '../errors.js';
import { WireLog } from '../transport/wire-log.js';
import { CaseFailure } from './failures.js';
import type { FeatureName, FeatureSupport } from './features.js';
import { Probe } from './probe.js';

export interface Target {
  /** Display name, e.g. "gearmand 1.1.20" or "127.0.0.1:4730". */
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface CaseContext {
  readonly target: Target;
  /** Per-read deadline. */
  readonly timeoutMs: number;
  /** How long "nothing arrives" is watched for. */
  readonly quietMs: number;
  /** Features probed on this server. */
  readonly features: Readonly<Partial<Record<FeatureName, FeatureSupport>>>;
  /** A function name private to this case (and run), e.g. fn('a') → "gs_k3x9_12_a". */
  fn(name?: string): string;
  /** A unique id private to this case. */
  uniq(name?: string): string;
  /** Open a fresh connection labelled `label` in the wire log. */
  connect(label: string): Promise<Probe>;
  /** Note in the wire log (what the case is doing now). */
  note(text: string): void;
  sleep(ms: number): Promise<void>;
  /**
   * Stop the server and start it again, then resolve once it answers; connections opened before
   * are closed. Only for cases with `restartsServer`, and only when gearspec can restart it (a
   * server it started, or certify --restart-cmd).
   */
  readonly restartServer?: () => Promise<void>;
}

export class RunContext implements CaseContext {
  readonly log = new WireLog();
  readonly violations: string[] = [];
  readonly #probes: Probe[] = [];
  readonly #prefix: string;
  readonly restartServer?: () => Promise<void>;
  #target: Target;
  #aborted = false;

  constructor(
    target: Target,
    readonly timeoutMs: number,
    readonly quietMs: number,
    readonly features: Readonly<Partial<Record<FeatureName, FeatureSupport>>>,
    prefix: string,
    restart?: () => Promise<Target>,
  ) {
    this.#target = target;
    this.#prefix = prefix;
    if (restart) {
      this.restartServer = async () => {
        this.note('restarting the server');
        for (const p of this.#probes) p.close();
        try {
          this.#target = await restart();
        } catch (e) {
          throw new CaseFailure(['the server starts again after the restart'], `it did not: ${errorMessage(e)}`);
        }
        this.note(`the server answers again at ${this.#target.host}:${this.#target.port}`);
      };
    }
  }

  /** Where the server answers now (a restart may move it). */
  get target(): Target {
    return this.#target;
  }

  fn(name = 'f'): string {
    return `${this.#prefix}_${name}`;
  }

  uniq(name = 'u'): string {
    return `${this.#prefix}-${name}`;
  }

  async connect(label: string): Promise<Probe> {
    if (this.#aborted) throw new Error('case aborted by the watchdog');
    const p = await Probe.open({ host: this.target.host, port: this.target.port, label, log: this.log, timeoutMs: this.timeoutMs, quietMs: this.quietMs, onViolation: (v) => this.violations.push(v) });
    this.#probes.push(p);
    if (this.#aborted) p.close();
    return p;
  }

  note(text: string): void {
    this.log.note(text);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  /** Drain what the server sent but the case never read, so the packet check sees it too. */
  async drain(): Promise<void> {
    for (const p of this.#probes) {
      if (p.closed) continue;
      for (let i = 0; i < 1000; i++) {
        const e = await p.read(0);
        if (e.kind === 'timeout' || e.kind === 'closed') break;
      }
    }
  }

  /** Close every connection the case opened; pending reads end with `closed`. */
  closeAll(): void {
    this.#aborted = true;
    for (const p of this.#probes) p.close();
  }
}
