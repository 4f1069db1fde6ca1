/**
 * Run one case on fresh connections with a watchdog, and grade what happened:
 *  - run() returned a verdict → that verdict (checked against the case's declared outcomes);
 *  - CaseFailure / a typed transport error → fail (non-strict for SHOULD, informational for INFO);
 *  - Unsupported → unsupported when the case allows it, else fail;
 *  - any other exception → harness-error: our bug, never blamed on the server;
 *  - any packet breaking the protocol table → fail, whatever the case concluded.
 */
import { within } from '../deadline.js';
import { isGearspecError } from '../errors.js';
import type { CaseDef, CaseVerdict } from './case-def.js';
import { RunContext, type Target } from './context.js';
import { CaseFailure, Unsupported } from './failures.js';
import type { FeatureName, FeatureSupport } from './features.js';
import { isPassing, type Outcome } from './outcome.js';
import type { WireLog } from '../transport/wire-log.js';
import { transportFailure } from './probe.js';
import type { CaseResult } from './result.js';

interface CaseRunOptions {
  readonly target: Target;
  readonly timeoutMs: number;
  readonly quietMs: number;
  readonly strict: boolean;
  readonly features: Readonly<Partial<Record<FeatureName, FeatureSupport>>>;
  /** Prefix for names private to this case. */
  readonly prefix: string;
  /** Restart the server and return where it answers (for cases with `restartsServer`). */
  readonly restart?: () => Promise<Target>;
}

type Raw =
  | { readonly kind: 'verdict'; readonly verdict: CaseVerdict }
  | { readonly kind: 'failure'; readonly failure: CaseFailure }
  | { readonly kind: 'unsupported'; readonly error: Unsupported }
  | { readonly kind: 'watchdog'; readonly ms: number }
  | { readonly kind: 'harness'; readonly error: unknown };

/** What a restart may add to a case's wall-clock ceiling: the container start deadline, and some. */
const RESTART_ALLOWANCE_MS = 200_000;

/** Wall-clock ceiling for a case: its read budget plus any deliberate waiting. */
export function caseBudgetMs<C>(c: CaseDef<C>, timeoutMs: number): number {
  return (c.budgetReads ?? 8) * timeoutMs + (c.extraMs ?? 0) + 1000;
}

export async function runCase(c: CaseDef, options: CaseRunOptions): Promise<CaseResult> {
  const missing = (c.requires ?? []).filter((f) => options.features[f] === 'unsupported');
  if (missing.length > 0) {
    return { ...describeCase(c), outcome: 'unsupported', durationMs: 0, detail: `server does not implement ${missing.join(', ')}`, violations: [], wire: [] };
  }
  if (c.restartsServer && !options.restart) {
    const detail = 'gearspec has no way to restart this server: certify a --peer it starts, or give --restart-cmd CMD';
    return { ...describeCase(c), outcome: 'unsupported', durationMs: 0, detail, violations: [], wire: [] };
  }
  const ctx = new RunContext(options.target, options.timeoutMs, options.quietMs, options.features, options.prefix, c.restartsServer ? options.restart : undefined);
  return runCaseIn(c, ctx, {
    timeoutMs: options.timeoutMs,
    strict: options.strict,
    // A restart has its own deadlines (a container start may take minutes on a loaded machine).
    ...(c.restartsServer && { extraMs: RESTART_ALLOWANCE_MS }),
    violationLabel: 'server sent a packet that breaks the protocol table',
    violationExpected: "every server packet has \\0RES magic, a known response type and the table's argument count",
  });
}

/** What the runner needs from a case's context besides what the case itself uses. */
export interface HarnessContext {
  readonly log: WireLog;
  readonly violations: readonly string[];
  note(text: string): void;
  /** Read what the peer sent but the case never read, so the packet check sees it too. */
  drain(): Promise<void>;
  /** Close everything the case opened; pending reads end. Idempotent. */
  closeAll(): void | Promise<void>;
  /** Logs of the peers the case ran (attached to failed results). */
  peerLogs?(): string;
}

interface GradeOptions {
  readonly timeoutMs: number;
  readonly strict: boolean;
  /** How a packet-table violation is named in the result (server- or library-side). */
  readonly violationLabel: string;
  readonly violationExpected: string;
  /** Wall-clock allowance on top of the case's own budget (e.g. starting a driver). */
  readonly extraMs?: number;
}

const describeCase = <C>(c: CaseDef<C>) => ({ id: c.id, section: c.section, level: c.level, requirement: c.requirement, description: c.description });

/** Run one case on a prepared context under its watchdog, then grade it (see the file comment). */
export async function runCaseIn<C>(c: CaseDef<C>, ctx: C & HarnessContext, options: GradeOptions): Promise<CaseResult> {
  const started = performance.now();
  const base = describeCase(c);
  const budget = caseBudgetMs(c, options.timeoutMs) + (options.extraMs ?? 0);
  const work = (async (): Promise<Raw> => {
    try {
      return { kind: 'verdict', verdict: await c.run(ctx) };
    } catch (e) {
      if (e instanceof CaseFailure) return { kind: 'failure', failure: e };
      if (e instanceof Unsupported) return { kind: 'unsupported', error: e };
      if (isGearspecError(e)) {
        const f = transportFailure(e);
        if (f) return { kind: 'failure', failure: f };
      }
      return { kind: 'harness', error: e };
    }
  })();
  const raw: Raw = (await within(work, budget)) ?? { kind: 'watchdog', ms: budget };
  if (raw.kind === 'watchdog') {
    ctx.note(`watchdog: case still running after ${budget} ms; closing its connections`);
    await ctx.closeAll();
    // The case's reads now end with `closed`; wait for it to unwind, bounded.
    await within(work, 1000);
  } else {
    await ctx.drain().catch(() => undefined);
    await ctx.closeAll();
  }
  const durationMs = Math.round(performance.now() - started);
  const graded = grade(c, raw, options.strict);
  const violations = [...ctx.violations];
  const wire = ctx.log.entries;
  const logs = ctx.peerLogs?.();
  const withLogs = (r: CaseResult): CaseResult => (logs && !isPassing(r.outcome) ? { ...r, logs } : r);
  if (violations.length > 0 && graded.outcome !== 'harness-error') {
    return withLogs({
      ...base,
      outcome: 'fail',
      durationMs,
      detail: `${options.violationLabel}: ${violations[0]}`,
      expected: [options.violationExpected],
      actual: violations.join('; '),
      violations,
      wire,
    });
  }
  return withLogs({ ...base, ...graded, durationMs, violations, wire });
}

type Graded = Pick<CaseResult, 'outcome' | 'detail'> & Partial<Pick<CaseResult, 'alternative' | 'expected' | 'actual'>>;

/** What a failure of `c` is graded: fail (MUST), non-strict (SHOULD unless --strict), informational (INFO). */
export function failureOutcome<C>(c: CaseDef<C>, strict: boolean): Outcome {
  switch (c.level) {
    case 'MUST':
      return 'fail';
    case 'SHOULD':
      return strict ? 'fail' : 'non-strict';
    case 'INFO':
      return 'informational';
  }
}

function grade<C>(c: CaseDef<C>, raw: Raw, strict: boolean): Graded {
  switch (raw.kind) {
    case 'verdict':
      return gradeVerdict(c, raw.verdict, strict);
    case 'failure':
      return { outcome: failureOutcome(c, strict), detail: `expected ${raw.failure.expected.join(' | ')}; actual ${raw.failure.actual}`, expected: raw.failure.expected, actual: raw.failure.actual };
    case 'unsupported': {
      const allowed = c.outcomes.some((o) => o.outcome === 'unsupported') || (c.requires?.length ?? 0) > 0;
      if (allowed) return { outcome: 'unsupported', detail: raw.error.message };
      const expected = c.outcomes.map((o) => o.when);
      return { outcome: failureOutcome(c, strict), detail: `required feature missing: ${raw.error.message}`, expected, actual: raw.error.message };
    }
    case 'watchdog': {
      const expected = c.outcomes.map((o) => o.when);
      return { outcome: failureOutcome(c, strict), detail: `case did not finish within ${raw.ms} ms (server hang?)`, expected, actual: `no conclusion within ${raw.ms} ms` };
    }
    case 'harness': {
      const err = raw.error;
      const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return { outcome: 'harness-error', detail: `gearspec error (not the server's fault): ${text}`, actual: err instanceof Error && err.stack ? err.stack.split('\n').slice(0, 4).join(' | ') : text };
    }
  }
}

/** A verdict must be one the case declared; an undeclared alternative is a harness bug. */
function gradeVerdict<C>(c: CaseDef<C>, v: CaseVerdict, strict: boolean): Graded {
  switch (v.outcome) {
    case 'pass':
      return { outcome: 'pass', detail: v.detail ?? 'as required' };
    case 'pass-alternative': {
      const declared = c.outcomes.some((o) => o.outcome === 'pass-alternative' && o.alternative === v.alternative && o.choice === v.choice);
      if (!declared) return { outcome: 'harness-error', detail: `case returned undeclared alternative ${v.alternative}=${v.choice}` };
      return { outcome: 'pass-alternative', alternative: { id: v.alternative, choice: v.choice }, detail: v.detail ?? `${v.alternative}: ${v.choice}` };
    }
    case 'informational':
      return { outcome: 'informational', detail: v.detail };
    case 'unsupported':
      if (c.outcomes.some((o) => o.outcome === 'unsupported')) return { outcome: 'unsupported', detail: v.detail };
      return { outcome: failureOutcome(c, strict), detail: v.detail, expected: c.outcomes.map((o) => o.when), actual: v.detail };
  }
}
