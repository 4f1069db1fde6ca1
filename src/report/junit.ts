/**
 * JUnit XML: one <testsuite> per server and protocol section, one <testcase>
 * per case id. fail → <failure>, harness-error → <error>, unsupported/skipped → <skipped>;
 * a baselined failure is <skipped> with its reason; a stale entry is a <failure>.
 */
import type { Outcome } from '../runner/outcome.js';
import type { CaseResult, ServerRun } from '../runner/result.js';
import { compareSections } from './model.js';
import { esc } from './xml.js';

type Kind = 'ok' | 'failure' | 'error' | 'skipped';

function kindOf(r: CaseResult): Kind {
  if (r.baseline?.stale) return 'failure';
  const o: Outcome = r.outcome;
  switch (o) {
    case 'fail':
      return r.baseline ? 'skipped' : 'failure';
    case 'harness-error':
      return 'error';
    case 'unsupported':
    case 'skipped':
    case 'blocked':
      return 'skipped';
    case 'pass':
    case 'pass-alternative':
    case 'non-strict':
    case 'informational':
      return 'ok';
  }
}

function testcase(server: string, r: CaseResult): string {
  const open = `    <testcase classname="${esc(`${server}.§${r.section}`)}" name="${esc(r.id)}" time="${(r.durationMs / 1000).toFixed(3)}">`;
  const body = (() => {
    const k = kindOf(r);
    switch (k) {
      case 'ok':
        return r.outcome === 'pass' ? '' : `\n      <system-out>${esc(`${r.outcome}: ${r.detail}`)}</system-out>`;
      case 'failure': {
        const msg = r.baseline?.stale ? `stale baseline entry: the case now passes (${r.baseline.reason})` : r.detail;
        const text = r.baseline?.stale ? r.requirement : `${r.requirement}\nExpected:\n${(r.expected ?? []).map((e) => `  ${e}`).join('\n')}\nActual:\n  ${r.actual ?? r.detail}`;
        const logs = r.logs && !r.baseline?.stale ? `\n      <system-err>${esc(r.logs.slice(-20_000))}</system-err>` : '';
        return `\n      <failure message="${esc(msg)}" type="${r.baseline?.stale ? 'stale-baseline' : 'fail'}">${esc(text)}</failure>${logs}`;
      }
      case 'error':
        return `\n      <error message="${esc(r.detail)}" type="harness-error">${esc(r.actual ?? '')}</error>`;
      case 'skipped':
        return `\n      <skipped message="${esc(r.baseline ? `baselined failure: ${r.baseline.reason} (${r.baseline.source})` : `${r.outcome}: ${r.detail}`)}"/>`;
    }
  })();
  return body ? `${open}${body}\n    </testcase>` : `${open}</testcase>`;
}

export function renderJUnit(runs: readonly ServerRun[]): string {
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const run of runs) {
    const bySection = new Map<string, CaseResult[]>();
    for (const r of run.results) bySection.set(r.section, [...(bySection.get(r.section) ?? []), r]);
    for (const [section, rs] of [...bySection.entries()].sort(([a], [b]) => compareSections(a, b))) {
      const k = rs.map(kindOf);
      const f = k.filter((x) => x === 'failure').length;
      const e = k.filter((x) => x === 'error').length;
      const s = k.filter((x) => x === 'skipped').length;
      total += rs.length;
      failures += f;
      errors += e;
      skipped += s;
      const time = rs.reduce((n, r) => n + r.durationMs, 0) / 1000;
      suites.push(
        `  <testsuite name="${esc(`${run.server} §${section}`)}" id="${esc(section)}" package="${esc(run.server)}" tests="${rs.length}" failures="${f}" errors="${e}" skipped="${s}" time="${time.toFixed(3)}" timestamp="${esc(run.startedAt.replace(/Z$/, ''))}">\n${rs.map((r) => testcase(run.server, r)).join('\n')}\n  </testsuite>`,
      );
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gearspec certify" tests="${total}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}
