/**
 * Certify shards put back together: each shard ran every n-th case against the same servers and
 * libraries, so a server's merged run is its shards' results in catalogue order, judged (baseline
 * marks included) exactly as each shard judged them. A baseline entry is "not run" only when no
 * shard ran its case.
 */
import { join } from 'node:path';
import { inputError, jsonArray, jsonObject, jsonString, readJsonFile } from '../../json-file.js';
import { OUTCOMES } from '../../runner/outcome.js';
import type { CaseResult, ServerRun } from '../../runner/result.js';
import type { ShardIndex } from './read.js';

/** The full runs a certify shard's JSON holds (one detail file per server). */
export function readCertifyRuns(shard: ShardIndex): ServerRun[] {
  const servers = jsonObject(shard.index.servers, `${shard.dir}/index.json`, '"servers"');
  return Object.entries(servers).map(([name, entry]) => {
    const where = `${shard.dir}/index.json servers.${name}`;
    const file = join(shard.dir, jsonString(jsonObject(entry, where, 'a server entry'), 'detailFile', where));
    const run = jsonObject(readJsonFile(file, 'certify detail file'), file, 'a certify detail file');
    if (jsonString(run, 'server', file) !== name) throw inputError(file, `holds server ${JSON.stringify(run.server)}, but the index lists it as ${JSON.stringify(name)}`);
    jsonArray(run, 'results', file).forEach((r, i) => {
      const at = `${file} results[${i}]`;
      const result = jsonObject(r, at, 'a result');
      jsonString(result, 'id', at);
      if (!(OUTCOMES as readonly unknown[]).includes(result.outcome)) throw inputError(at, `"outcome" must be one of ${OUTCOMES.join(', ')}`);
    });
    // Checked above where the merge depends on it; the rest is the shape certify itself wrote.
    return run as unknown as ServerRun;
  });
}

/** One run per server (first-seen order), each case once, in `order` (catalogue position). */
export function mergeCertifyRuns(shards: readonly { readonly from: string; readonly runs: readonly ServerRun[] }[], order: (caseId: string) => number): ServerRun[] {
  const byServer = new Map<string, { run: ServerRun; from: string }[]>();
  for (const s of shards) for (const run of s.runs) byServer.set(run.server, [...(byServer.get(run.server) ?? []), { run, from: s.from }]);
  return [...byServer.entries()].map(([server, parts]) => {
    const seen = new Map<string, string>();
    const results: CaseResult[] = [];
    for (const { run, from } of parts) {
      for (const r of run.results) {
        const before = seen.get(r.id);
        if (before) throw inputError(from, `case ${r.id} of ${server} is also in ${before}: these are not shards of one run`);
        seen.set(r.id, from);
        results.push(r);
      }
    }
    results.sort((a, b) => order(a.id) - order(b.id));
    const first = parts[0]!.run;
    const notRunAnywhere = first.baselineUnused?.filter((id) => parts.every(({ run }) => run.baselineUnused?.includes(id)));
    return {
      ...first,
      results,
      startedAt: parts.map(({ run }) => run.startedAt).sort()[0]!,
      durationMs: Math.max(...parts.map(({ run }) => run.durationMs)),
      ...(notRunAnywhere && { baselineUnused: notRunAnywhere }),
    };
  });
}
