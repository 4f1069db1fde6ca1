/**
 * Splitting one run over several machines: `--shard i/n` keeps the items (certify's cases, the
 * interop matrix's cells) whose position in the run's full, deterministic order is i-1 modulo n.
 * Every shard computes the same order from the same flags, so the n shards together run each item
 * exactly once, and dealing round-robin keeps neighbouring (similar, similarly slow) items apart.
 * `gearspec merge` puts the shards' reports back together (src/report/merge/).
 */
import { usageError } from './errors.js';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** What a run says of itself in its JSON index: its exit code and, for a shard, which one (gearspec merge reads both). */
export interface RunMeta {
  readonly exitCode: number;
  readonly shard?: Shard;
}

/** "2/4" → { index: 2, count: 4 }; anything else is a usage error naming the flag. */
export function parseShard(text: string, flag = '--shard'): Shard {
  const m = /^([1-9][0-9]*)\/([1-9][0-9]*)$/.exec(text.trim());
  if (!m) throw usageError(`${flag} must be i/n with 1 ≤ i ≤ n (e.g. 2/4), got ${JSON.stringify(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (index > count || count > 1000) throw usageError(`${flag} must be i/n with 1 ≤ i ≤ n ≤ 1000, got ${JSON.stringify(text)}`);
  return { index, count };
}

/** Whether the item at `position` (0-based, in the run's full order) belongs to the shard. */
const inShard = (shard: Shard | undefined, position: number): boolean => shard === undefined || position % shard.count === shard.index - 1;

/** The shard's items, in order. */
export function pickShard<T>(items: readonly T[], shard: Shard | undefined): T[] {
  return items.filter((_, k) => inShard(shard, k));
}

export const shardLabel = (shard: Shard): string => `${shard.index}/${shard.count}`;

/**
 * Checks that a set of shards is one whole run: the same count, each index once. Returns the
 * count; a gap or a repeat is a usage error naming it.
 */
export function wholeRun(shards: readonly { readonly shard?: Shard; readonly from: string }[]): number {
  const unsharded = shards.filter((s) => s.shard === undefined);
  if (unsharded.length > 0 && shards.length > 1) throw usageError(`${unsharded[0]!.from} is not a shard (no --shard); merge only the shards of one run`);
  if (unsharded.length > 0) return 1;
  const count = shards[0]!.shard!.count;
  const other = shards.find((s) => s.shard!.count !== count);
  if (other) throw usageError(`${other.from} is shard ${shardLabel(other.shard!)} but ${shards[0]!.from} is shard ${shardLabel(shards[0]!.shard!)}: shards of different splits`);
  const seen = new Map<number, string>();
  for (const s of shards) {
    const before = seen.get(s.shard!.index);
    if (before) throw usageError(`shard ${shardLabel(s.shard!)} is given twice (${before} and ${s.from})`);
    seen.set(s.shard!.index, s.from);
  }
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw usageError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: merge needs every shard of the run`);
  return count;
}
