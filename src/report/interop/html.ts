/**
 * Renders the interop matrix as one self-contained HTML page (inline CSS and a few lines of JS,
 * no external assets): a tab per server, a client × worker grid coloured by grade, a legend, and
 * per-cell detail (scenario verdicts, declared expectations with sources, transcripts, logs) that
 * a click on a grid cell opens.
 */
import { GRADE_LEGEND, type CellResult, type InteropGrade, type MatrixReport, type ScenarioResult, type ServerRun, cellFileName } from './model.js';

const COLOURS: Readonly<Record<InteropGrade, { bg: string; fg: string; label: string }>> = {
  pass: { bg: '#2e7d32', fg: '#fff', label: 'pass' },
  'expected-different': { bg: '#1565c0', fg: '#fff', label: 'expected-different' },
  stale: { bg: '#ef6c00', fg: '#fff', label: 'stale' },
  fail: { bg: '#c62828', fg: '#fff', label: 'fail' },
};

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const anchor = (c: { server: string; client: string; worker: string }): string => `cell-${c.server}-${c.client}-${c.worker}`.replace(/[^a-zA-Z0-9_-]/g, '_');
const badge = (g: InteropGrade): string => `<span class="badge g-${g}">${esc(COLOURS[g].label)}</span>`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function countsText(c: CellResult): string {
  const parts: string[] = [];
  if (c.counts.pass) parts.push(`${c.counts.pass} pass`);
  if (c.counts['expected-different']) parts.push(`${c.counts['expected-different']} expected-different`);
  if (c.counts.stale) parts.push(`${c.counts.stale} stale`);
  if (c.counts.fail) parts.push(`${c.counts.fail} fail`);
  return parts.join(' · ');
}

function grid(run: ServerRun): string {
  const clients = [...new Set(run.cells.map((c) => c.client))];
  const workers = [...new Set(run.cells.map((c) => c.worker))];
  const find = (cl: string, wk: string): CellResult | undefined => run.cells.find((c) => c.client === cl && c.worker === wk);
  const head = `<tr><th class="corner">client ↓ · worker →</th>${workers.map((w) => `<th>${esc(w)}</th>`).join('')}</tr>`;
  const rows = clients.map((cl) => {
    const tds = workers.map((wk) => {
      const c = find(cl, wk);
      if (!c) return '<td class="empty">–</td>';
      return `<td class="cell g-${c.grade}"><a href="#${anchor(c)}" data-cell="${anchor(c)}"><strong>${esc(COLOURS[c.grade].label)}</strong><br><small>${esc(countsText(c))}</small></a></td>`;
    });
    return `<tr><th>${esc(cl)}</th>${tds.join('')}</tr>`;
  });
  return `<table class="grid">${head}${rows.join('')}</table>`;
}

function scenarioRow(s: ScenarioResult): string {
  const exp = s.expectation
    ? `<div class="exp"><code>${esc(s.expectation.id)}</code> (${esc(s.expectation.kind)}${s.expectation.alternative ? `, alternative <code>${esc(s.expectation.alternative)}</code>` : ''}): ${esc(s.expectation.why)}<br><small>source: ${esc(s.expectation.source)}</small></div>`
    : '';
  const transcript = s.transcript.length ? `<details><summary>transcript (${s.transcript.length} lines)</summary><pre>${esc(s.transcript.join('\n'))}</pre></details>` : '';
  return `<tr class="row-${s.grade}"><td><code>${esc(s.id)}</code><br><small>${esc(s.title)}</small></td><td>${badge(s.grade)}</td><td><code>${esc(s.expected.join(' | '))}</code></td><td><code>${esc(s.actual)}</code></td><td>${esc(s.detail)}${exp}${transcript}</td><td class="num">${s.durationMs} ms</td></tr>`;
}

function cellDetail(c: CellResult): string {
  const drivers = [c.drivers.client ? `client: ${c.drivers.client.library} (${c.drivers.client.provider})` : '', c.drivers.worker ? `worker: ${c.drivers.worker.library} (${c.drivers.worker.provider})` : ''].filter(Boolean);
  const logs = c.logs
    ? Object.entries(c.logs)
        .map(([k, v]) => `<details><summary>log: ${esc(k)}</summary><pre>${esc(v)}</pre></details>`)
        .join('')
    : '';
  return `<section class="detail" id="${anchor(c)}">
<h3>${esc(c.server)} · ${esc(c.client)} client · ${esc(c.worker)} worker ${badge(c.grade)}</h3>
<p><small>${esc(drivers.join(' — '))} · ${seconds(c.durationMs)} · <a href="cells/${esc(cellFileName(c))}">cells/${esc(cellFileName(c))}</a></small></p>
<table class="scen"><tr><th>scenario</th><th>grade</th><th>expected</th><th>actual</th><th>detail</th><th>time</th></tr>${c.scenarios.map(scenarioRow).join('')}</table>
${logs}
</section>`;
}

function panel(run: ServerRun, i: number): string {
  const body = run.error
    ? `<p class="g-fail banner">the server could not be run: ${esc(run.error)}</p>`
    : `${grid(run)}<p class="hint">Click a cell for its scenarios, expectations, transcripts and logs.</p>${run.cells.map(cellDetail).join('\n')}`;
  return `<div class="panel" id="panel-${i}" data-tab="${i}"${i === 0 ? '' : ' hidden'}><h2>${esc(run.name)} <small>${esc(run.version)} · ${esc(run.provider)} · ${seconds(run.wallMs)}</small></h2>${body}</div>`;
}

export function renderInteropHtml(report: MatrixReport): string {
  const cells = report.servers.flatMap((s) => s.cells);
  const totals = (['pass', 'expected-different', 'stale', 'fail'] as const).map((g) => `${badge(g)} ${cells.filter((c) => c.grade === g).length}`).join(' ');
  const tabs = report.servers
    .map((s, i) => {
      const worst = s.error ? 'fail' : s.cells.reduce<InteropGrade>((w, c) => (['fail', 'stale', 'expected-different', 'pass'].indexOf(c.grade) < ['fail', 'stale', 'expected-different', 'pass'].indexOf(w) ? c.grade : w), 'pass');
      return `<button class="tab${i === 0 ? ' active' : ''}" data-tab="${i}"><span class="dot g-${worst}"></span>${esc(s.name)}</button>`;
    })
    .join('');
  const legend = (Object.keys(GRADE_LEGEND) as InteropGrade[]).map((g) => `<li>${badge(g)} ${esc(GRADE_LEGEND[g])}</li>`).join('');
  const gradeCss = (Object.keys(COLOURS) as InteropGrade[]).map((g) => `.g-${g}{background:${COLOURS[g].bg};color:${COLOURS[g].fg}}`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gearspec interop matrix</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#222}
h1{margin:0 0 4px}h2 small,h3 small{font-weight:normal;color:#666}
${gradeCss}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px}
.legend{list-style:none;padding:0;margin:8px 0 14px}.legend li{margin:2px 0}
.tabs{display:flex;gap:4px;border-bottom:2px solid #ccc;margin-top:10px}
.tab{border:1px solid #ccc;border-bottom:none;background:#f4f4f4;padding:6px 14px;cursor:pointer;font-size:14px;border-radius:6px 6px 0 0}
.tab.active{background:#fff;font-weight:bold;position:relative;top:2px}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px}
table.grid{border-collapse:separate;border-spacing:4px;margin:12px 0}
table.grid th{padding:6px 10px;background:#eee;text-align:left}
table.grid td.cell{width:170px;height:58px;text-align:center;border-radius:6px}
table.grid td.cell a{color:inherit;text-decoration:none;display:block;padding:6px}
table.grid td.cell:hover{outline:3px solid #333}
.detail{display:none;border-top:1px solid #ddd;margin-top:16px}.detail:target,.detail.open{display:block}
table.scen{border-collapse:collapse;width:100%}table.scen td,table.scen th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
tr.row-fail td{background:#fdecea}tr.row-stale td{background:#fff3e0}tr.row-expected-different td{background:#e8f0fb}
.exp{margin-top:4px;padding:4px;border-left:3px solid #1565c0;background:#f5f8fd}
pre{white-space:pre-wrap;font-size:12px;background:#f7f7f7;padding:6px;max-height:420px;overflow:auto}
.num{text-align:right;white-space:nowrap}.hint{color:#666}.banner{padding:8px}
</style></head><body>
<h1>gearspec interop matrix</h1>
<p>${esc(report.generatedAt)} · provider <b>${esc(report.provider)}</b> · wall time ${seconds(report.wallMs)} · cells: ${totals}</p>
<ul class="legend">${legend}</ul>
<div class="tabs">${tabs}</div>
${report.servers.map(panel).join('\n')}
<script>
(function(){
  function show(i){
    document.querySelectorAll('.tab').forEach(function(t){t.classList.toggle('active', t.dataset.tab===String(i));});
    document.querySelectorAll('.panel').forEach(function(p){p.hidden = p.dataset.tab!==String(i);});
  }
  document.querySelectorAll('.tab').forEach(function(t){t.addEventListener('click', function(){show(t.dataset.tab);});});
  function openHash(){
    var id = location.hash.slice(1); if(!id) return;
    var el = document.getElementById(id); if(!el) return;
    var p = el.closest('.panel'); if(p) show(p.dataset.tab);
    document.querySelectorAll('.detail.open').forEach(function(d){d.classList.remove('open');});
    el.classList.add('open'); el.scrollIntoView();
  }
  window.addEventListener('hashchange', openHash); openHash();
})();
</script>
</body></html>
`;
}
