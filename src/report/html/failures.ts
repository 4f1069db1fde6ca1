/**
 * The failures, right after the verdict: new failures first, then stale baseline entries, then
 * harness errors, each with its requirement, its spec section, what was expected and what was
 * seen, and its wire log; baselined failures last, folded, because they are known.
 */
import type { CaseResult, ServerRun } from '../../runner/result.js';
import { type Standing, standing } from '../model.js';
import { esc } from '../xml.js';
import { failureAnchor, LABEL, type PageContext, sectionLink, wireLog } from './common.js';

/** The standings listed here, in the order a person should read them. */
export const LISTED: readonly Standing[] = ['fail', 'stale', 'harness-error', 'baselined'];

const HEADINGS: Readonly<Partial<Record<Standing, string>>> = {
  fail: 'New failures',
  stale: 'Stale baseline entries (the case now passes: remove the entry)',
  'harness-error': 'Harness errors (gearspec failed, not the server)',
  baselined: 'Baselined failures (known, listed in the baseline with a reason; not counted as failed)',
};

function entry(run: ServerRun, r: CaseResult, s: Standing, ctx: PageContext): string {
  const seen = r.expected
    ? `<div class="ev"><div><b>Expected</b><ul>${r.expected.map((e) => `<li><code>${esc(e)}</code></li>`).join('')}</ul></div><div><b>Seen</b><p><code>${esc(r.actual ?? r.detail)}</code></p></div></div>`
    : `<p><b>Seen</b>: ${esc(r.detail)}</p>`;
  const bl = r.baseline ? `<p class="bl"><b>Baseline</b>: ${esc(r.baseline.reason)} <span class="muted">(${esc(r.baseline.source)})</span></p>` : '';
  const viol = r.violations.length ? `<p><b>Protocol-table violations</b></p><ul>${r.violations.map((v) => `<li>${esc(v)}</li>`).join('')}</ul>` : '';
  // A new failure or a harness error shows its traffic; for known or now-passing cases it is one click away.
  const open = s === 'fail' || s === 'harness-error' ? ' open' : '';
  const logs = r.logs ? `<details><summary>peer logs</summary><pre class="logs">${esc(r.logs.slice(-20_000))}</pre></details>` : '';
  return `<article class="failure f-${s}" id="${failureAnchor(run.server, r.id)}" data-standing="${s}">
<h3><span class="tag s-${s}">${esc(LABEL[s])}</span> <code>${esc(r.id)}</code> <span class="muted">on ${esc(run.server)} · ${r.level} · ${r.durationMs} ms</span></h3>
<p class="req">${esc(r.requirement)} — ${sectionLink(r.section, ctx.spec)}</p>
${s === 'stale' ? '' : seen}${bl}${viol}<details class="wirelog"${open}><summary>wire log (${r.wire.length} entries)</summary>${wireLog(r.wire)}</details>${logs}
</article>`;
}

export function failuresSection(runs: readonly ServerRun[], ctx: PageContext): string {
  const groups = LISTED.map((s) => ({ s, items: runs.flatMap((run) => run.results.filter((r) => standing(r) === s).map((r) => entry(run, r, s, ctx))) })).filter((g) => g.items.length > 0);
  const body = groups.map(({ s, items }) => {
    const h = `${esc(HEADINGS[s] ?? s)} <span class="count">${items.length}</span>`;
    return s === 'baselined' ? `<details class="group g-${s}"><summary><h2>${h}</h2></summary>${items.join('\n')}</details>` : `<div class="group g-${s}"><h2>${h}</h2>${items.join('\n')}</div>`;
  });
  return `<section id="failures">${body.length ? body.join('\n') : '<h2>Failures</h2><p>None: every case passed or was graded as its outcome allows.</p>'}</section>`;
}
