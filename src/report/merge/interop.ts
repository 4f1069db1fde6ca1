/**
 * Interop shards put back together: each shard ran every n-th cell of the same matrix, so a
 * server's merged run is its shards' cells, in the matrix's order (worker by worker, then client,
 * as the drivers are listed), graded exactly as each shard graded them.
 */
import { join } from 'node:path';
import { inputError, jsonArray, jsonObject, jsonString, readJsonFile } from '../../json-file.js';
import { type CellResult, GRADE_ORDER, type MatrixReport, type ServerRun } from '../interop/model.js';
import type { ShardIndex } from './read.js';

/** The server runs an interop shard's report holds (index.json plus one file per cell). */
export function readInteropRuns(shard: ShardIndex): ServerRun[] {
  const index = `${shard.dir}/index.json`;
  return jsonArray(shard.index, 'servers', index).map((entry, i) => {
    const where = `${index} servers[${i}]`;
    const s = jsonObject(entry, where, 'a server entry');
    const cells = jsonArray(s, 'cells', where).map((c, k) => {
      const file = join(shard.dir, jsonString(jsonObject(c, `${where} cells[${k}]`, 'a cell entry'), 'file', `${where} cells[${k}]`));
      const cell = jsonObject(readJsonFile(file, 'interop cell file'), file, 'an interop cell file');
      for (const key of ['client', 'worker'] as const) jsonString(cell, key, file);
      if (!(GRADE_ORDER as readonly unknown[]).includes(cell.grade)) throw inputError(file, `"grade" must be one of ${GRADE_ORDER.join(', ')}`);
      jsonArray(cell, 'scenarios', file);
      return cell as unknown as CellResult;
    });
    return {
      name: jsonString(s, 'name', where),
      version: jsonString(s, 'version', where),
      provider: jsonString(s, 'provider', where),
      wallMs: typeof s.wallMs === 'number' ? s.wallMs : 0,
      cells,
      ...(typeof s.error === 'string' && { error: s.error }),
    };
  });
}

/** Orders driver names as the registry lists them, then names it does not know (your own drivers) alphabetically. */
const listed = (known: readonly string[]) => {
  const rank = (name: string) => (known.includes(name) ? known.indexOf(name) : known.length);
  return (a: string, b: string): number => rank(a) - rank(b) || a.localeCompare(b);
};

export function mergeInteropRuns(
  shards: readonly { readonly from: string; readonly runs: readonly ServerRun[] }[],
  drivers: { readonly clients: readonly string[]; readonly workers: readonly string[] },
): MatrixReport['servers'] {
  const byServer = new Map<string, { run: ServerRun; from: string }[]>();
  for (const s of shards) for (const run of s.runs) byServer.set(run.name, [...(byServer.get(run.name) ?? []), { run, from: s.from }]);
  const byClient = listed(drivers.clients);
  const byWorker = listed(drivers.workers);
  return [...byServer.entries()].map(([name, parts]) => {
    const seen = new Map<string, string>();
    const cells: CellResult[] = [];
    for (const { run, from } of parts) {
      for (const c of run.cells) {
        const key = `${c.client} × ${c.worker}`;
        const before = seen.get(key);
        if (before) throw inputError(from, `cell ${key} of ${name} is also in ${before}: these are not shards of one run`);
        seen.set(key, from);
        cells.push(c);
      }
    }
    cells.sort((a, b) => byWorker(a.worker, b.worker) || byClient(a.client, b.client));
    const errors = parts.flatMap(({ run, from }) => (run.error ? [`${from}: ${run.error}`] : []));
    const first = parts[0]!.run;
    return {
      name,
      version: parts.find(({ run }) => run.version !== '?')?.run.version ?? first.version,
      provider: first.provider,
      wallMs: Math.max(...parts.map(({ run }) => run.wallMs)),
      cells,
      ...(errors.length > 0 && { error: errors.join('; ') }),
    };
  });
}
