/**
 * One server's matrix in lanes run side by side, each lane with a server instance of its own, so
 * the cells of one lane never share a server (its queue, its crashes, its restarts) with another
 * lane's. The lanes' runs are put back together as `gearspec merge` puts shards from several
 * machines together (report/merge/interop.ts): same cells, same grades, the matrix's order.
 *
 * A lane takes whole worker columns (the runner keeps one worker driver per column, and splitting
 * a column would start that worker in every lane), dealt largest first to the lane with the
 * fewest cells. A server gearspec does not start (`--server`) runs as one lane.
 */
import { mergeInteropRuns } from '../report/merge/interop.js';
import type { ServerRun } from '../report/interop/model.js';
import type { ProviderKind } from '../peers/types.js';
import { type DriverSource, driverName } from '../peers/drivers/index.js';
import { type MatrixTarget, runMatrixOn, targetName } from './run-on.js';
import type { MatrixOptions } from './runner.js';

/** The worker columns of each lane: `lanes` sets of worker names (some may be empty). */
export function dealColumns(server: string, clients: readonly DriverSource[], workers: readonly DriverSource[], cellFilter: MatrixOptions['cellFilter'], lanes: number): Set<string>[] {
  const columns = workers
    .map((w) => ({ worker: driverName(w), cells: clients.filter((c) => cellFilter?.(server, driverName(c), driverName(w)) ?? true).length }))
    .filter((c) => c.cells > 0)
    .sort((a, b) => b.cells - a.cells);
  const dealt = Array.from({ length: Math.max(1, lanes) }, () => ({ cells: 0, workers: new Set<string>() }));
  for (const column of columns) {
    const lane = dealt.reduce((least, l) => (l.cells < least.cells ? l : least));
    lane.cells += column.cells;
    lane.workers.add(column.worker);
  }
  return dealt.map((l) => l.workers);
}

export async function runMatrixInLanes(target: MatrixTarget, options: MatrixOptions & { readonly provider: ProviderKind }, lanes: number): Promise<ServerRun> {
  if (!Number.isInteger(lanes) || lanes < 1) throw new RangeError(`lanes must be a whole number of at least 1, got ${String(lanes)}`);
  if (lanes === 1 || target.kind === 'external') return runMatrixOn(target, options);
  const name = targetName(target);
  const columns = dealColumns(name, options.clients, options.workers, options.cellFilter, lanes).filter((l) => l.size > 0);
  const runs = await Promise.all(
    columns.map((mine, i) =>
      runMatrixOn(target, {
        ...options,
        cellFilter: (server, client, worker) => mine.has(worker) && (options.cellFilter?.(server, client, worker) ?? true),
        ...(options.log && { log: (line: string) => options.log?.(`(lane ${i + 1}) ${line}`) }),
      }),
    ),
  );
  const merged = mergeInteropRuns(
    runs.map((run, i) => ({ from: `lane ${i + 1} of ${name}`, runs: [run] })),
    { clients: options.clients.map(driverName), workers: options.workers.map(driverName) },
  );
  return merged[0] ?? runs[0]!;
}
