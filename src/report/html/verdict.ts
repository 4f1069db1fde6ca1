/**
 * The banner the page opens with: pass or fail, the exit code the run gives (src/runner/exit-code.ts)
 * and the counts that decide it, then one line per server.
 */
import type { ServerRun } from '../../runner/result.js';
import { exitCode, tally } from '../../runner/exit-code.js';
import { STANDINGS, standingCounts } from '../model.js';
import { esc } from '../xml.js';
import { LABEL } from './common.js';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** `code` overrides the exit code computed from the runs (certify exits 2 when a server could not start). */
export function verdictBanner(runs: readonly ServerRun[], title: string, code: number = exitCode(runs)): string {
  const t = tally(runs);
  const word = code === 0 ? 'PASS' : code === 1 ? 'FAIL' : 'HARNESS ERROR';
  const cls = code === 0 ? 'v-pass' : code === 1 ? 'v-fail' : 'v-error';
  const decisive = [
    plural(t.failures, 'new failure', 'new failures'),
    plural(t.stale, 'stale baseline entry', 'stale baseline entries'),
    plural(t.harnessErrors, 'harness error', 'harness errors'),
    `${t.baselined} baselined (known, not counted)`,
  ];
  const cases = runs.reduce((n, r) => n + r.results.length, 0);
  const perServer = runs.map((run) => {
    const c = standingCounts(run.results);
    const counts = STANDINGS.filter((s) => c[s] > 0).map((s) => `<span class="chip s-${s}">${c[s]} ${esc(LABEL[s])}</span>`);
    return `<li><b>${esc(run.server)}</b> <span class="muted">${esc(run.address)} · ${(run.durationMs / 1000).toFixed(1)} s${run.baselineFile ? ` · baseline ${esc(run.baselineFile)}` : ''}</span> ${counts.join(' ')}</li>`;
  });
  return `<section id="verdict" class="verdict ${cls}">
<h1><span class="word">${word}</span> <span class="exit">exit ${code}</span> <span class="title">${esc(title)}</span></h1>
<p class="decisive">${decisive.join(' · ')}</p>
<ul class="servers">${perServer.join('')}</ul>
<p class="muted">${plural(runs.length, 'server or library', 'servers or libraries')}, ${cases} results. Generated ${esc(new Date().toISOString())}.</p>
</section>`;
}
