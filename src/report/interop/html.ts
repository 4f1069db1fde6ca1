/**
 * Renders the interop matrix as one self-contained HTML page (inline CSS and a few lines of JS,
 * no external assets): a tab per server, a client × worker grid coloured by grade, a legend, and
 * per-cell detail (scenario verdicts, declared expectations with sources, transcripts, logs) that
 * a click on a grid cell opens. Above the tabs, a summary of which client × worker pairs work
 * across all servers, and a filter bar (language, server, client, worker, grade): the matrix has
 * ~12 × 11 pairs on 7 servers, too many to read tab by tab. A declared difference is shown by its
 * kind: an interop bug is orange and "unsafe", a legitimate alternative blue, an unsupported
 * optional feature grey; every cell says whether the pair is safe on that server and names the
 * scenario that differs.
 */
import { compareReleases } from './releases.js';
import { PEERS, isPeerName } from '../../peers/registry/index.js';
import { GRADE_LEGEND, GRADE_ORDER, type CellResult, type ExpectationRef, type InteropGrade, type MatrixReport, type ScenarioResult, type ServerRun, cellFileName, worstGrade } from './model.js';

const COLOURS: Readonly<Record<InteropGrade, { bg: string; fg: string; label: string }>> = {
  pass: { bg: '#2e7d32', fg: '#fff', label: 'pass' },
  'expected-different': { bg: '#1565c0', fg: '#fff', label: 'expected-different' },
  // Purple, not orange: orange is a declared interop bug's (KIND_COLOURS).
  stale: { bg: '#6a1b9a', fg: '#fff', label: 'stale' },
  fail: { bg: '#c62828', fg: '#fff', label: 'fail' },
};

type Kind = ExpectationRef['kind'];

/**
 * A declared difference reads by its kind, not by its grade alone: an interop bug is unsafe
 * (orange), a legitimate alternative is fine (blue), a missing optional feature is grey.
 */
const KIND_COLOURS: Readonly<Record<Kind, { bg: string; fg: string; label: string; text: string }>> = {
  'interop-bug': { bg: '#e65100', fg: '#fff', label: 'unsafe', text: 'a declared interop bug: the pair does not work correctly on this server (unsafe)' },
  alternative: { bg: '#1565c0', fg: '#fff', label: 'alternative', text: 'another valid behaviour, declared: safe' },
  unsupported: { bg: '#757575', fg: '#fff', label: 'unsupported', text: 'an optional feature one side does not implement, declared: safe without it' },
};
const KIND_ORDER: readonly Kind[] = ['interop-bug', 'unsupported', 'alternative'];

/** The most serious kind among a cell's expected-different scenarios (an undeclared one counts as an interop bug). */
function cellKind(c: CellResult): Kind | undefined {
  const kinds = new Set(c.scenarios.filter((x) => x.grade === 'expected-different').map((x) => x.expectation?.kind ?? 'interop-bug'));
  return KIND_ORDER.find((k) => kinds.has(k));
}

/** The scenarios that did not behave nominally, by id. */
const differing = (c: CellResult): string[] => c.scenarios.filter((x) => x.grade !== 'pass').map((x) => x.id);

/** What a cell says in plain words: is the pair safe on this server, and which scenario differs. */
function cellVerdict(c: CellResult): { cls: string; label: string; line: string } {
  const which = differing(c);
  const named = which.length ? `: ${which.slice(0, 3).join(', ')}${which.length > 3 ? ` +${which.length - 3}` : ''}` : '';
  if (c.grade === 'fail') return { cls: `g-fail`, label: 'fail', line: `broken${named}` };
  if (c.grade === 'stale') return { cls: `g-stale`, label: 'stale', line: `stale expectation${named}` };
  if (c.grade === 'pass') return { cls: 'g-pass', label: 'pass', line: 'safe' };
  const k = cellKind(c) ?? 'interop-bug';
  const unsafe = c.scenarios.filter((x) => x.grade === 'expected-different' && (x.expectation?.kind ?? 'interop-bug') === 'interop-bug').map((x) => x.id);
  return { cls: `g-expected-different k-${k}`, label: KIND_COLOURS[k].label, line: k === 'interop-bug' ? `unsafe: ${unsafe.join(', ')}` : `safe (${KIND_COLOURS[k].label}${named})` };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const anchor = (c: { server: string; client: string; worker: string }): string => `cell-${c.server}-${c.client}-${c.worker}`.replace(/[^a-zA-Z0-9_-]/g, '_');
const badge = (g: InteropGrade): string => `<span class="badge g-${g}">${esc(COLOURS[g].label)}</span>`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const uniq = (xs: readonly string[]): string[] => [...new Set(xs)];

/** A driver's language from the peer registry; user-supplied external drivers are "other". */
export const languageOf = (driver: string): string => (isPeerName(driver) ? PEERS[driver].language : 'other');

/**
 * The data-* attributes the filter script matches on. Values are space-separated token lists
 * (an aggregate pair cell spans several servers and grades); peer, driver (`[A-Za-z0-9._-]`) and
 * server names hold no spaces, so a token is always a whole name.
 */
function dataAttrs(a: { server?: readonly string[]; client?: string; worker?: string; grade?: readonly string[]; sg?: readonly string[] }): string {
  const out: string[] = [];
  if (a.server) out.push(`data-server="${esc(a.server.join(' '))}"`);
  if (a.client !== undefined) out.push(`data-client="${esc(a.client)}" data-client-lang="${esc(languageOf(a.client))}"`);
  if (a.worker !== undefined) out.push(`data-worker="${esc(a.worker)}" data-worker-lang="${esc(languageOf(a.worker))}"`);
  if (a.grade) out.push(`data-grade="${esc(a.grade.join(' '))}"`);
  if (a.sg) out.push(`data-sg="${esc(a.sg.join(' '))}"`);
  return out.join(' ');
}

const driverTh = (role: 'client' | 'worker', name: string): string =>
  `<th ${dataAttrs(role === 'client' ? { client: name } : { worker: name })}>${esc(name)}<br><small>${esc(languageOf(name))}</small></th>`;

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
  const head = `<tr><th class="corner">client ↓ · worker →</th>${workers.map((w) => driverTh('worker', w)).join('')}</tr>`;
  const rows = clients.map((cl) => {
    const tds = workers.map((wk) => {
      const c = find(cl, wk);
      if (!c) return `<td class="empty" ${dataAttrs({ server: [run.name], client: cl, worker: wk, grade: ['none'] })}>–</td>`;
      const v = cellVerdict(c);
      return `<td class="cell ${v.cls}" ${dataAttrs({ server: [run.name], client: cl, worker: wk, grade: [c.grade] })}><a href="#${anchor(c)}" data-cell="${anchor(c)}"><strong>${esc(v.label)}</strong><br><span class="says">${esc(v.line)}</span><br><small>${esc(countsText(c))}</small></a></td>`;
    });
    return `<tr>${driverTh('client', cl)}${tds.join('')}</tr>`;
  });
  return `<table class="grid xtab">${head}${rows.join('')}</table>`;
}

/**
 * How a client × worker pair fares over every server that ran it. ok: nominal everywhere, or only
 * `alternative` differences (another valid behaviour). limited: a declared `unsupported` feature.
 * unsafe: a declared `interop-bug` on some server — declared, so the suite passes, but the pair
 * does not work there. broken: a fail or a stale expectation somewhere (both fail the suite).
 */
type PairVerdict = 'ok' | 'limited' | 'unsafe' | 'broken' | 'none';
const PAIR_SYMBOL: Readonly<Record<PairVerdict, { sym: string; text: string }>> = {
  ok: { sym: '✓', text: 'safe on every server that ran it (nominal, or only declared alternative behaviours)' },
  limited: { sym: '◐', text: 'safe without an optional feature one side does not implement (declared unsupported)' },
  unsafe: { sym: '⚠', text: 'unsafe on some server: a declared interop bug' },
  broken: { sym: '✗', text: 'an undeclared failure or a stale expectation on some server' },
  none: { sym: '–', text: 'not run' },
};

function pairVerdict(cells: readonly CellResult[]): PairVerdict {
  if (cells.length === 0) return 'none';
  if (cells.some((c) => c.grade === 'fail' || c.grade === 'stale')) return 'broken';
  const kinds = new Set(cells.map(cellKind));
  if (kinds.has('interop-bug')) return 'unsafe';
  return kinds.has('unsupported') ? 'limited' : 'ok';
}

function summary(report: MatrixReport): string {
  const all = report.servers.flatMap((s) => s.cells);
  const clients = uniq(all.map((c) => c.client));
  const workers = uniq(all.map((c) => c.worker));
  const serverLines = report.servers.map((s) => {
    const counts = GRADE_ORDER.filter((g) => s.cells.some((c) => c.grade === g)).map((g) => `${badge(g)} ${s.cells.filter((c) => c.grade === g).length}`);
    const body = s.error ? `${badge('fail')} could not be run: ${esc(s.error)}` : `${counts.join(' ')} <small>(${s.cells.length} cells)</small>`;
    return `<li class="f" ${dataAttrs({ server: [s.name] })}><b>${esc(s.name)}</b> <small>${esc(s.version)}</small>: ${body}</li>`;
  });
  const broken: string[] = [];
  const unsafe: string[] = [];
  const rows = clients.map((cl) => {
    const tds = workers.map((wk) => {
      const cells = all.filter((c) => c.client === cl && c.worker === wk);
      const v = pairVerdict(cells);
      const attrs = dataAttrs({
        server: cells.map((c) => c.server),
        client: cl,
        worker: wk,
        grade: cells.length ? uniq(cells.map((c) => c.grade)) : ['none'],
        sg: cells.map((c) => `${c.server}:${c.grade}`),
      });
      const title = report.servers
        .map((s) => {
          const c = cells.find((x) => x.server === s.name);
          return `${s.name}: ${c ? `${c.grade} — ${cellVerdict(c).line}` : 'not run'}`;
        })
        .join('\n');
      const bad = cells.filter((c) => c.grade === 'fail' || c.grade === 'stale');
      if (bad.length) {
        const where = bad.map((c) => `<a href="#${anchor(c)}">${esc(c.server)}</a> ${esc(c.grade)}`).join(', ');
        broken.push(
          `<li class="f" ${dataAttrs({ server: bad.map((c) => c.server), client: cl, worker: wk, grade: uniq(bad.map((c) => c.grade)), sg: bad.map((c) => `${c.server}:${c.grade}`) })}><b>${esc(cl)}</b> client × <b>${esc(wk)}</b> worker: ${where}</li>`,
        );
      }
      const bugs = cells.filter((c) => c.grade === 'expected-different' && cellKind(c) === 'interop-bug');
      if (bugs.length) {
        const where = bugs.map((c) => `<a href="#${anchor(c)}">${esc(c.server)}</a> ${esc(cellVerdict(c).line)}`).join(', ');
        unsafe.push(`<li class="f" ${dataAttrs({ server: bugs.map((c) => c.server), client: cl, worker: wk })}><b>${esc(cl)}</b> client × <b>${esc(wk)}</b> worker: ${where}</li>`);
      }
      return `<td class="pair p-${v}" ${attrs} title="${esc(`${cl} client × ${wk} worker\n${title}`).replace(/\n/g, '&#10;')}">${PAIR_SYMBOL[v].sym}</td>`;
    });
    return `<tr>${driverTh('client', cl)}${tds.join('')}</tr>`;
  });
  const table = `<table class="pairs xtab"><tr><th class="corner">client ↓ · worker →</th>${workers.map((w) => driverTh('worker', w)).join('')}</tr>${rows.join('')}</table>`;
  const key = (Object.keys(PAIR_SYMBOL) as PairVerdict[]).map((v) => `<span class="p-${v}">${PAIR_SYMBOL[v].sym}</span> ${esc(PAIR_SYMBOL[v].text)}`).join(' · ');
  return `<section class="summary"><h2>Summary</h2>
<ul class="servers">${serverLines.join('')}</ul>
<h3>Pairs over all servers <small>(hover a cell for its grade per server)</small></h3>
${table}<p class="hint">${key}</p>
<h3>Broken pairs</h3>${broken.length ? `<ul class="broken">${broken.join('')}</ul>` : '<p>none</p>'}
<h3>Unsafe pairs <small>(a declared interop bug: the suite passes, the pair does not work on that server)</small></h3>${unsafe.length ? `<ul class="unsafe">${unsafe.join('')}</ul>` : '<p>none</p>'}
${acrossReleases(report)}</section>`;
}

/** Builds of one code base side by side: the scenarios whose outcome changed between releases. */
function acrossReleases(report: MatrixReport): string {
  return compareReleases(report)
    .map((c) => {
      const head = `<tr><th>client × worker</th><th>scenario</th>${c.builds.map((b) => `<th>${esc(b.name)} <small>${esc(b.version)}</small></th>`).join('')}</tr>`;
      const rows = c.differences.map(
        (d) =>
          `<tr><td><b>${esc(d.client)}</b> × <b>${esc(d.worker)}</b></td><td><code>${esc(d.scenario)}</code>${d.within ? `<br><small>all within <code>${esc(d.within)}</code></small>` : ''}</td>${c.builds.map((b) => `<td><code>${esc(d.outcomes[b.name] ?? '')}</code></td>`).join('')}</tr>`,
      );
      const body = rows.length ? `<table class="releases">${head}${rows.join('')}</table>` : '<p>no difference</p>';
      return `<h3 id="releases-${esc(c.base)}">Across releases of ${esc(c.base)} <small>(${c.differences.length} of ${c.compared} scenarios differ)</small></h3>${body}`;
    })
    .join('\n');
}

/** One <select> per filter; the script reads `data-filter` and matches the data-* attributes. */
function filterBar(report: MatrixReport): string {
  const all = report.servers.flatMap((s) => s.cells);
  const clients = uniq(all.map((c) => c.client));
  const workers = uniq(all.map((c) => c.worker));
  const langs = uniq([...clients, ...workers].map(languageOf)).sort();
  const select = (key: string, label: string, values: readonly string[]): string =>
    `<label>${esc(label)} <select data-filter="${key}"><option value="">all</option>${values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('')}</select></label>`;
  return `<form class="filters">${[
    select('lang', 'language', langs),
    select(
      'server',
      'server',
      report.servers.map((s) => s.name),
    ),
    select('client', 'client', clients),
    select('worker', 'worker', workers),
    select('grade', 'outcome', GRADE_ORDER),
  ].join(' ')} <button type="reset">clear</button></form>`;
}

function scenarioRow(s: ScenarioResult): string {
  const exp = s.expectation
    ? `<div class="exp"><code>${esc(s.expectation.id)}</code> (${esc(s.expectation.kind)}${s.expectation.alternative ? `, alternative <code>${esc(s.expectation.alternative)}</code>` : ''}): ${esc(s.expectation.why)}<br><small>source: ${esc(s.expectation.source)}</small>${s.expectation.versionSpecific ? `<br><strong>version-specific:</strong> ${esc(s.expectation.versionSpecific)}` : ''}</div>`
    : '';
  const transcript = s.transcript.length ? `<details><summary>transcript (${s.transcript.length} lines)</summary><pre>${esc(s.transcript.join('\n'))}</pre></details>` : '';
  const kind = s.grade === 'expected-different' ? ` k-${s.expectation?.kind ?? 'interop-bug'}` : '';
  return `<tr class="row-${s.grade}${kind}"><td><code>${esc(s.id)}</code><br><small>${esc(s.title)}</small></td><td>${badge(s.grade)}</td><td><code>${esc(s.expected.join(' | '))}</code></td><td><code>${esc(s.actual)}</code></td><td>${esc(s.detail)}${exp}${transcript}</td><td class="num">${s.durationMs} ms</td></tr>`;
}

function cellDetail(c: CellResult): string {
  const drivers = [
    c.drivers.client ? `client: ${c.drivers.client.library} (${c.drivers.client.provider})` : '',
    c.drivers.worker ? `worker: ${c.drivers.worker.library} (${c.drivers.worker.provider})` : '',
  ].filter(Boolean);
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
      const worst = s.error ? 'fail' : worstGrade(s.cells.map((c) => c.grade));
      return `<button class="tab f${i === 0 ? ' active' : ''}" data-tab="${i}" ${dataAttrs({ server: [s.name] })}><span class="dot g-${worst}"></span>${esc(s.name)}</button>`;
    })
    .join('');
  const legend = [
    ...(Object.keys(GRADE_LEGEND) as InteropGrade[]).map((g) => `<li>${badge(g)} ${esc(GRADE_LEGEND[g])}</li>`),
    ...KIND_ORDER.map((k) => `<li class="kind">expected-different as <span class="badge g-expected-different k-${k}">${esc(KIND_COLOURS[k].label)}</span> ${esc(KIND_COLOURS[k].text)}</li>`),
  ].join('');
  const gradeCss = [
    ...(Object.keys(COLOURS) as InteropGrade[]).map((g) => `.g-${g}{background:${COLOURS[g].bg};color:${COLOURS[g].fg}}`),
    // After the grades, so a kind's colour wins over expected-different's.
    ...KIND_ORDER.map((k) => `.g-expected-different.k-${k}{background:${KIND_COLOURS[k].bg};color:${KIND_COLOURS[k].fg}}`),
    ...KIND_ORDER.map((k) => `tr.row-expected-different.k-${k} td{background:${KIND_COLOURS[k].bg}22}`),
  ].join('\n');
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
tr.row-fail td{background:#fdecea}tr.row-stale td{background:#f3e5f5}
.exp{margin-top:4px;padding:4px;border-left:3px solid #1565c0;background:#f5f8fd}
pre{white-space:pre-wrap;font-size:12px;background:#f7f7f7;padding:6px;max-height:420px;overflow:auto}
.num{text-align:right;white-space:nowrap}.hint{color:#666}.banner{padding:8px}
.filters{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid #ddd;z-index:1}.filters label{margin-right:10px}
.servers{padding-left:18px;margin:6px 0}
table.pairs{border-collapse:collapse;margin:6px 0}table.pairs th{padding:3px 6px;background:#eee;text-align:left;font-size:12px}
table.pairs td{border:1px solid #ddd;width:34px;text-align:center;font-size:16px;cursor:default}
.p-ok{color:#2e7d32}.p-limited{color:#757575}.p-unsafe{color:#e65100;font-weight:bold}.p-broken{color:#c62828;font-weight:bold}.p-none{color:#999}
.cell .says{font-size:12px}
.dim{opacity:.12}
</style></head><body>
<h1>gearspec interop matrix</h1>
<p>${esc(report.generatedAt)} · provider <b>${esc(report.provider)}</b> · wall time ${seconds(report.wallMs)} · cells: ${totals}</p>
<ul class="legend">${legend}</ul>
${filterBar(report)}
${summary(report)}
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
  // Filters: an element passes when, for every chosen value, one of its matching data-* token
  // lists holds it; an element without those attributes is not concerned by that filter.
  var KEYS={lang:['clientLang','workerLang'],server:['server'],client:['client'],worker:['worker'],grade:['grade']};
  function match(el,f){
    for(var k in f){ if(!f[k]) continue;
      var attrs=KEYS[k].filter(function(a){return a in el.dataset;}); if(!attrs.length) continue;
      if(!attrs.some(function(a){return el.dataset[a].split(' ').indexOf(f[k])>=0;})) return false; }
    // An aggregate (pair) cell spans servers: the chosen grade must be on the chosen server.
    return !(f.server&&f.grade&&el.dataset.sg&&el.dataset.sg.split(' ').indexOf(f.server+':'+f.grade)<0);
  }
  function applyFilters(){
    var f={}; document.querySelectorAll('[data-filter]').forEach(function(s){f[s.dataset.filter]=s.value;});
    document.querySelectorAll('.f').forEach(function(el){el.hidden=!match(el,f);});
    // Grids: dim non-matching cells (keeps the columns aligned), hide rows and columns with no
    // matching cell that ran.
    document.querySelectorAll('table.xtab').forEach(function(t){
      var rows=t.rows, live=[];
      for(var r=1;r<rows.length;r++){ var any=false;
        for(var i=1;i<rows[r].cells.length;i++){ var td=rows[r].cells[i], m=match(td,f); td.classList.toggle('dim',!m);
          if(m&&td.dataset.grade!=='none'){any=true;live[i]=true;} }
        rows[r].hidden=!any; }
      for(var r2=0;r2<rows.length;r2++) for(var j=1;j<rows[r2].cells.length;j++) rows[r2].cells[j].hidden=!live[j];
    });
    var active=document.querySelector('.tab.active'), first=document.querySelector('.tab:not([hidden])');
    if(active&&active.hidden&&first) show(first.dataset.tab);
  }
  document.querySelectorAll('[data-filter]').forEach(function(s){s.addEventListener('change',applyFilters);});
  document.querySelector('.filters').addEventListener('reset',function(){setTimeout(applyFilters,0);});
})();
</script>
</body></html>
`;
}
