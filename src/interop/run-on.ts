/**
 * One server's whole matrix, start to stop: used by the matrix suite and by `gearspec interop`.
 * A server that cannot be started or reached becomes a run with `error`, never an exception.
 */
import { releaseComparisonLines } from '../report/interop/releases.js';
import { errorMessage } from '../errors.js';
import type { ProviderKind, ServerPeerName } from '../peers/types.js';
import { countGrades, type ServerRun } from '../report/interop/model.js';
import { type MatrixOptions, runServerMatrix } from './runner.js';
import { externalMatrixServer, type MatrixServer, startMatrixServer } from './servers.js';

export type MatrixTarget = { readonly kind: 'peer'; readonly name: ServerPeerName } | { readonly kind: 'external'; readonly host: string; readonly port: number };

export const targetName = (t: MatrixTarget): string => (t.kind === 'peer' ? t.name : `${t.host}:${t.port}`);

export async function runMatrixOn(target: MatrixTarget, options: MatrixOptions & { readonly provider: ProviderKind }): Promise<ServerRun> {
  const started = Date.now();
  try {
    const server: MatrixServer = target.kind === 'peer' ? await startMatrixServer(target.name, options.serverProvider ?? options.provider) : await externalMatrixServer(target.host, target.port);
    try {
      const run = await runServerMatrix(server, options);
      // An external server is graded as "external" but shown by its address.
      return target.kind === 'external' ? { ...run, name: targetName(target) } : run;
    } finally {
      await server.stop();
    }
  } catch (e) {
    return { name: targetName(target), version: '?', provider: options.provider, wallMs: Date.now() - started, cells: [], error: errorMessage(e) };
  }
}

/** Every scenario outcome that no expectation explains, or an expectation that no longer happens. */
export function undeclaredOutcomes(run: ServerRun): string[] {
  return run.cells.flatMap((c) =>
    c.scenarios
      .filter((s) => s.grade === 'fail' || s.grade === 'stale')
      .map((s) => `${c.client} client × ${c.worker} worker / ${s.id}: ${s.grade} (expected ${s.expected.join(' or ')}, got ${s.actual}) — ${s.detail.slice(0, 300)}`),
  );
}

/** The matrix's exit code: 2 when a server could not be run, 1 on an undeclared or stale outcome, else 0. */
export function matrixExitCode(runs: readonly ServerRun[]): 0 | 1 | 2 {
  if (runs.some((r) => r.error !== undefined)) return 2;
  return runs.some((r) => undeclaredOutcomes(r).length > 0) ? 1 : 0;
}

/** The console summary: a line per server, then each outcome nothing declares. */
export function matrixSummary(runs: readonly ServerRun[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    if (run.error) {
      lines.push(`${run.name}: could not be run: ${run.error}`);
      continue;
    }
    const n = countGrades(run.cells.flatMap((c) => c.scenarios.map((s) => s.grade)));
    lines.push(`${run.name} (${run.version}): ${n.pass} nominal, ${n['expected-different']} declared differences, ${n.stale} stale, ${n.fail} undeclared, ${Math.round(run.wallMs / 1000)} s`);
    for (const line of undeclaredOutcomes(run)) lines.push(`  ${line}`);
  }
  lines.push(...releaseComparisonLines({ generatedAt: '', provider: '', wallMs: 0, servers: runs }));
  return lines.map((l) => `${l}\n`).join('');
}
