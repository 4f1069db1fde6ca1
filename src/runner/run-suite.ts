/**
 * Run a selection of cases against one server: probe the optional features the cases need, then
 * run each case on its own connections (sequentially, or a small pool). Total time is bounded by
 * cases × their watchdog budgets; a dead or silent server costs one read timeout per case.
 *
 * A server gearspec started itself (options.server) may crash under a case. Without care every
 * later case then fails with ECONNREFUSED, a cascade whose extent depends on order and
 * concurrency. Instead the crash is reported on the case it happened in, and the server is
 * restarted before the next case starts (see ServerWatch).
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { within } from '../deadline.js';
import { errorMessage } from '../errors.js';
import { HEADER_SIZE, T } from '../protocol/constants.js';
import { encodeFrame } from '../protocol/encoder.js';
import { type WireEntry, WireLog } from '../transport/wire-log.js';
import { type CaseDef, KEEPS_NO_QUEUE } from './case-def.js';
import type { Target } from './context.js';
import { FEATURES, type FeatureName, type FeatureSupport, probeCaseId } from './features.js';
import { isPassing } from './outcome.js';
import { Probe } from './probe.js';
import type { CaseResult, ProbeStep, ServerRun } from './result.js';
import { failureOutcome, runCase } from './run-case.js';
import type { ServerExit, StartedTarget } from './targets.js';

interface SuiteOptions {
  readonly target: Target;
  readonly cases: readonly CaseDef[];
  /** Per-read deadline, ms. */
  readonly timeoutMs: number;
  /** "Nothing arrives" window; default min(timeout, 400). */
  readonly quietMs?: number;
  readonly strict?: boolean;
  /** Cases in flight at once; default 1. Cases use private function names, so 2-4 is safe. */
  readonly concurrency?: number;
  readonly onResult?: (result: CaseResult, done: number, total: number) => void;
  readonly onCaseStart?: (c: CaseDef, index: number, total: number) => void;
  /**
   * The started server behind `target`, when gearspec started it (startTarget): its exit is
   * watched, and a crashed server is restarted before the next case; cases then take its current
   * address. Without it (an address target) nothing is restarted.
   */
  readonly server?: Pick<StartedTarget, 'target' | 'logs' | 'alive' | 'exited' | 'restart'>;
  /**
   * Restarts allowed per run; default restartBudget(cases). Past it the remaining cases fail
   * without running.
   */
  readonly maxRestarts?: number;
  /** Called after a crashed server was restarted (the restart count so far, how it ended). */
  readonly onRestart?: (restarts: number, how: string) => void;
  /** Prefix of every function name the run uses (default: a fresh newRunToken()). */
  readonly runToken?: string;
  /**
   * How cases with `restartsServer` restart a server gearspec did not start (certify
   * --restart-cmd); a started `server` is restarted through its own restart().
   */
  readonly restart?: () => Promise<Target>;
}

/** A prefix no other run shares: every function name a certify run creates starts with it. */
export const newRunToken = (): string => `gs${randomBytes(3).toString('hex')}`;

/**
 * Restarts per run, by default: enough for every case to crash the server once and every suspect
 * to crash it again when re-run alone. A server gearspec started is cheap to restart, and giving up
 * early would make the verdicts of every later case depend on case order and concurrency (a
 * baseline full of "not restarted again" hides what the server really does). The bound still ends
 * a server that dies on every start.
 */
const restartBudget = (cases: number): number => 2 * cases + 2;
/** After a failing case finds the server gone, how long its exit may take to be reported. */
const EXIT_REPORT_MS = 3000;
/** Output a dying process wrote can arrive just after its exit is reported. */
const LOG_SETTLE_MS = 150;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Does the server still answer: an ECHO round trip on a fresh connection (with `echo`), else just
 * a TCP connect. `gone` (refused, reset or closed) is what a dead server gives; `silent` is a live
 * but hung one. A bare connect is cheaper but not proof: while a dying process is torn down the
 * kernel may still accept on its listening socket.
 */
const PING = Buffer.from('ping');

function answers(target: Target, ms: number, echo: boolean): Promise<'yes' | 'gone' | 'silent'> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    let got = 0;
    const done = (verdict: 'yes' | 'gone' | 'silent'): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(verdict);
    };
    const timer = setTimeout(() => done('silent'), ms);
    socket.once('connect', () => (echo ? socket.write(encodeFrame('REQ', T.ECHO_REQ, PING)) : done('yes')));
    socket.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= HEADER_SIZE + PING.length) done('yes'); // ECHO_RES "ping"
    });
    socket.once('error', () => done('gone'));
    socket.once('close', () => done('gone'));
  });
}

function describeServerExit(exit: ServerExit): string {
  if (exit.signal) return `killed by signal ${exit.signal}`;
  if (exit.code !== null) return `exit code ${exit.code}`;
  return 'it stopped';
}

/** One crash of the server: how it ended, its last output, and how many cases were in flight. */
interface Crash {
  readonly how: string;
  readonly inFlight: number;
  logTail: string;
}

/**
 * Watches a started server's exit. A crash is charged to every case in flight at that moment (a
 * failing case stays "in flight" until settle() has checked the server is still there, so the
 * case whose packet killed it is among them even when the exit is reported after its own
 * failure). ready() restarts a dead server before the next case starts, at most maxRestarts times.
 */
class ServerWatch {
  readonly inFlight = new Set<number>();
  readonly crashes = new Map<number, Crash>();
  crashCount = 0;
  restarts = 0;
  /** Once set, no more restarts: the remaining cases fail with this detail. */
  gaveUp: string | undefined;
  /** Resolves once the current instance's death has been recorded (never, while it lives). */
  death: Promise<void> = new Promise(() => undefined);
  #dead = false;
  #finished = false;
  /** Bumped by a deliberate restart: the exit of an instance from an older generation is no crash. */
  #generation = 0;
  #restarting: Promise<void> | undefined;
  #lastHow = '';

  constructor(
    private readonly server: SuiteOptions['server'],
    private readonly maxRestarts: number,
    private readonly onRestart: SuiteOptions['onRestart'],
  ) {
    this.#watch();
  }

  #watch(): void {
    const exited = this.server?.exited?.();
    const generation = this.#generation;
    if (exited) this.death = exited.then((exit) => (generation === this.#generation ? this.#died(exit) : undefined));
  }

  /** A case's own restart (spec §4.17): the old instance's exit is expected, not a crash. */
  async restartOnPurpose(): Promise<Target> {
    const restart = this.server?.restart;
    if (!restart) throw new Error('this server cannot be restarted');
    this.#generation++;
    try {
      const target = await restart.call(this.server);
      this.#watch();
      return target;
    } catch (e) {
      // The case fails on it; the next case starts a fresh instance, with an empty queue (ready()).
      this.#dead = true;
      this.#lastHow = 'it did not start again after a deliberate restart';
      throw e;
    }
  }

  async #died(exit: ServerExit): Promise<void> {
    if (this.#finished) return; // our own stop at the end of the run
    this.#dead = true;
    this.crashCount++;
    const crash: Crash = { how: describeServerExit(exit), inFlight: this.inFlight.size, logTail: '' };
    this.#lastHow = crash.how;
    for (const i of this.inFlight) this.crashes.set(i, crash);
    await sleep(LOG_SETTLE_MS);
    crash.logTail = (this.server?.logs() ?? '').trim().split('\n').slice(-20).join('\n');
  }

  /** After a case that did not pass: if the server is gone, give its exit time to be reported. */
  async settle(target: Target, death: Promise<void>, ms: number): Promise<void> {
    if (this.server?.alive?.() !== false && (await answers(target, ms, true)) !== 'gone') return;
    await within(death, EXIT_REPORT_MS);
  }

  /** Resolves when a case may start: the server is alive, restarted, or given up on. */
  async ready(): Promise<void> {
    while (this.#dead && this.gaveUp === undefined) {
      this.#restarting ??= this.#restart().finally(() => (this.#restarting = undefined));
      await this.#restarting;
    }
  }

  async #restart(): Promise<void> {
    const restart = this.server?.restart;
    if (!restart || this.restarts >= this.maxRestarts) {
      this.gaveUp = `server crashed ${this.crashCount} time${this.crashCount === 1 ? '' : 's'}; not restarted again`;
      return;
    }
    this.restarts++;
    try {
      await restart.call(this.server, { emptyQueue: true });
    } catch (e) {
      this.gaveUp = `server crashed and could not be restarted: ${errorMessage(e)}`;
      return;
    }
    this.#dead = false;
    this.#watch();
    this.onRestart?.(this.restarts, this.#lastHow);
  }

  /** The run is over: the stop that follows is not a crash. */
  finish(): void {
    this.#finished = true;
  }
}

const describeCase = (c: CaseDef) => ({ id: c.id, section: c.section, level: c.level, requirement: c.requirement, description: c.description });

/** The case the server died under: a failure, whatever the case itself concluded. */
function crashed(r: CaseResult, crash: Crash): CaseResult {
  const others = crash.inFlight > 1 ? ` (${crash.inFlight - 1} other case${crash.inFlight === 2 ? ' was' : 's were'} in flight)` : '';
  const last = crash.logTail
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('[harness]'))
    .at(-1)
    ?.trim();
  return {
    ...r,
    outcome: 'fail',
    detail: `the server exited during this case (${crash.how})${others}; ${last ? `its last output: ${last}` : 'it wrote nothing'}`,
    expected: ['the server keeps running'],
    actual: `the server exited (${crash.how}); the case saw: ${r.detail}`,
    ...(crash.logTail && { logs: crash.logTail }),
  };
}

interface ProbeRun {
  readonly features: Partial<Record<FeatureName, FeatureSupport>>;
  readonly steps: readonly ProbeStep[];
  /** The step after which the server stopped accepting connections (it killed the server). */
  readonly killedBy?: ProbeStep;
}

/**
 * Probe the features `cases` need, each on its own connection, recording every step's traffic. A
 * server that does not even echo gets all `unknown`. After each step the server must still
 * accept a connection: one that stops is reported at the step whose traffic preceded it, and the
 * steps after it are not sent.
 */
async function probeFeatures(target: Target, cases: readonly CaseDef[], timeoutMs: number, prefix: string): Promise<ProbeRun> {
  const needed = new Set<FeatureName>();
  for (const c of cases) for (const f of c.requires ?? []) needed.add(f);
  const features: Partial<Record<FeatureName, FeatureSupport>> = {};
  const steps: ProbeStep[] = [];
  if (needed.size === 0) return { features, steps };
  const step = async <R>(label: string, run: (p: Probe) => Promise<R>): Promise<{ value?: R; wire: readonly WireEntry[] }> => {
    const log = new WireLog();
    try {
      const p = await Probe.open({ ...target, label, log, timeoutMs, quietMs: timeoutMs, onViolation: () => undefined });
      try {
        return { value: await run(p), wire: log.entries };
      } finally {
        p.close();
      }
    } catch {
      return { wire: log.entries };
    }
  };
  const echo = await step('probe-echo', (p) => p.expectAlive().then(() => true));
  steps.push({ feature: 'echo', support: echo.value ? 'alive' : 'dead', wire: echo.wire });
  let killedBy: ProbeStep | undefined;
  for (const f of needed) {
    if (!echo.value || killedBy) {
      features[f] = 'unknown';
      continue;
    }
    const r = await step(`probe-${f}`, (p) => FEATURES[f].probe(p, `${prefix}_probe_${f.replace(/[^A-Za-z0-9]/g, '_')}`));
    features[f] = r.value ?? 'unknown';
    steps.push({ feature: f, support: features[f], wire: r.wire });
    // A refused connect is the quick sign; when the connect is accepted, an ECHO round trip as
    // well: on a starved machine the server may not yet have read the step's packet that kills it,
    // and its listening socket accepts until it does.
    const ms = Math.min(timeoutMs, 1000);
    if ((await answers(target, ms, false)) === 'gone' || (await answers(target, Math.max(timeoutMs, 1000), true)) === 'gone') killedBy = steps.at(-1);
  }
  return { features, steps, ...(killedBy && { killedBy }) };
}

const featureSummary = (name: string): string => (name in FEATURES ? FEATURES[name as FeatureName].summary : name);

/** The one failure a server that died under the feature probe gets: the step, its traffic. */
function probeDeath(step: ProbeStep, restarted: boolean): CaseResult {
  return {
    id: probeCaseId(step.feature),
    section: '2',
    level: 'MUST',
    requirement: 'A server MUST survive a request for an optional feature it does not implement (it may answer ERROR or ignore it).',
    description: `feature probe: ${featureSummary(step.feature)}`,
    outcome: 'fail',
    durationMs: 0,
    detail: `the server stopped accepting connections after the feature probe sent ${featureSummary(step.feature)}${restarted ? '; it was restarted for the cases' : '; the cases after it could not run (blocked)'}`,
    expected: ['the server keeps accepting connections'],
    actual: 'connection refused after this step',
    violations: [],
    wire: step.wire,
  };
}

export async function runSuite(options: SuiteOptions): Promise<ServerRun> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const runToken = options.runToken ?? newRunToken();
  const firstTarget = options.server?.target ?? options.target;
  const watch = new ServerWatch(options.server, options.maxRestarts ?? restartBudget(options.cases.length), options.onRestart);
  const restart = options.server?.restart ? () => watch.restartOnPurpose() : options.restart;
  const probe = await probeFeatures(firstTarget, options.cases, options.timeoutMs, runToken);
  const features = probe.features;
  // A started server the probe killed: let its exit be recorded before a case could be charged with it.
  if (probe.killedBy && options.server?.exited) await watch.settle(firstTarget, watch.death, Math.min(options.timeoutMs, 500));
  const quietMs = options.quietMs ?? Math.min(options.timeoutMs, 400);
  // Liveness check after a failing case; a slow answer only means "alive", so keep it short.
  const probeMs = Math.min(options.timeoutMs, 500);
  const total = options.cases.length;
  const results: CaseResult[] = new Array(total);
  /** Cases in flight with others when the server died: re-run alone at the end to find the culprit. */
  const suspects = new Map<number, CaseResult>();
  /** Someone else's server that stopped accepting connections: where it went away (no restart). */
  let stoppedAnswering: string | undefined = probe.killedBy && !options.server?.restart ? `the feature probe's ${probe.killedBy.feature} step` : undefined;
  let done = 0;
  const finish = (i: number, r: CaseResult): void => {
    results[i] = r;
    done++;
    options.onResult?.(r, done, total);
  };
  const runOne = async (i: number, retry: boolean): Promise<void> => {
    const c = options.cases[i]!;
    await watch.ready();
    if (watch.gaveUp !== undefined) {
      // A suspect keeps what it saw in the crash; a case that never ran says why.
      const first = suspects.get(i);
      return finish(i, first ?? { ...describeCase(c), outcome: 'fail', durationMs: 0, detail: watch.gaveUp, violations: [], wire: [] });
    }
    if (stoppedAnswering !== undefined) {
      return finish(i, { ...describeCase(c), outcome: 'blocked', durationMs: 0, detail: `not run: the server stopped accepting connections after ${stoppedAnswering}`, violations: [], wire: [] });
    }
    // The current address: it changes when the server was restarted.
    const target = options.server?.target ?? options.target;
    const death = watch.death;
    watch.inFlight.add(i);
    options.onCaseStart?.(c, i, total);
    let r = await runCase(c, { target, timeoutMs: options.timeoutMs, quietMs, strict: options.strict ?? false, features, prefix: `${runToken}_${i}${retry ? 'r' : ''}`, ...(restart && { restart }) });
    if (options.server?.exited) {
      if (!isPassing(r.outcome)) await watch.settle(target, death, probeMs);
    } else if (stoppedAnswering === undefined && !isPassing(r.outcome) && (await answers(target, probeMs, false)) === 'gone') {
      // Someone else's server: never restarted. Said once, on this case; the rest are blocked.
      stoppedAnswering = `case ${c.id}`;
      r = { ...r, detail: `server stopped answering (${target.host}:${target.port} refuses or drops connections): ${r.detail}` };
    }
    watch.inFlight.delete(i);
    const crash = watch.crashes.get(i);
    if (!crash) return finish(i, c.restartsServer ? lossAfterKeeping(c, r) : r);
    if (crash.inFlight === 1 || retry) return finish(i, crashed(r, crash));
    // Several cases were in flight: which one killed it depends on timing, so each is re-run alone.
    watch.crashes.delete(i);
    suspects.set(i, crashed(r, crash));
  };
  /** Nothing came back, although an earlier restart showed the server keeps its queue: a loss. */
  const lossAfterKeeping = (c: CaseDef, r: CaseResult): CaseResult => {
    const keeps = results.find((x) => x?.outcome === 'pass' && options.cases.find((k) => k.id === x.id)?.restartsServer);
    if (!keeps || r.outcome !== 'unsupported' || !r.detail.startsWith(KEEPS_NO_QUEUE)) return r;
    const detail = `${r.detail.slice(KEEPS_NO_QUEUE.length + 2)}, although ${keeps.id} showed that the server keeps its queue`;
    return { ...r, outcome: failureOutcome(c, options.strict ?? false), detail, expected: c.outcomes.filter((o) => o.outcome === 'pass').map((o) => o.when), actual: detail };
  };
  // Cases that restart the server run alone, after the others: a restart would cut their connections.
  const shared = options.cases.flatMap((c, i) => (c.restartsServer ? [] : [i]));
  const alone = options.cases.flatMap((c, i) => (c.restartsServer ? [i] : []));
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let k = next++; k < shared.length; k = next++) await runOne(shared[k]!, false);
  };
  const pool = Math.max(1, Math.min(options.concurrency ?? 1, 8));
  await Promise.all(Array.from({ length: pool }, () => worker()));
  for (const i of alone) {
    // One restart that brought nothing back shows the server keeps no queue: no more restarts.
    const found = alone.map((j) => results[j]).find((r) => r?.outcome === 'unsupported' && r.detail.startsWith(KEEPS_NO_QUEUE));
    if (found) {
      const c = options.cases[i]!;
      finish(i, { ...describeCase(c), outcome: 'unsupported', durationMs: 0, detail: `${KEEPS_NO_QUEUE} (${found.id} found it); not restarted again`, violations: [], wire: [] });
      continue;
    }
    await runOne(i, false);
  }
  for (const i of [...suspects.keys()].sort((a, b) => a - b)) await runOne(i, true);
  watch.finish();
  return {
    server: firstTarget.name,
    address: `${firstTarget.host}:${firstTarget.port}`,
    startedAt,
    durationMs: Date.now() - started,
    timeoutMs: options.timeoutMs,
    strict: options.strict ?? false,
    features,
    probe: probe.steps,
    results: probe.killedBy ? [probeDeath(probe.killedBy, Boolean(options.server?.restart)), ...results] : results,
  };
}
