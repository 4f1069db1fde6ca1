/** Shards: parsing i/n, dealing items round-robin, and recognising one whole run. */
import { describe, expect, it } from 'vitest';
import { parseShard, pickShard, wholeRun } from './shard.js';

describe('shards', () => {
  it('parses i/n and refuses anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3', '-1/2', '1/1001']) expect(() => parseShard(bad)).toThrow(/--shard must be i\/n/);
  });

  it('deals every item to exactly one shard, round-robin', () => {
    const items = Array.from({ length: 11 }, (_, i) => i);
    const shards = [1, 2, 3].map((index) => pickShard(items, { index, count: 3 }));
    expect(shards).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7, 10],
      [2, 5, 8],
    ]);
    expect(pickShard(items, undefined)).toEqual(items);
    expect(pickShard([1], { index: 2, count: 2 })).toEqual([]);
  });

  it('recognises one whole run and names what is wrong', () => {
    const s = (index: number, count: number, from = `d${index}`) => ({ shard: { index, count }, from });
    expect(wholeRun([s(2, 2), s(1, 2)])).toBe(2);
    expect(wholeRun([{ from: 'whole' }])).toBe(1);
    expect(() => wholeRun([s(1, 3), s(3, 3)])).toThrow(/shard 2\/3 missing/);
    expect(() => wholeRun([s(1, 2), s(1, 2, 'again'), s(2, 2)])).toThrow(/shard 1\/2 is given twice \(d1 and again\)/);
    expect(() => wholeRun([s(1, 2), s(2, 3)])).toThrow(/shards of different splits/);
    expect(() => wholeRun([s(1, 2), { from: 'whole' }])).toThrow(/whole is not a shard/);
  });
});
