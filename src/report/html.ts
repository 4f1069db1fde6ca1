/**
 * A self-contained HTML report (Autobahn's index.html model): the server × case matrix grouped by
 * protocol section (each section shown with its title and linked to gearspec's specification,
 * docs/spec.md), the outcome legend, and for every case and server an expandable block with the
 * requirement, Expected vs Actual and the wire log. No scripts, no external resources.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../package-root.js';
import { SPEC_PATH, specHref, specLabel } from '../protocol/spec-sections.js';
import { OUTCOMES, OUTCOME_LEGEND, OUTCOME_SHORT, type Outcome } from '../runner/outcome.js';
import type { CaseResult, ServerRun } from '../runner/result.js';
import type { WireEntry } from '../transport/wire-log.js';
import { caseIds, compareSections, slug, totals } from './model.js';
import { esc } from './xml.js';

const COLORS: Record<Outcome, string> = {
  pass: '#2e9d47',
  'pass-alternative': '#5bb0d9',
  'non-strict': '#e0b400',
  fail: '#d33a2c',
  unsupported: '#9a9a9a',
  informational: '#8e7cc3',
  skipped: '#d6d6d6',
  blocked: '#8a5a44',
  'harness-error': '#222222',
};

/**
 * Where the report links a case's section to: the file URL of docs/spec.md in this gearspec
 * installation, or the package-relative path when the document is not installed.
 */
export function defaultSpecLocation(): string {
  const root = packageRoot();
  const file = root === undefined ? undefined : join(root, SPEC_PATH);
  return file !== undefined && existsSync(file) ? pathToFileURL(file).href : SPEC_PATH;
}

export interface HtmlOptions {
  /** Where docs/spec.md is for the section links (a path relative to the report, or a URL). Default: defaultSpecLocation(). */
  readonly specLocation?: string;
}

const sectionLink = (section: string, spec: string) => `<a class="spec" href="${esc(specHref(section, spec))}">${esc(specLabel(section))}</a>`;

const anchor = (server: string, id: string) => `d-${slug(server)}-${id.replace(/[^A-Za-z0-9-]/g, '_')}`;

function cellText(r: CaseResult): string {
  if (r.baseline?.stale) return 'STALE';
  const base = r.alternative ? r.alternative.choice : OUTCOME_SHORT[r.outcome];
  return r.baseline && r.outcome === 'fail' ? `${base} (bl)` : base;
}

function wireLog(entries: readonly WireEntry[]): string {
  if (entries.length === 0) return '<p class="muted">(no traffic recorded)</p>';
  const rows = entries.map((e) => {
    const arrow = e.dir === 'send' ? '&gt;&gt;' : e.dir === 'recv' ? '&lt;&lt;' : '--';
    return `<tr class="${e.dir}"><td>${e.t.toFixed(1)}</td><td>${arrow}</td><td>${esc(e.conn ?? '')}</td><td>${esc(e.summary ?? '')}</td><td class="hex">${esc(e.hex ?? '')}</td></tr>`;
  });
  return `<table class="wire"><tr><th>ms</th><th></th><th>conn</th><th>decoded</th><th>bytes (hex)</th></tr>${rows.join('')}</table>`;
}

function detailBlock(server: string, r: CaseResult): string {
  const exp = r.expected ? `<p><b>Expected</b></p><ul>${r.expected.map((e) => `<li>${esc(e)}</li>`).join('')}</ul><p><b>Actual</b>: ${esc(r.actual ?? r.detail)}</p>` : '';
  const bl = r.baseline ? `<p class="bl"><b>Baseline${r.baseline.stale ? ' (STALE: the case now passes)' : ''}</b>: ${esc(r.baseline.reason)} — ${esc(r.baseline.source)}</p>` : '';
  const viol = r.violations.length ? `<p><b>Protocol-table violations</b></p><ul>${r.violations.map((v) => `<li>${esc(v)}</li>`).join('')}</ul>` : '';
  return `<details id="${anchor(server, r.id)}"${r.outcome === 'fail' || r.outcome === 'harness-error' ? ' open' : ''}><summary><span class="dot" style="background:${COLORS[r.outcome]}"></span> ${esc(server)}: <b>${esc(cellText(r))}</b> — ${esc(r.detail)} <span class="muted">(${r.durationMs} ms)</span></summary>${bl}${exp}${viol}${wireLog(r.wire)}${r.logs ? `<details><summary>peer logs</summary><pre class="logs">${esc(r.logs.slice(-20_000))}</pre></details>` : ''}</details>`;
}

export function renderHtml(runs: readonly ServerRun[], title = 'gearspec certify', options: HtmlOptions = {}): string {
  const spec = options.specLocation ?? defaultSpecLocation();
  const cases = caseIds(runs);
  const sections = [...new Set(cases.map((c) => c.section))].sort(compareSections);
  const lookup = (run: ServerRun, id: string) => run.results.find((r) => r.id === id);
  const head = `<tr><th>case</th>${runs.map((r) => `<th>${esc(r.server)}<br><span class="muted">${esc(r.address)}</span></th>`).join('')}</tr>`;
  const body: string[] = [];
  for (const s of sections) {
    body.push(`<tr class="section"><td colspan="${runs.length + 1}">${sectionLink(s, spec)}</td></tr>`);
    for (const c of cases.filter((x) => x.section === s)) {
      const cells = runs.map((run) => {
        const r = lookup(run, c.id);
        if (!r) return '<td class="muted">–</td>';
        const color = r.baseline?.stale ? COLORS.fail : COLORS[r.outcome];
        return `<td style="background:${color}" title="${esc(r.detail)}"><a href="#${anchor(run.server, c.id)}">${esc(cellText(r))}</a></td>`;
      });
      body.push(`<tr><td class="id" title="${esc(c.requirement)}"><a href="#case-${esc(c.id)}">${esc(c.id)}</a> <span class="lvl">${c.level}</span></td>${cells.join('')}</tr>`);
    }
  }
  const totalsRows = runs
    .map((run) => {
      const t = totals(run.results);
      return `<tr><td>${esc(run.server)}</td>${OUTCOMES.map((o) => `<td>${t[o]}</td>`).join('')}<td>${(run.durationMs / 1000).toFixed(1)} s</td></tr>`;
    })
    .join('');
  const legend = OUTCOMES.map((o) => `<tr><td><span class="dot" style="background:${COLORS[o]}"></span> ${OUTCOME_SHORT[o]}</td><td>${esc(o)}</td><td>${esc(OUTCOME_LEGEND[o])}</td></tr>`).join('');
  const details = cases
    .map(
      (c) =>
        `<section id="case-${esc(c.id)}"><h3>${esc(c.id)} <span class="lvl">${sectionLink(c.section, spec)} ${c.level}</span></h3><p>${esc(c.requirement)}</p><p class="muted">Sends: ${esc(c.description)}</p>${runs
          .map((run) => {
            const r = lookup(run, c.id);
            return r ? detailBlock(run.server, r) : '';
          })
          .join('')}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em} h3{font-size:1.05em;margin:1.2em 0 .3em}
table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}
table.matrix td{text-align:center;color:#fff;font-weight:600} table.matrix td a{color:inherit;text-decoration:none}
table.matrix td.id{text-align:left;color:#222;font-weight:400;font-family:ui-monospace,monospace;background:#fafafa}
table.matrix td.id a{color:#1a4d8f} tr.section td{background:#eee!important;color:#222!important;text-align:left!important} tr.section td a.spec{color:#1a4d8f;text-decoration:none}
.lvl{font-size:.8em;color:#777} .muted{color:#888} .dot{display:inline-block;width:.8em;height:.8em;border-radius:50%;vertical-align:middle}
table.wire{font:12px ui-monospace,monospace;margin:.4em 0 1em} table.wire td.hex{color:#666;word-break:break-all;max-width:60em}
tr.send td{background:#f3f8ff} tr.recv td{background:#f4fff3} tr.note td{background:#fffbea}
details{margin:.2em 0 .2em 1em} summary{cursor:pointer} pre.logs{font:12px ui-monospace,monospace;white-space:pre-wrap;max-height:30em;overflow:auto;background:#f6f6f6;padding:.5em} .bl{color:#8a5a00}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${runs.length} server(s), ${cases.length} cases. Generated ${esc(new Date().toISOString())}.</p>
<h2>Totals</h2><table><tr><th>server</th>${OUTCOMES.map((o) => `<th>${OUTCOME_SHORT[o]}</th>`).join('')}<th>time</th></tr>${totalsRows}</table>
<p class="muted">Section numbers and titles are those of gearspec's protocol specification (<a href="${esc(spec)}">docs/spec.md</a>); each links to its section.</p>
<h2>Legend</h2><table>${legend}<tr><td>(bl)</td><td>baselined</td><td>a failure listed in the server's baseline file with its reason</td></tr><tr><td>STALE</td><td>stale baseline</td><td>the baseline lists the case but it passed: remove the entry</td></tr></table>
<h2>Matrix</h2><table class="matrix">${head}${body.join('\n')}</table>
<h2>Cases</h2>
${details}
</body></html>
`;
}
