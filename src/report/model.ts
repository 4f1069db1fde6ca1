/**
 * Shared report helpers: per-section counts and the ordering every writer uses (sections as
 * numeric tuples, then catalogue order within a section).
 */
import { OUTCOMES, type Outcome } from '../runner/outcome.js';
import type { CaseResult, ServerRun } from '../runner/result.js';

type Counts = Record<Outcome, number>;

const emptyCounts = (): Counts => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Counts;

/** "4.10" → [4, 10]; compares numerically. */
export function compareSections(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

export function totals(results: readonly CaseResult[]): Counts {
  const c = emptyCounts();
  for (const r of results) c[r.outcome]++;
  return c;
}

/** Results that need a human: failures (baselined or not), stale entries, harness errors, non-strict. */
export function attention(run: ServerRun): CaseResult[] {
  return run.results.filter((r) => r.outcome === 'fail' || r.outcome === 'harness-error' || r.outcome === 'non-strict' || r.baseline?.stale === true);
}

/** A file-name-safe slug for a server name. */
export const slug = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'server';

/** Every case id across runs, in first-seen (catalogue) order. */
export function caseIds(runs: readonly ServerRun[]): CaseResult[] {
  const seen = new Map<string, CaseResult>();
  for (const run of runs) for (const r of run.results) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}

/**
 * How a result reads in the human reports: a failure the baseline explains is `baselined` (known,
 * not counted as failed), a stale baseline entry is `stale` whatever its outcome, a failure
 * outside the baseline is `fail`; every other outcome stands as it is.
 */
export type Standing = Outcome | 'baselined' | 'stale';

export const STANDINGS: readonly Standing[] = ['fail', 'stale', 'harness-error', 'baselined', 'non-strict', 'pass', 'pass-alternative', 'unsupported', 'informational', 'skipped', 'blocked'];

export function standing(r: CaseResult): Standing {
  if (r.baseline?.stale) return 'stale';
  if (r.outcome === 'fail' && r.baseline) return 'baselined';
  return r.outcome;
}

type StandingCounts = Record<Standing, number>;

/** Counts by standing: `fail` holds only failures outside the baseline. */
export function standingCounts(results: readonly CaseResult[]): StandingCounts {
  const c = Object.fromEntries(STANDINGS.map((s) => [s, 0])) as StandingCounts;
  for (const r of results) c[standing(r)]++;
  return c;
}
