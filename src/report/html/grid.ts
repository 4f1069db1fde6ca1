/**
 * The full case × server grid after the failures, grouped by spec section, with filters by
 * standing and by section. Passing cases carry no wire log (most of a page's weight): their
 * traffic is in the run's JSON detail file, linked from each case.
 */
import { OUTCOMES } from '../../runner/outcome.js';
import type { ServerRun } from '../../runner/result.js';
import { specLabel } from '../../protocol/spec-sections.js';
import { caseIds, compareSections, STANDINGS, type Standing, standing } from '../model.js';
import { esc } from '../xml.js';
import { cellLabel, COLORS, failureAnchor, LABEL, LEGEND, type PageContext, sectionLink } from './common.js';
import { LISTED } from './failures.js';

export function gridSection(runs: readonly ServerRun[], ctx: PageContext): string {
  const cases = caseIds(runs);
  const sections = [...new Set(cases.map((c) => c.section))].sort(compareSections);
  const present = new Set<Standing>(runs.flatMap((run) => run.results.map(standing)));
  const head = `<tr><th>case</th>${runs.map((r) => `<th>${esc(r.server)}<br><span class="muted">${esc(r.address)}</span></th>`).join('')}</tr>`;
  const body: string[] = [];
  for (const sec of sections) {
    body.push(`<tr class="section" data-section="${esc(sec)}"><td colspan="${runs.length + 1}">${sectionLink(sec, ctx.spec)}</td></tr>`);
    for (const c of cases.filter((x) => x.section === sec)) {
      const standings = new Set<Standing>();
      const lines: string[] = [];
      const cells = runs.map((run) => {
        const r = run.results.find((x) => x.id === c.id);
        if (!r) return '<td class="none">–</td>';
        const s = standing(r);
        standings.add(s);
        const json = ctx.detailHref(run);
        lines.push(`<li>${esc(run.server)}: ${esc(r.detail)}${json ? ` — <a href="${esc(json)}">wire log in ${esc(json)}</a>` : ''}</li>`);
        const label = esc(cellLabel(r, s));
        return `<td class="s-${s}" title="${esc(r.detail)}">${LISTED.includes(s) ? `<a href="#${failureAnchor(run.server, c.id)}">${label}</a>` : label}</td>`;
      });
      body.push(
        `<tr class="case" data-section="${esc(sec)}" data-standing="${[...standings].join(' ')}"><td class="id"><details><summary>${esc(c.id)} <span class="lvl">${c.level}</span></summary><p>${esc(c.requirement)}</p><p class="muted">Sends: ${esc(c.description)}</p><ul>${lines.join('')}</ul></details></td>${cells.join('')}</tr>`,
      );
    }
  }
  const option = (value: string, text: string) => `<option value="${esc(value)}">${esc(text)}</option>`;
  const filters = `<form class="filters"><label>outcome <select name="standing" data-filter="standing"><option value="">all</option>${STANDINGS.filter((s) => present.has(s))
    .map((s) => option(s, LABEL[s]))
    .join(
      '',
    )}</select></label> <label>section <select name="section" data-filter="section"><option value="">all</option>${sections.map((s) => option(s, specLabel(s))).join('')}</select></label> <button type="reset">clear</button> <span class="muted shown"></span></form>`;
  // Every standing this run has, plus the outcome vocabulary, so a reader can decode any cell.
  const legend = STANDINGS.filter((s) => present.has(s) || (OUTCOMES as readonly string[]).includes(s))
    .map((s) => `<li><span class="chip" style="background:${COLORS[s].bg};color:${COLORS[s].fg}">${esc(LABEL[s])}</span> ${esc(LEGEND[s])}</li>`)
    .join('');
  return `<section id="grid"><h2>All cases</h2>
${filters}
<table class="matrix"><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table>
<details class="legend"><summary>Legend</summary><ul>${legend}</ul><p class="muted">Section numbers and titles are those of gearspec's protocol specification (<a href="${esc(ctx.spec)}">docs/spec.md</a>); each links to its section.</p></details>
</section>`;
}

/**
 * The filter script: a case row shows when it has the chosen standing on some server and is in
 * the chosen section; a section heading shows while one of its rows does.
 */
export const GRID_SCRIPT = `(function(){
  var form=document.querySelector('#grid .filters'); if(!form) return;
  function apply(){
    var want=form.elements.standing.value, sec=form.elements.section.value, shown=0;
    document.querySelectorAll('#grid tr.case').forEach(function(tr){
      var ok=(!want||tr.dataset.standing.split(' ').indexOf(want)>=0)&&(!sec||tr.dataset.section===sec);
      tr.hidden=!ok; if(ok) shown++;
    });
    document.querySelectorAll('#grid tr.section').forEach(function(h){
      h.hidden=!document.querySelector('#grid tr.case[data-section="'+h.dataset.section+'"]:not([hidden])');
    });
    form.querySelector('.shown').textContent=(want||sec)?shown+' shown':'';
  }
  form.addEventListener('change',apply);
  form.addEventListener('reset',function(){setTimeout(apply,0);});
})();`;
