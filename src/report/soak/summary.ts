/**
 * The soak's console output: the table (one row per client × worker pair, then all), what the run
 * did besides (coalescing, kills), what happened to drivers, and each job that did not complete
 * exactly once, in one line; the transcripts are in the JSON report (write.ts).
 */
import { type SoakCounts, type SoakResult, soakExitCode } from '../../soak/types.js';
import { table } from '../console.js';

const COLUMNS: readonly (readonly [keyof SoakCounts, string])[] = [
  ['submitted', 'submitted'],
  ['completed', 'completed'],
  ['corrupted', 'corrupted'],
  ['failed', 'failed'],
  ['refused', 'refused'],
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
  ['rerunsAfterKills', 'reruns after kills'],
];
/** Shown only when the server was restarted (--restart-every). */
const RESTART_COLUMNS: readonly (readonly [keyof SoakCounts, string])[] = [['dropped', 'dropped by restarts']];
/** Findings printed one per line; the report has them all. */
const MAX_LISTED = 30;

export function renderSoakSummary(r: SoakResult): string {
  const seconds = r.loadMs / 1000;
  const columns = r.restarts.length > 0 ? [...COLUMNS, ...RESTART_COLUMNS] : COLUMNS;
  const rows: string[][] = [['client × worker', ...columns.map(([, h]) => h), 'jobs/s']];
  for (const p of r.pairs) rows.push([`${p.client} × ${p.worker}`, ...columns.map(([k]) => String(p[k])), p.jobsPerSecond.toFixed(1)]);
  rows.push(['all', ...columns.map(([k]) => String(r.totals[k])), seconds > 0 ? (r.totals.completed / seconds).toFixed(1) : '0.0']);
  const lines = [
    `soak on ${r.server.name === 'external' ? r.server.address : r.server.name} (${r.server.version}), seed ${r.seed}: ${r.totals.submitted} jobs in ${seconds.toFixed(1)} s (stopped by ${r.stoppedBy}${r.notSubmitted > 0 ? `; ${r.notSubmitted} planned jobs not submitted` : ''})`,
    table(rows),
    `coalescing: ${r.coalescing.pairs} pair(s) submitted at once, ${r.coalescing.joined} joined into one job by the server${r.coalescing.reused > 0 ? `, ${r.coalescing.reused} run as two jobs under one reused handle` : ''}`,
  ];
  if (r.kills.length > 0)
    lines.push(
      `kills: ${r.kills.length} worker driver(s) killed and replaced${r.kills.some((k) => k.error) ? ` (${r.kills.filter((k) => k.error).length} replacement(s) failed)` : ''}; ${r.rerunJobs.length} completed job(s) ran again after a kill`,
    );
  if (r.restarts.length > 0)
    lines.push(
      `restarts: the server was restarted ${r.restarts.length} time(s)${r.restarts.some((x) => x.error) ? ' (it did not come back once)' : ''}; ${r.totals.dropped} job(s) out at a restart were dropped with it (a background job forgotten, or a foreground job its client reported an error for)`,
    );
  for (const x of r.stalledWorkers)
    lines.push(
      x.why === 'runaway'
        ? `runaway: the ${x.worker} worker ran one job over and over (seen at +${x.atMs} ms), so its drivers were stopped; ${x.notSubmitted} of its planned jobs were not submitted`
        : `stalled: the ${x.worker} worker stopped taking jobs (seen at +${x.atMs} ms; ${x.lastRunAtMs !== undefined ? `it last started one at +${x.lastRunAtMs} ms` : 'it never started one'}); ${x.notSubmitted} of its planned jobs were not submitted`,
    );
  if (r.totals.unfinished > 0) lines.push(`unfinished: ${r.totals.unfinished} job(s) still out when the run was interrupted (no verdict)`);
  const trouble = r.incidents.filter((x) => x.deviation);
  for (const i of trouble.slice(0, MAX_LISTED)) lines.push(`× ${i.who} +${i.atMs} ms: ${oneLine(i.what)}`);
  if (trouble.length > MAX_LISTED) lines.push(`  … and ${trouble.length - MAX_LISTED} more incidents (in the report)`);
  for (const e of r.harnessErrors) lines.push(`harness: ${e}`);
  for (const f of r.findings.slice(0, MAX_LISTED)) {
    lines.push(`× ${f.job} ${f.client} × ${f.worker} (${f.background ? 'background' : 'foreground'}, ${f.priority}, ${f.size} bytes): ${f.verdict} — ${oneLine(f.detail)}`);
  }
  if (r.findings.length > MAX_LISTED) lines.push(`  … and ${r.findings.length - MAX_LISTED} more (every one with its transcript in the report)`);
  const code = soakExitCode(r);
  if (r.stoppedBy === 'interrupted') lines.push('interrupted: the verdicts are of the jobs that had ended or were overdue by then');
  lines.push(
    code === 0
      ? `every job completed exactly once, byte-exact${r.totals.dropped > 0 ? `, except the ${r.totals.dropped} the restarts dropped` : ''}`
      : code === 1
        ? `${r.findings.length} job(s) did not complete exactly once; ${r.incidents.filter((i) => i.deviation).length} driver or server incident(s)`
        : 'the run was not whole (harness)',
  );
  return `${lines.join('\n')}\n`;
}

/** A library's message on one line (they carry newlines and NULs). */
const oneLine = (text: string): string => text.replace(/[\s\0]+/g, ' ').trim();
