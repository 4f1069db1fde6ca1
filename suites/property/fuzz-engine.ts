/**
 * The model-based fuzzer behind `gearspec fuzz` and the property suites. fast-check generates
 * scenarios (seeded, so every run repeats with --seed), each runs on every target server and is
 * checked step by step against the target's profile. With several servers it is differential:
 * each server is also checked against the first server's model with only the *declared*
 * alternatives switched to its own choices, so a divergence no alternative explains is reported
 * as a finding, named by the model quirk that explains it. Failures are shrunk by fast-check and
 * the minimal counterexample is written as a replayable fixture.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describeStep, type Step } from '../../src/model/actions.js';
import { intersect, type ModelProfile, type ModelQuirks, withChoicesOf, withQuirkOf } from '../../src/model/profiles.js';
import { ScenarioRunner, type ScenarioResult } from '../../src/model/run-scenario.js';
import { instantiate, scenarioArb } from './scenario-arb.js';
import { offlineCheck, type Observed } from './offline-check.js';
import { writeShrunkFixture } from './shrunk-fixture.js';

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
}

export interface FuzzConfig {
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
}

export type FindingKind = 'mismatch' | 'divergence' | 'harness';

export interface FuzzFinding {
  readonly kind: FindingKind;
  readonly server: string;
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
  readonly server: FuzzServer;
  readonly message: string;
  readonly explainedBy: (keyof ModelQuirks)[];
  /** Steps up to and including the failing one (later steps cannot matter). */
  readonly upTo: number;
}

class FuzzFailure extends Error {
  constructor(readonly verdict: Verdict) {
    super(`${verdict.kind} on ${verdict.server.name}: ${verdict.message}`);
  }
}

/** Every quirk, tried one at a time to name a divergence (the record makes the list exhaustive). */
const QUIRK_SET: Readonly<Record<keyof ModelQuirks, true>> = {
  sleepers: true, wakeOn: true, abandoned: true, staleQueueNoop: true, exceptionFailArg: true, epochTake: true, wakeForFutureEpoch: true, bgSparesAbandoned: true, requeueWakesSelf: true, joinRevivesAbandoned: true, echoDropsZero: true, lateResultFromEnder: true,
};
const QUIRKS = Object.keys(QUIRK_SET) as (keyof ModelQuirks)[];

let runCounter = 0;
const runPrefix = (): string => `r${process.pid.toString(36)}${(++runCounter).toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}_`;

export async function fuzz(config: FuzzConfig): Promise<FuzzResult> {
  const log = config.log ?? (() => undefined);
  const servers = config.servers;
  if (servers.length === 0) throw new Error('fuzz: no server given');
  const baseline = servers[0]!.profile;
  const supported = servers.map((s) => s.profile.supported).reduce(intersect);
  const genProfile: ModelProfile = { ...baseline, supported };
  const runners = servers.map((s) => new ScenarioRunner({ host: s.host, port: s.port }));
  const stats = servers.map((s) => ({ name: s.name, scenarios: 0, busyMs: 0 }));
  // Quirks accepted so far per server (differential mode), so one divergence is reported once.
  const accepted = servers.map(() => new Set<keyof ModelQuirks>());
  const findings: FuzzFinding[] = [];
  const started = Date.now();
  let scenarios = 0;

  const hybrid = (i: number): ModelProfile => hybridProfile(baseline, servers[i]!.profile, accepted[i]!);

  const check = scenarioChecker(servers, runners, hybrid, config.timeoutMs, stats);
  const runOne = async (symbolic: readonly Step[]): Promise<void> => {
    scenarios++;
    const prefix = runPrefix();
    await check(instantiate(symbolic, prefix), prefix);
  };

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
      // Keep shrinking from where the budgeted run stopped.
      if (path !== undefined) {
        const more = await fc.check(property, { seed, path, endOnFailure: false, interruptAfterTimeLimit: config.shrinkBudgetMs ?? 30_000 });
        if (more.failed && more.counterexample) {
          counterexample = more.counterexample[0];
          path = more.counterexamplePath ?? path;
        }
      }
      if (!counterexample) break;
      // Re-run the minimal scenario once to get its verdict (and, with outDir, its fixture).
      const verdict = await verdictOf(counterexample);
      if (!verdict) {
        findings.push({ kind: 'harness', server: servers.map((s) => s.name).join(','), profile: '-', message: `failure did not reproduce on re-run (flaky): ${errorText(details.errorInstance)}`, scenario: counterexample, seed, path, explainedBy: [], readable: instantiate(counterexample, 'p_').map(describeStep) });
        break;
      }
      const idx = servers.indexOf(verdict.server);
      if (verdict.upTo > 0) counterexample = counterexample.slice(0, verdict.upTo);
      let fixture: string | undefined;
      if (config.outDir) {
        fixture = join(config.outDir, `${verdict.kind}-${verdict.server.name.replace(/[^A-Za-z0-9._-]+/g, '_')}-seed${seed}-${findings.length + 1}.fixture.jsonl`);
        const fx = verdict.server.fresh ? await verdict.server.fresh() : undefined;
        try {
          await writeShrunkFixture(fixture, { server: fx ? { ...verdict.server, host: fx.host, port: fx.port } : verdict.server, steps: instantiate(counterexample, runPrefix()), seed, path, description: `${verdict.kind} on ${verdict.server.name} (${verdict.server.profile.name}): ${verdict.message.split('\n')[0]}`, message: verdict.message, timeoutMs: config.timeoutMs ?? 3000, ...(idx > 0 ? { acceptedQuirks: [...accepted[idx]!] } : {}) });
        } finally {
          await fx?.stop();
        }
      }
      const readable = instantiate(counterexample, 'p_').map(describeStep);
      const finding: FuzzFinding = { kind: verdict.kind, server: verdict.server.name, profile: verdict.server.profile.name, message: verdict.message, scenario: counterexample, seed, path, explainedBy: verdict.explainedBy, readable, ...(fixture ? { fixture } : {}) };
      findings.push(finding);
      log(formatFinding(finding, findings.length));
      // A divergence explained by quirks is accepted and the hunt goes on for the next one.
      if (verdict.kind === 'divergence' && verdict.explainedBy.length > 0 && idx > 0) {
        for (const q of verdict.explainedBy) accepted[idx]!.add(q);
        continue;
      }
      break;
    }
  } finally {
    await Promise.all(runners.map((r) => r.close()));
  }

  async function verdictOf(symbolic: readonly Step[]): Promise<Verdict | undefined> {
    try {
      await runOne(symbolic);
      return undefined;
    } catch (e) {
      if (e instanceof FuzzFailure) return e.verdict;
      throw e;
    }
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

/**
 * Runs concrete steps on every server in turn and throws a FuzzFailure at the first one that
 * breaks its own model (mismatch), the harness (harness), or, after the first server, the
 * baseline's model with its declared choices (divergence, named by the quirks that explain it).
 */
function scenarioChecker(
  servers: readonly FuzzServer[],
  runners: readonly ScenarioRunner[],
  hybrid: (i: number) => ModelProfile,
  timeoutMs = 3000,
  stats?: { scenarios: number; busyMs: number }[],
): (steps: readonly Step[], runId: string) => Promise<void> {
  const baseline = servers[0]!.profile;
  return async (steps, runId) => {
    for (let i = 0; i < servers.length; i++) {
      const server = servers[i]!;
      const t0 = performance.now();
      const result: ScenarioResult = await withServer(server, runners[i]!, (runner) => runner.run(steps, { profile: server.profile, runId, timeoutMs }));
      if (stats) {
        stats[i]!.busyMs += performance.now() - t0;
        stats[i]!.scenarios++;
      }
      if (result.error) throw new FuzzFailure({ kind: 'harness', server, message: result.error, explainedBy: [], upTo: result.stepsRun });
      if (result.mismatch) throw new FuzzFailure({ kind: 'mismatch', server, message: result.mismatch.message, explainedBy: [], upTo: steps.indexOf(result.mismatch.step) + 1 });
      if (servers.length > 1 && i > 0) {
        const d = offlineCheck(hybrid(i), result.observed);
        if (d) throw new FuzzFailure({ kind: 'divergence', server, message: d.message, explainedBy: explain(baseline, server.profile, hybrid(i), result.observed), upTo: steps.indexOf(d.step) + 1 });
      }
    }
  };
}

export interface ScenarioVerdict {
  readonly kind: FindingKind;
  readonly server: string;
  readonly message: string;
  readonly explainedBy: readonly (keyof ModelQuirks)[];
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
  const runners = servers.map((s) => new ScenarioRunner({ host: s.host, port: s.port }));
  const baseline = servers[0]!.profile;
  try {
    await scenarioChecker(servers, runners, (i) => hybridProfile(baseline, servers[i]!.profile, options.accepted?.[i] ?? []), options.timeoutMs)(steps, runId);
    return undefined;
  } catch (e) {
    if (!(e instanceof FuzzFailure)) throw e;
    const v = e.verdict;
    return { kind: v.kind, server: v.server.name, message: v.message, explainedBy: v.explainedBy };
  } finally {
    await Promise.all(runners.map((r) => r.close()));
  }
}

/** The baseline's model with `server`'s declared choices and the quirks accepted for it so far. */
function hybridProfile(baseline: ModelProfile, server: ModelProfile, accepted: Iterable<keyof ModelQuirks>): ModelProfile {
  let p = withChoicesOf(baseline, server);
  for (const q of accepted) p = withQuirkOf(p, server, q);
  return p;
}

async function withServer<R>(server: FuzzServer, shared: ScenarioRunner, fn: (runner: ScenarioRunner) => Promise<R>): Promise<R> {
  if (!server.fresh) return fn(shared);
  const inst = await server.fresh();
  const runner = new ScenarioRunner({ host: inst.host, port: inst.port });
  try {
    return await fn(runner);
  } finally {
    await runner.close();
    await inst.stop();
  }
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

export function formatFinding(f: FuzzFinding, n: number): string {
  const lines = [
    `finding #${n}: ${f.kind} on ${f.server} (${f.profile})${f.explainedBy.length ? ` - undeclared divergence, model quirk: ${f.explainedBy.join(', ')}` : ''}`,
    `  seed ${f.seed}${f.path ? ` path ${f.path}` : ''}${f.fixture ? `\n  fixture ${f.fixture}` : ''}`,
    '  minimal scenario:',
    ...f.readable.map((l) => `    ${l}`),
    `  at the last step: ${f.message.split('\n').slice(1).join('\n  ')}`,
  ];
  return lines.join('\n');
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0]! : String(e));
