/** The benchmark's table and JSON report. */
export interface BenchRow {
  readonly server: string;
  readonly config: string;
  readonly version: string;
  readonly status: 'ok' | 'failed';
  readonly jobsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly completed: number;
  readonly mismatches: number;
  readonly serverCpuPercent: number;
  readonly generatorCpuPercent: number;
  /** Server CPU time per completed job, in microseconds: robust when the machine is shared. */
  readonly serverCpuUsPerJob: number;
  /** Generator-side counts per completed job (see LoadWindow.perJob). */
  readonly perJob: { readonly noops: number; readonly noJobs: number; readonly reads: number; readonly packetsIn: number } | undefined;
  /** jobs/s divided by the best C gearmand's jobs/s. */
  ratioVsBestC: number;
  bestC: boolean;
  readonly errors: readonly string[];
}

const fmt = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

export function renderTable(rows: readonly BenchRow[]): string {
  const header = ['server', 'config', 'jobs/s', 'p50 ms', 'p99 ms', 'vs best C', 'server CPU%', 'server µs/job', 'gen CPU%', 'NOOP/job', 'reads/job', 'notes'];
  const body = rows.map((r) => [
    r.server,
    r.config,
    r.status === 'ok' ? fmt(r.jobsPerSec, 0) : 'FAILED',
    fmt(r.p50Ms, 2),
    fmt(r.p99Ms, 2),
    Number.isFinite(r.ratioVsBestC) ? `${fmt(r.ratioVsBestC, 2)}x` : '-',
    fmt(r.serverCpuPercent, 0),
    fmt(r.serverCpuUsPerJob, 0),
    fmt(r.generatorCpuPercent, 0),
    fmt(r.perJob?.noops ?? Number.NaN, 2),
    fmt(r.perJob?.reads ?? Number.NaN, 2),
    [r.bestC ? 'best C' : '', r.mismatches ? `${r.mismatches} mismatches` : '', r.errors.length ? r.errors[0]!.slice(0, 60) : ''].filter(Boolean).join('; '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => (i >= 2 && i <= 10 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i >= 2 && i <= 10 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...body.map(line)].join('\n');
}

/** Fill ratioVsBestC and mark the best C gearmand row. */
export function rankAgainstC(rows: BenchRow[]): void {
  const cRows = rows.filter((r) => r.server === 'gearmand' && r.status === 'ok');
  const best = cRows.reduce<BenchRow | undefined>((b, r) => (!b || r.jobsPerSec > b.jobsPerSec ? r : b), undefined);
  for (const r of rows) {
    r.bestC = r === best;
    r.ratioVsBestC = best && r.status === 'ok' ? r.jobsPerSec / best.jobsPerSec : Number.NaN;
  }
}
