/**
 * The model-based fuzzer behind `gearspec fuzz` and the property suites. fast-check generates
 * scenarios (seeded, so every run repeats with --seed), each runs on every target server and is
 * checked step by step against the target's profile. With several servers it is differential:
 * each server is also checked against the first server's model with only the *declared*
 * alternatives switched to its own choices, so a divergence no alternative explains is reported
 * as a finding, named by the model quirk that explains it. Failures are shrunk by fast-check and
 * the minimal counterexample is written as a replayable fixture.
 *
 * Every finding says in words which server did what at which step and what the model (or the
 * baseline server) expected (finding-text.ts). Its fixture is recorded by running the minimal
 * scenario once more and is only taken when that run shows the same difference (up to three
 * tries; otherwise the finding says the recording did not show it). A server that dies (it
 * refuses connections after it had accepted them) is a finding of its own: the scenario that
 * killed it is kept unshrunk with its transcript, and is shrunk only when the server can be
 * restarted (`fresh` or `restart`), never against a dead server.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describeStep, type Step } from '../model/actions.js';
import { describeSlots } from '../model/checker.js';
import { intersect, type ModelProfile, type ModelQuirks, withChoicesOf, withQuirkOf } from '../model/profiles.js';
import { ScenarioRunner } from '../model/run-scenario.js';
import { HANDLE_PATTERN } from '../fixtures/replay/handle-map.js';
import { errorMessage } from '../errors.js';
import { reach } from '../transport/reachable.js';
import { instantiate, scenarioArb } from './scenario-arb.js';
import { offlineCheck, type Observed } from './offline-check.js';
import { type RecordedRun, recordRun, writeFindingFixture } from './shrunk-fixture.js';
import { type FindingFacts, type FindingKind, findingStatement, readableNames, type ServerRef, serverLabel } from './finding-text.js';

export type { FindingKind } from './finding-text.js';

export interface ServerInstance {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface FuzzServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly profile: ModelProfile;
  /**
   * Start a fresh server for every scenario (slower, but needed when the server keeps state
   * across scenarios that changes its behaviour, e.g. one-shot injected faults).
   */
  readonly fresh?: () => Promise<ServerInstance>;
  /**
   * A server gearspec started: stop what is left of it and start it again, returning where it
   * answers now. Without it (and without `fresh`) a server that dies is not shrunk against.
   */
  readonly restart?: () => Promise<{ readonly host: string; readonly port: number }>;
}

interface FuzzConfig {
  readonly servers: readonly FuzzServer[];
  readonly budgetMs: number;
  readonly seed: number;
  /** Extra time to keep shrinking a failure (default 30 s). */
  readonly shrinkBudgetMs?: number;
  readonly maxSteps?: number;
  readonly timeoutMs?: number;
  /** Where shrunk fixtures go; none written when absent. */
  readonly outDir?: string;
  readonly log?: (line: string) => void;
  /** Why a server without `restart`/`fresh` cannot be restarted, said when it dies (the CLI: no --restart-cmd). */
  readonly cannotRestartReason?: string;
}

export interface FuzzFinding {
  readonly kind: FindingKind;
  readonly server: string;
  /** host:port the server answered on when the finding was made. */
  readonly address: string;
  readonly profile: string;
  readonly message: string;
  /** The shrunk scenario (symbolic names) and how to regenerate it. */
  readonly scenario: readonly Step[];
  readonly seed: number;
  readonly path: string | undefined;
  /** Model quirks (undeclared behaviours) that explain a divergence. */
  readonly explainedBy: readonly (keyof ModelQuirks)[];
  readonly fixture?: string;
  /** The scenario as readable lines (names prefixed "p_"). */
  readonly readable: readonly string[];
  /** 1-based step of `scenario` where the difference is. */
  readonly step: number;
  /** What the server sent during that step, per connection ("c0: ECHO_RES(\"\")"); empty: nothing. */
  readonly sent: readonly string[];
  /** What was expected instead (alternatives), and by whom. */
  readonly expected: readonly string[];
  readonly expectedBy: string;
  /** Differential mode: the baseline server and what it sent during the same step. */
  readonly other?: ServerRef & { readonly sent: readonly string[] };
  /** The finding in words. */
  readonly statement: string;
  /** False when none of the runs that recorded the fixture showed the same difference (flaky). */
  readonly fixtureReproduced?: boolean;
  /** Why the scenario is not shrunk (a server that died and cannot be restarted). */
  readonly notShrunk?: string;
  /** A server death: the scenario that killed it, as it ran, and its transcript. */
  readonly unshrunk?: { readonly scenario: readonly Step[]; readonly readable: readonly string[]; readonly step: number; readonly fixture?: string };
}

export interface FuzzResult {
  readonly seed: number;
  readonly scenarios: number;
  readonly elapsedMs: number;
  readonly perServer: readonly { readonly name: string; readonly scenarios: number; readonly perSecond: number; readonly busyMs: number }[];
  readonly findings: readonly FuzzFinding[];
}

interface Verdict {
  readonly kind: FindingKind;
  readonly index: number;
  readonly server: FuzzServer;
  readonly address: string;
  readonly message: string;
  readonly explainedBy: (keyof ModelQuirks)[];
  /** Steps up to and including the failing one (later steps cannot matter). */
  readonly upTo: number;
  /** 0-based index of the failing step. */
  readonly step: number;
  readonly sent: readonly string[];
  readonly expected: readonly string[];
  readonly expectedBy: string;
  readonly other?: { readonly index: number; readonly address: string; readonly sent: readonly string[] };
  readonly error?: string;
  /** The run on the failing server, with its transcript. */
  readonly run: RecordedRun;
}

class FuzzFailure extends Error {
  constructor(readonly verdict: Verdict) {
    super(`${verdict.kind} on ${verdict.server.name}: ${verdict.message}`);
  }
}

/** Every quirk, tried one at a time to name a divergence (the record makes the list exhaustive). */
const QUIRK_SET: Readonly<Record<keyof ModelQuirks, true>> = {
  sleepers: true,
  wakeOn: true,
  abandoned: true,
  staleQueueNoop: true,
  exceptionFailArg: true,
  epochTake: true,
  wakeForFutureEpoch: true,
  bgSparesAbandoned: true,
  requeueWakesSelf: true,
  joinRevivesAbandoned: true,
  echoDropsZero: true,
  lateResultFromEnder: true,
};
const QUIRKS = Object.keys(QUIRK_SET) as (keyof ModelQuirks)[];

/** Starts every function name this process's fuzz runs use (the underscore ends the pid). */
export const FUZZ_NAME_STEM = `r${process.pid.toString(36)}_`;
let runCounter = 0;
const runPrefix = (): string => `${FUZZ_NAME_STEM}${(++runCounter).toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}_`;

/** True when nothing listens at host:port any more (ECONNREFUSED); false when it accepts or cannot tell. */
async function refusesConnections(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return (await reach(host, port, timeoutMs)).state === 'refused';
}

/** The servers under test: where each answers now, its shared runner, restarts. */
class Fleet {
  readonly #servers: readonly FuzzServer[];
  readonly #addr: { host: string; port: number }[];
  readonly #runners: ScenarioRunner[];
  /** Whether each (long-lived) server has accepted a connection during this fuzz run. */
  readonly #accepted: boolean[];
  readonly #timeoutMs: number;

  constructor(servers: readonly FuzzServer[], timeoutMs: number) {
    this.#servers = servers;
    this.#addr = servers.map((s) => ({ host: s.host, port: s.port }));
    this.#runners = this.#addr.map((a) => new ScenarioRunner(a));
    this.#accepted = servers.map(() => false);
    this.#timeoutMs = timeoutMs;
  }

  address(i: number): string {
    return `${this.#addr[i]!.host}:${this.#addr[i]!.port}`;
  }

  ref(i: number): ServerRef {
    const s = this.#servers[i]!;
    return { name: s.name, address: this.address(i), profile: s.profile.name };
  }

  canRestart(i: number): boolean {
    const s = this.#servers[i]!;
    return s.fresh !== undefined || s.restart !== undefined;
  }

  /**
   * Runs `steps` on server `i` (a fresh instance when it has `fresh`), keeping the transcript.
   * `died`: the run failed and the server now refuses connections although it had accepted them.
   */
  async run(i: number, steps: readonly Step[], prefix: string, profile: ModelProfile): Promise<{ run: RecordedRun; died: boolean; address: string }> {
    const server = this.#servers[i]!;
    const options = { profile, prefix, timeoutMs: this.#timeoutMs };
    if (server.fresh) {
      const inst = await server.fresh();
      const runner = new ScenarioRunner({ host: inst.host, port: inst.port });
      try {
        const run = await recordRun(runner, steps, options);
        const died = run.result.error !== undefined && run.items.length > 0 && (await refusesConnections(inst.host, inst.port));
        return { run, died, address: `${inst.host}:${inst.port}` };
      } finally {
        await runner.close();
        await inst.stop();
      }
    }
    const run = await recordRun(this.#runners[i]!, steps, options);
    if (run.items.length > 0) this.#accepted[i] = true;
    const died = run.result.error !== undefined && this.#accepted[i]! && (await this.refuses(i));
    return { run, died, address: this.address(i) };
  }

  /** Whether long-lived server `i` had accepted connections and now refuses them. */
  async refuses(i: number): Promise<boolean> {
    if (this.#servers[i]!.fresh || !this.#accepted[i]) return false;
    const a = this.#addr[i]!;
    return refusesConnections(a.host, a.port, Math.min(1000, this.#timeoutMs));
  }

  /** Why restarting server `i` failed, once it has. */
  readonly restartErrors = new Map<number, string>();

  /** Starts server `i` again (fresh servers need nothing); false when it cannot be, or that failed. */
  async restart(i: number): Promise<boolean> {
    const s = this.#servers[i]!;
    if (s.fresh) return true;
    if (!s.restart || this.restartErrors.has(i)) return false;
    await this.#runners[i]!.close();
    try {
      const a = await s.restart();
      this.#addr[i] = { host: a.host, port: a.port };
    } catch (e) {
      this.restartErrors.set(i, errorMessage(e));
      return false;
    }
    this.#runners[i] = new ScenarioRunner(this.#addr[i]!);
    return true;
  }

  async close(): Promise<void> {
    await Promise.all(this.#runners.map((r) => r.close()));
  }
}

/** The scenario that killed a server, as it ran. */
interface Death {
  readonly index: number;
  readonly address: string;
  readonly symbolic: readonly Step[];
  readonly run: RecordedRun;
  /** 0-based step during which it died. */
  readonly step: number;
  readonly error: string;
}

export async function fuzz(config: FuzzConfig): Promise<FuzzResult> {
  const log = config.log ?? (() => undefined);
  const servers = config.servers;
  if (servers.length === 0) throw new Error('fuzz: no server given');
  const timeoutMs = config.timeoutMs ?? 3000;
  const baseline = servers[0]!.profile;
  const supported = servers.map((s) => s.profile.supported).reduce(intersect);
  const genProfile: ModelProfile = { ...baseline, supported };
  const fleet = new Fleet(servers, timeoutMs);
  const stats = servers.map((s) => ({ name: s.name, scenarios: 0, busyMs: 0 }));
  // Quirks accepted so far per server (differential mode), so one divergence is reported once.
  const accepted = servers.map(() => new Set<keyof ModelQuirks>());
  const findings: FuzzFinding[] = [];
  const started = Date.now();
  let scenarios = 0;

  const hybrid = (i: number): ModelProfile => hybridProfile(baseline, servers[i]!.profile, accepted[i]!);
  const check = scenarioChecker(servers, fleet, hybrid, (i) => accepted[i]!, stats);

  // Server deaths. The first scenario that killed a server is kept as it ran. While shrinking it
  // (only on a server that can be restarted) other failures do not count, so the shrink stays on
  // the death; a server that cannot be restarted ends the hunt, and no scenario runs any more.
  let death: Death | undefined;
  let deathOnly = false;
  const deadForGood = new Set<number>();
  let previous: { symbolic: readonly Step[]; runs: readonly (RecordedRun | undefined)[] } | undefined;

  const runOne = async (symbolic: readonly Step[]): Promise<void> => {
    if (deadForGood.size > 0) return;
    scenarios++;
    const prefix = runPrefix();
    const steps = instantiate(symbolic, prefix);
    const runs: (RecordedRun | undefined)[] = [];
    try {
      await check(steps, prefix, runs);
      if (deathOnly) {
        // A death on the way out (when the scenario's connections closed) belongs to this scenario.
        for (let i = 0; i < servers.length; i++) {
          if (!(await fleet.refuses(i))) continue;
          const run = runs[i]!;
          const last = Math.max(0, ...run.stepStarts.keys());
          throw new FuzzFailure({
            ...failureBase(servers[i]!, i, run, fleet.address(i)),
            ...DIED_EXPECTATION,
            kind: 'server-died',
            message: 'after the last step, when the connections closed, it stopped accepting connections',
            error: 'it stopped accepting connections when the scenario closed its connections',
            step: last,
            upTo: steps.length,
          });
        }
      }
      previous = { symbolic, runs };
    } catch (e) {
      if (!(e instanceof FuzzFailure)) throw e;
      if (e.verdict.kind === 'server-died') {
        const v = e.verdict;
        death ??= deathOf(v, symbolic, previous);
        previous = undefined;
        if (await fleet.restart(v.index)) deathOnly = true;
        else deadForGood.add(v.index);
        throw e;
      }
      previous = { symbolic, runs };
      if (deathOnly) return;
      throw e;
    }
  };

  async function verdictOf(symbolic: readonly Step[]): Promise<Verdict | undefined> {
    try {
      await runOne(symbolic);
      return undefined;
    } catch (e) {
      if (e instanceof FuzzFailure) return e.verdict;
      throw e;
    }
  }

  const fixtureName = (kind: string, i: number, seed: number, suffix = ''): string | undefined =>
    config.outDir ? join(config.outDir, `${kind}-${servers[i]!.name.replace(/[^A-Za-z0-9._-]+/g, '_')}-seed${seed}-${findings.length + 1}${suffix}.fixture.jsonl`) : undefined;

  /** Records the fixture of a finding: the minimal scenario run again until it shows the same difference (three tries). */
  async function recordFinding(v: Verdict, symbolic: readonly Step[], seed: number, path: string | undefined): Promise<{ facts: FindingFacts; fixture?: string; reproduced: boolean }> {
    let facts = factsOf(v, symbolic, fleet);
    const file = fixtureName(v.kind, v.index, seed);
    if (!file) return { facts, reproduced: true };
    let chosen: Verdict | undefined;
    let last: RecordedRun | undefined;
    for (let attempt = 0; attempt < 3 && !chosen; attempt++) {
      const prefix = runPrefix();
      const steps = instantiate(symbolic, prefix);
      const { run, died, address } = await fleet.run(v.index, steps, prefix, servers[v.index]!.profile);
      last = run;
      const again = judge(v.index, steps, run, died, address, servers, hybrid, accepted[v.index]!, v.other ? { index: v.other.index, address: v.other.address, observed: undefined } : undefined);
      if (died) await fleet.restart(v.index);
      if (again && sameDifference(v, again)) chosen = { ...again, other: v.other, explainedBy: v.explainedBy };
    }
    const reproduced = chosen !== undefined;
    const used = chosen ?? v;
    facts = factsOf(used, symbolic, fleet);
    if (!reproduced)
      facts = {
        ...facts,
        note: `Three more runs of this scenario did not show the difference again (the last: ${last?.result.error ?? last?.result.mismatch?.message.split('\n')[0] ?? 'no difference'}): the finding may be flaky; the fixture holds the run that showed it.`,
      };
    await writeFindingFixture(file, {
      run: chosen?.run ?? cutRun(v.run, symbolic.length),
      stepIndex: used.step,
      facts,
      seed,
      path,
      message: used.message,
      ...(v.index > 0 && servers.length > 1 ? { acceptedQuirks: [...accepted[v.index]!] } : {}),
    });
    return { facts, fixture: file, reproduced };
  }

  function pushFinding(f: FuzzFinding): void {
    findings.push(f);
    log(formatFinding(f, findings.length));
  }

  /** Reports the death: the scenario that killed the server as it ran, and a shrunk one when the server could be restarted. */
  async function reportDeath(d: Death, shrunkCandidate: readonly Step[] | undefined, seed: number, path: string | undefined): Promise<void> {
    const server = servers[d.index]!;
    const ref: ServerRef = { name: server.name, address: d.address, profile: server.profile.name };
    const readable = instantiate(d.symbolic, 'p_').map(describeStep);
    const unshrunkFacts: FindingFacts = {
      kind: 'server-died',
      server: ref,
      step: d.step + 1,
      steps: d.symbolic.length,
      stepText: readable[d.step] ?? '(setup)',
      sent: [],
      ...DIED_EXPECTATION,
      explainedBy: [],
      error: d.error,
    };
    const unshrunkFile = fixtureName('server-died', d.index, seed, '-unshrunk');
    if (unshrunkFile) await writeFindingFixture(unshrunkFile, { run: d.run, stepIndex: d.step, facts: unshrunkFacts, seed, path, message: d.error, extra: { unshrunk: true } });
    const unshrunk = { scenario: d.symbolic, readable, step: d.step + 1, ...(unshrunkFile ? { fixture: unshrunkFile } : {}) };
    let shrunk: { v: Verdict; symbolic: readonly Step[] } | undefined;
    let notShrunk: string | undefined;
    if (!fleet.canRestart(d.index) || fleet.restartErrors.has(d.index)) {
      const why = fleet.restartErrors.get(d.index) ?? config.cannotRestartReason ?? 'gearspec did not start it and was given no way to restart it';
      notShrunk = `${serverLabel(ref)} cannot be restarted (${fleet.restartErrors.has(d.index) ? `restarting it failed: ${why}` : why}), and shrinking against a dead server would only find scenarios that fail to connect`;
    } else {
      // fast-check minimises blocks, not steps: the first run cut after the step that killed it may be shorter still.
      const candidates = [...(shrunkCandidate ? [shrunkCandidate] : []), d.symbolic.slice(0, d.step + 1)].sort((a, b) => a.length - b.length);
      for (const candidate of candidates) {
        const v = await verdictOf(candidate);
        if (v?.kind !== 'server-died') continue;
        shrunk = { v, symbolic: candidate.slice(0, v.upTo) };
        break;
      }
      if (!shrunk) notShrunk = 'no shorter scenario killed the server again when run once more';
    }
    if (!shrunk) {
      pushFinding({
        kind: 'server-died',
        server: server.name,
        address: d.address,
        profile: server.profile.name,
        message: d.error,
        scenario: d.symbolic,
        seed,
        path,
        explainedBy: [],
        readable,
        step: d.step + 1,
        sent: [],
        expected: unshrunkFacts.expected,
        expectedBy: unshrunkFacts.expectedBy,
        statement: findingStatement(unshrunkFacts),
        unshrunk,
        ...(unshrunkFile ? { fixture: unshrunkFile } : {}),
        ...(notShrunk ? { notShrunk } : {}),
      });
      return;
    }
    const facts = factsOf(shrunk.v, shrunk.symbolic, fleet);
    const file = fixtureName('server-died', d.index, seed);
    if (file)
      await writeFindingFixture(file, {
        run: shrunk.v.run,
        stepIndex: shrunk.v.step,
        facts,
        seed,
        path,
        message: shrunk.v.message,
        extra: { unshrunk: { readable, step: d.step + 1, ...(unshrunkFile ? { fixture: unshrunkFile } : {}) } },
      });
    pushFinding({
      kind: 'server-died',
      server: server.name,
      address: facts.server.address,
      profile: server.profile.name,
      message: shrunk.v.message,
      scenario: shrunk.symbolic,
      seed,
      path,
      explainedBy: [],
      readable: instantiate(shrunk.symbolic, 'p_').map(describeStep),
      step: facts.step,
      sent: facts.sent,
      expected: facts.expected,
      expectedBy: facts.expectedBy,
      statement: findingStatement(facts),
      unshrunk,
      ...(file ? { fixture: file } : {}),
    });
  }

  try {
    for (let round = 0; ; round++) {
      const remaining = config.budgetMs - (Date.now() - started);
      if (remaining <= 0) break;
      const seed = (config.seed + round) | 0;
      const property = fc.asyncProperty(scenarioArb(genProfile, { maxSteps: config.maxSteps ?? 24 }), runOne);
      const details = await fc.check(property, { seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: remaining, markInterruptAsFailure: false });
      if (!details.failed) break;
      let counterexample = details.counterexample?.[0];
      let path = details.counterexamplePath ?? undefined;
      // Keep shrinking from where the budgeted run stopped (never against a dead server).
      if (path !== undefined && deadForGood.size === 0) {
        const more = await fc.check(property, { seed, path, endOnFailure: false, interruptAfterTimeLimit: config.shrinkBudgetMs ?? 30_000 });
        if (more.failed && more.counterexample) {
          counterexample = more.counterexample[0];
          path = more.counterexamplePath ?? path;
        }
      }
      if (death) {
        await reportDeath(death, deathOnly ? counterexample : undefined, seed, path);
        break;
      }
      if (!counterexample) break;
      // Re-run the minimal scenario once to get its verdict.
      const verdict = await verdictOf(counterexample);
      if (death) {
        await reportDeath(death, undefined, seed, path);
        break;
      }
      if (!verdict) {
        const message = `failure did not reproduce on re-run (flaky): ${errorText(details.errorInstance)}`;
        const readable = instantiate(counterexample, 'p_').map(describeStep);
        const ref: ServerRef = { name: servers.map((s) => s.name).join(','), address: servers.map((_, i) => fleet.address(i)).join(','), profile: '-' };
        const facts: FindingFacts = {
          kind: 'harness',
          server: ref,
          step: counterexample.length,
          steps: counterexample.length,
          stepText: readable.at(-1) ?? '(none)',
          sent: [],
          expected: [],
          expectedBy: '',
          explainedBy: [],
          error: message,
        };
        pushFinding({
          kind: 'harness',
          server: ref.name,
          address: ref.address,
          profile: '-',
          message,
          scenario: counterexample,
          seed,
          path,
          explainedBy: [],
          readable,
          step: facts.step,
          sent: [],
          expected: [],
          expectedBy: '',
          statement: findingStatement(facts),
        });
        break;
      }
      const idx = verdict.index;
      if (verdict.upTo > 0) counterexample = counterexample.slice(0, verdict.upTo);
      const recorded = await recordFinding(verdict, counterexample, seed, path);
      if (death) {
        await reportDeath(death, undefined, seed, path);
        break;
      }
      const f = recorded.facts;
      pushFinding({
        kind: verdict.kind,
        server: verdict.server.name,
        address: f.server.address,
        profile: verdict.server.profile.name,
        message: verdict.message,
        scenario: counterexample,
        seed,
        path,
        explainedBy: verdict.explainedBy,
        readable: instantiate(counterexample, 'p_').map(describeStep),
        step: f.step,
        sent: f.sent,
        expected: f.expected,
        expectedBy: f.expectedBy,
        ...(f.other ? { other: f.other } : {}),
        statement: findingStatement(f),
        ...(recorded.fixture ? { fixture: recorded.fixture, fixtureReproduced: recorded.reproduced } : {}),
      });
      // A divergence explained by quirks is accepted and the hunt goes on for the next one.
      if (verdict.kind === 'divergence' && verdict.explainedBy.length > 0 && idx > 0) {
        for (const q of verdict.explainedBy) accepted[idx]!.add(q);
        continue;
      }
      break;
    }
  } finally {
    await fleet.close();
  }

  const elapsedMs = Date.now() - started;
  return {
    seed: config.seed,
    scenarios,
    elapsedMs,
    perServer: stats.map((s) => ({ ...s, busyMs: Math.round(s.busyMs), perSecond: s.busyMs > 0 ? Math.round((s.scenarios / s.busyMs) * 1000 * 10) / 10 : 0 })),
    findings,
  };
}

/** `run` as if it had stopped after `steps` steps (the fixture of a scenario cut after its failing step). */
function cutRun(run: RecordedRun, steps: number): RecordedRun {
  const end = run.stepStarts.get(steps) ?? run.items.length;
  return { ...run, steps: run.steps.slice(0, steps), items: run.items.slice(0, end), stepStarts: new Map([...run.stepStarts].filter(([i]) => i < steps)) };
}

/** What a server that died was expected to do instead. */
const DIED_EXPECTATION = { expected: ['an answer, and the server still accepting connections'], expectedBy: 'the fuzzer' } as const;

/** The death a failed run stands for; a run that could not even connect blames the scenario before it. */
function deathOf(v: Verdict, symbolic: readonly Step[], previous: { symbolic: readonly Step[]; runs: readonly (RecordedRun | undefined)[] } | undefined): Death {
  const before = previous?.runs[v.index];
  if (v.run.items.length === 0 && previous && before) {
    const last = Math.max(0, ...before.stepStarts.keys());
    return {
      index: v.index,
      address: v.address,
      symbolic: previous.symbolic,
      run: before,
      step: last,
      error: `the next scenario's first connection was refused: the server died after this scenario's last step, when its connections closed (${v.error ?? v.message})`,
    };
  }
  return { index: v.index, address: v.address, symbolic, run: v.run, step: v.step, error: v.error ?? v.message };
}

/** The fields every verdict about server `i`'s `run` shares. */
function failureBase(server: FuzzServer, i: number, run: RecordedRun, address: string): Omit<Verdict, 'kind' | 'message' | 'step' | 'upTo'> {
  return { index: i, server, address, explainedBy: [], sent: [], expected: [], expectedBy: '', run };
}

/**
 * Judges one run of server `i`: a death, a harness problem, a mismatch against its own model, or
 * (after the first server) a divergence from the baseline's model with its declared choices.
 */
function judge(
  i: number,
  steps: readonly Step[],
  run: RecordedRun,
  died: boolean,
  address: string,
  servers: readonly FuzzServer[],
  hybrid: (i: number) => ModelProfile,
  acceptedQuirks: Iterable<keyof ModelQuirks>,
  baseline: { readonly index: number; readonly address: string; readonly observed: Observed | undefined } | undefined,
): Verdict | undefined {
  const server = servers[i]!;
  const result = run.result;
  const base = failureBase(server, i, run, address);
  if (result.error) {
    const step = Math.max(0, Math.min(result.stepsRun, steps.length) - 1);
    const label = steps[step] ? `${describeStep(steps[step])}: ` : '';
    const error = result.error.startsWith(label) ? result.error.slice(label.length) : result.error;
    return { ...base, kind: died ? 'server-died' : 'harness', message: result.error, error, step, upTo: result.stepsRun, ...(died ? DIED_EXPECTATION : {}) };
  }
  if (result.mismatch) {
    const step = steps.indexOf(result.mismatch.step);
    return {
      ...base,
      kind: 'mismatch',
      message: result.mismatch.message,
      step,
      upTo: step + 1,
      sent: result.mismatch.actual,
      expected: result.mismatch.expected,
      expectedBy: `the model ${server.profile.name}`,
    };
  }
  if (servers.length > 1 && i > 0) {
    const d = offlineCheck(hybrid(i), result.observed);
    if (!d) return undefined;
    const step = steps.indexOf(d.step);
    const quirks = [...acceptedQuirks];
    const seen = baseline?.observed?.find((o) => o.step === d.step);
    return {
      ...base,
      kind: 'divergence',
      message: d.message,
      step,
      upTo: step + 1,
      sent: d.actual,
      expected: d.expected,
      expectedBy: `the model of ${servers[0]!.name} (${servers[0]!.profile.name}) with ${server.name}'s declared alternatives${quirks.length ? ` and the quirks already accepted for it (${quirks.join(', ')})` : ''}`,
      explainedBy: explain(servers[0]!.profile, server.profile, hybrid(i), result.observed),
      // The baseline ran the same steps (same names): its answer, in readable names.
      ...(baseline ? { other: { index: baseline.index, address: baseline.address, sent: seen ? describeSlots(seen.seen).map((x) => readableNames(x, run.prefix)) : [] } } : {}),
    };
  }
  return undefined;
}

/** Same kind of difference at the same step, with the same packets (handles and run names aside). */
function sameDifference(a: Verdict, b: Verdict): boolean {
  const norm = (v: Verdict): string => JSON.stringify(v.sent.map((s) => readableNames(s, v.run.prefix).replace(HANDLE_PATTERN, 'H:*')));
  return a.kind === b.kind && a.step === b.step && (a.kind === 'harness' || a.kind === 'server-died' || norm(a) === norm(b));
}

/** A verdict as facts in readable names, for the statement, the JSON and the fixture. */
function factsOf(v: Verdict, scenario: readonly Step[], fleet: Fleet, symbolic = true): FindingFacts {
  const p = (s: string): string => readableNames(s, v.run.prefix);
  const readable = symbolic ? instantiate(scenario, 'p_').map(describeStep) : scenario.map((s) => p(describeStep(s)));
  return {
    kind: v.kind,
    server: { ...fleet.ref(v.index), address: v.address },
    step: v.step + 1,
    steps: scenario.length,
    stepText: readable[v.step] ?? '(setup)',
    sent: v.sent.map(p),
    expected: v.expected.map(p),
    expectedBy: v.expectedBy,
    ...(v.other ? { other: { ...fleet.ref(v.other.index), address: v.other.address, sent: v.other.sent.map(p) } } : {}),
    explainedBy: v.explainedBy,
    ...(v.error !== undefined ? { error: p(v.error) } : {}),
  };
}

/**
 * Runs concrete steps on every server in turn and throws a FuzzFailure at the first one that
 * dies, breaks the harness, breaks its own model (mismatch), or, after the first server, the
 * baseline's model with its declared choices (divergence, named by the quirks that explain it).
 */
function scenarioChecker(
  servers: readonly FuzzServer[],
  fleet: Fleet,
  hybrid: (i: number) => ModelProfile,
  acceptedOf: (i: number) => Iterable<keyof ModelQuirks>,
  stats?: { scenarios: number; busyMs: number }[],
): (steps: readonly Step[], prefix: string, runs: (RecordedRun | undefined)[]) => Promise<void> {
  return async (steps, prefix, runs) => {
    let baselineObserved: Observed | undefined;
    for (let i = 0; i < servers.length; i++) {
      const server = servers[i]!;
      const t0 = performance.now();
      const { run, died, address } = await fleet.run(i, steps, prefix, server.profile);
      runs[i] = run;
      if (stats) {
        stats[i]!.busyMs += performance.now() - t0;
        stats[i]!.scenarios++;
      }
      if (i === 0) baselineObserved = run.result.observed;
      const verdict = judge(i, steps, run, died, address, servers, hybrid, acceptedOf(i), i > 0 ? { index: 0, address: fleet.address(0), observed: baselineObserved } : undefined);
      if (verdict) throw new FuzzFailure(verdict);
    }
  };
}

interface ScenarioVerdict {
  readonly kind: FindingKind;
  readonly server: string;
  readonly message: string;
  readonly explainedBy: readonly (keyof ModelQuirks)[];
  /** The difference in words. */
  readonly statement: string;
}

/**
 * Differential check of one concrete scenario (e.g. a recorded finding's `.scenario.json`, its
 * names made unique with `runId`): undefined when every server agrees with the first one up to
 * declared alternatives.
 */
export async function checkScenarioOnce(
  servers: readonly FuzzServer[],
  steps: readonly Step[],
  runId: string,
  options: { readonly timeoutMs?: number; readonly accepted?: readonly (readonly (keyof ModelQuirks)[])[] } = {},
): Promise<ScenarioVerdict | undefined> {
  const fleet = new Fleet(servers, options.timeoutMs ?? 3000);
  const baseline = servers[0]!.profile;
  const acceptedOf = (i: number): readonly (keyof ModelQuirks)[] => options.accepted?.[i] ?? [];
  try {
    await scenarioChecker(servers, fleet, (i) => hybridProfile(baseline, servers[i]!.profile, acceptedOf(i)), acceptedOf)(steps, runId, []);
    return undefined;
  } catch (e) {
    if (!(e instanceof FuzzFailure)) throw e;
    const v = e.verdict;
    const facts = factsOf(v, steps, fleet, false);
    return { kind: v.kind, server: v.server.name, message: v.message, explainedBy: v.explainedBy, statement: findingStatement(facts) };
  } finally {
    await fleet.close();
  }
}

/** The baseline's model with `server`'s declared choices and the quirks accepted for it so far. */
function hybridProfile(baseline: ModelProfile, server: ModelProfile, accepted: Iterable<keyof ModelQuirks>): ModelProfile {
  let p = withChoicesOf(baseline, server);
  for (const q of accepted) p = withQuirkOf(p, server, q);
  return p;
}

/** Which single quirks of `other` (or all of them together) make the hybrid model accept the observations. */
function explain(baseline: ModelProfile, other: ModelProfile, hybrid: ModelProfile, observed: Observed): (keyof ModelQuirks)[] {
  const differing = QUIRKS.filter((q) => baseline.quirks[q] !== other.quirks[q] && hybrid.quirks[q] !== other.quirks[q]);
  const single = differing.filter((q) => offlineCheck(withQuirkOf(hybrid, other, q), observed) === undefined);
  if (single.length > 0) return single.slice(0, 1);
  let all = hybrid;
  for (const q of differing) all = withQuirkOf(all, other, q);
  if (offlineCheck(all, observed) !== undefined) return [];
  // Greedy minimal subset: drop quirks not needed.
  const needed = [...differing];
  for (const q of differing) {
    const without = needed.filter((x) => x !== q);
    let p = hybrid;
    for (const x of without) p = withQuirkOf(p, other, x);
    if (offlineCheck(p, observed) === undefined) needed.splice(needed.indexOf(q), 1);
  }
  return needed;
}

/** A finding for the console: the statement first, then how to repeat it, then the scenario with the step marked. */
export function formatFinding(f: FuzzFinding, n: number): string {
  const head =
    f.kind === 'divergence' ? `divergence on ${f.server}${f.explainedBy.length ? ` - undeclared divergence, model quirk: ${f.explainedBy.join(', ')}` : ' - unexplained'}` : `${f.kind} on ${f.server}`;
  const lines = [`finding #${n}: ${head} (model ${f.profile})`, `  ${f.statement}`];
  if (f.notShrunk) lines.push(`  not shrunk: ${f.notShrunk}`);
  lines.push(`  seed ${f.seed}${f.path ? ` path ${f.path}` : ''}`);
  if (f.fixture) lines.push(`  fixture ${f.fixture}`, `    replay: gearspec replay ${f.fixture} --server ${f.address}`);
  const scenarioLines = (readable: readonly string[], step: number): string[] => readable.map((l, i) => `    ${String(i + 1).padStart(2)}. ${l}${i + 1 === step ? '   <- here' : ''}`);
  const shrunkNote = f.kind === 'server-died' && f.notShrunk ? 'scenario as it ran (not shrunk)' : 'minimal scenario';
  lines.push(`  ${shrunkNote}:`, ...scenarioLines(f.readable, f.step));
  if (f.unshrunk && f.unshrunk.readable !== f.readable) {
    lines.push(`  the scenario that first killed it, as it ran (${f.unshrunk.readable.length} steps, died at step ${f.unshrunk.step})${f.unshrunk.fixture ? `: ${f.unshrunk.fixture}` : ''}`);
  }
  return lines.join('\n');
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0]! : String(e));
