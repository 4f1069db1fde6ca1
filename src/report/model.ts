/**
 * Shared report helpers: per-section counts and the ordering every writer uses (sections as
 * numeric tuples, then catalogue order within a section).
 */
import { OUTCOMES, type Outcome } from '../runner/outcome.js';
import type { CaseResult, ServerRun } from '../runner/result.js';

export type Counts = Record<Outcome, number>;

export const emptyCounts = (): Counts => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Counts;

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

export function countsBySection(results: readonly CaseResult[]): [string, Counts][] {
  const m = new Map<string, Counts>();
  for (const r of results) {
    const c = m.get(r.section) ?? emptyCounts();
    c[r.outcome]++;
    m.set(r.section, c);
  }
  return [...m.entries()].sort(([a], [b]) => compareSections(a, b));
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
