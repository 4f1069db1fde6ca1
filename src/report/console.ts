/**
 * Console output: the end-of-run summary table (per section, one column per outcome), the list of
 * failures with their spec section (number and title, docs/spec.md), Expected vs Actual and the
 * requirement (h2spec style), and stale baseline entries.
 */
import { specLabel } from '../protocol/spec-sections.js';
import { OUTCOME_SHORT } from '../runner/outcome.js';
import { tally } from '../runner/exit-code.js';
import type { CaseResult, ServerRun } from '../runner/result.js';
import { attention, compareSections, STANDINGS, type Standing, standingCounts } from './model.js';

/** Column labels: a baselined failure and a stale entry get columns of their own, so FAIL counts only new failures. */
const SHORT: Readonly<Record<Standing, string>> = { ...OUTCOME_SHORT, baselined: 'bl', stale: 'STALE' };

/** Rows as aligned columns: the first left-aligned, the others (counts) right-aligned. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

export function renderSummary(run: ServerRun): string {
  const head = ['section', ...STANDINGS.map((o) => SHORT[o]), 'total'];
  const rows: string[][] = [head];
  const bySection = new Map<string, CaseResult[]>();
  for (const r of run.results) bySection.set(r.section, [...(bySection.get(r.section) ?? []), r]);
  for (const [section, rs] of [...bySection.entries()].sort(([a], [b]) => compareSections(a, b))) {
    const c = standingCounts(rs);
    rows.push([`§${section}`, ...STANDINGS.map((o) => (c[o] ? String(c[o]) : '.')), String(rs.length)]);
  }
  const t = standingCounts(run.results);
  rows.push(['all', ...STANDINGS.map((o) => String(t[o])), String(run.results.length)]);
  const lines = [
    `== ${run.server} (${run.address}) — ${run.results.length} cases in ${(run.durationMs / 1000).toFixed(1)} s, per-read timeout ${run.timeoutMs} ms${run.strict ? ', strict' : ''}${run.baselineFile ? `, baseline ${run.baselineFile}` : ''}`,
    table(rows),
  ];
  const need = attention(run);
  if (need.length > 0) {
    lines.push('', 'Needs attention:');
    for (const r of need) {
      const tag = r.baseline?.stale ? 'STALE BASELINE' : r.baseline ? 'fail (baselined)' : r.outcome.toUpperCase();
      lines.push(`  × ${r.id} [${tag}] ${specLabel(r.section)} ${r.level}`);
      lines.push(`      -> ${r.requirement}`);
      if (r.baseline) lines.push(`      baseline: ${r.baseline.reason} (${r.baseline.source})${r.baseline.stale ? ' — the case now passes: remove the entry' : ''}`);
      if (r.expected && !r.baseline?.stale) {
        lines.push('      Expected:');
        for (const e of r.expected) lines.push(`        ${e}`);
        lines.push(`      Actual:\n        ${r.actual ?? r.detail}`);
      } else if (!r.baseline?.stale) lines.push(`      ${r.detail}`);
    }
  }
  if (run.baselineUnused && run.baselineUnused.length > 0) lines.push('', `Baseline entries not run in this selection: ${run.baselineUnused.join(', ')}`);
  return lines.join('\n');
}

/** Several servers: one row per case whose outcome differs between servers, plus totals. */
function renderComparison(runs: readonly ServerRun[]): string {
  if (runs.length < 2) return '';
  const rows: string[][] = [['case', ...runs.map((r) => r.server)]];
  // Only cases that at least two runs share can differ (a client next to a worker shares none).
  const ids = new Set(runs.flatMap((r) => r.results.map((x) => x.id)).filter((id) => runs.filter((r) => r.results.some((x) => x.id === id)).length > 1));
  if (ids.size === 0) return '';
  for (const id of ids) {
    const cells = runs.map((run) => {
      const r = run.results.find((x) => x.id === id);
      if (!r) return '-';
      const base = r.alternative ? `alt:${r.alternative.choice}` : OUTCOME_SHORT[r.outcome];
      return r.baseline && !r.baseline.stale && r.outcome === 'fail' ? `${base}(bl)` : base;
    });
    // Runs without the case (a server next to a library) do not make it differ.
    if (new Set(cells.filter((c) => c !== '-')).size > 1) rows.push([id, ...cells]);
  }
  return [`== comparison: ${rows.length - 1} cases differ between servers`, rows.length > 1 ? table(rows) : '(none)'].join('\n');
}

/** Every run's summary, then the comparison across them (certify's console output, and merge's). */
export function renderRuns(runs: readonly ServerRun[]): string {
  const cmp = renderComparison(runs);
  return `${runs.map((run) => `${renderSummary(run)}\n\n`).join('')}${cmp ? `${cmp}\n\n` : ''}`;
}

/** The closing line: the tally and the exit code it gives. */
export function renderVerdict(command: string, runs: readonly ServerRun[], code: number): string {
  const t = tally(runs);
  return `${command}: ${t.failures} failure(s), ${t.baselined} baselined, ${t.stale} stale baseline entr${t.stale === 1 ? 'y' : 'ies'}, ${t.harnessErrors} harness error(s) → exit ${code}\n`;
}
