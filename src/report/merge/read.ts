/**
 * Reading a shard's report back for `gearspec merge`: which kind of run a directory holds
 * (certify's JSON index, or the interop matrix's), its shard and exit code, and its data. A
 * directory that holds neither, or a file that is not what its format says, is one usage error
 * naming the file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inputError, type JsonFields, jsonObject, readJsonFile } from '../../json-file.js';
import type { Shard } from '../../shard.js';
import { CERTIFY_FORMAT } from '../json.js';
import { INTEROP_FORMAT } from '../interop/write.js';

/** One input directory: where its index is and what it says of itself. */
export interface ShardIndex {
  readonly kind: 'certify' | 'interop';
  /** The directory given on the command line (errors name it). */
  readonly from: string;
  /** The directory the index and its detail files are in. */
  readonly dir: string;
  readonly index: JsonFields;
  readonly shard?: Shard;
  readonly exitCode: number;
}

function shardOf(o: JsonFields, where: string): Shard | undefined {
  if (o.shard === undefined) return undefined;
  const s = jsonObject(o.shard, where, '"shard"');
  const index = s.index;
  const count = s.count;
  if (!(Number.isInteger(index) && Number.isInteger(count) && (index as number) >= 1 && (index as number) <= (count as number)))
    throw inputError(where, '"shard" must be {"index": i, "count": n} with 1 ≤ i ≤ n');
  return { index: index as number, count: count as number };
}

/**
 * The run a directory holds: an interop report (DIR/index.json), or a certify run's JSON (DIR/json/
 * when certify had --out DIR, or DIR itself when it had --json DIR).
 */
export function readShardIndex(from: string): ShardIndex {
  const candidates = [join(from, 'index.json'), join(from, 'json', 'index.json')].filter((p) => existsSync(p));
  if (candidates.length === 0) throw inputError(from, 'no report here: expected index.json (interop --out DIR) or json/index.json (certify --out DIR)');
  for (const file of candidates) {
    const index = jsonObject(readJsonFile(file, 'report index'), file, 'a report index');
    const kind = index.format === CERTIFY_FORMAT ? 'certify' : index.format === INTEROP_FORMAT ? 'interop' : undefined;
    if (!kind) continue;
    if (!Number.isInteger(index.exitCode)) throw inputError(file, '"exitCode" must be the run’s exit code (a report written by this version of gearspec has it)');
    const shard = shardOf(index, file);
    return { kind, from, dir: join(file, '..'), index, exitCode: index.exitCode as number, ...(shard && { shard }) };
  }
  throw inputError(candidates[0]!, `not a gearspec report: "format" must be "${CERTIFY_FORMAT}" or "${INTEROP_FORMAT}"`);
}
