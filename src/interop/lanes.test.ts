/** Dealing a server's worker columns to lanes: whole columns, largest first, to the emptiest lane. */
import { describe, expect, it } from 'vitest';
import type { DriverPeerName } from '../peers/registry/index.js';
import { dealColumns, runMatrixInLanes } from './lanes.js';

describe('lanes', () => {
  const clients: readonly DriverPeerName[] = ['reference', 'php', 'perl', 'gear'];
  const workers: readonly DriverPeerName[] = ['reference', 'php', 'perl', 'gear', 'abraxas'];
  // A ring: every client with the reference worker, the reference client with every worker, and php × perl.
  const ring = (_server: string, client: string, worker: string): boolean => worker === 'reference' || client === 'reference' || (client === 'php' && worker === 'perl');
  const cells = (lane: Set<string>): number => [...lane].reduce((n, w) => n + clients.filter((c) => ring('s', c, w)).length, 0);

  it('deals whole columns, largest first, each to the lane with the fewest cells so far', () => {
    // Columns: reference 4 cells, perl 2, php, gear and abraxas 1 each.
    const lanes = dealColumns('s', clients, workers, ring, 2);
    expect(lanes.map((l) => [...l].sort())).toEqual([
      ['abraxas', 'reference'],
      ['gear', 'perl', 'php'],
    ]);
    expect(lanes.map(cells)).toEqual([5, 4]);
  });

  it('every column in exactly one lane; more lanes than columns leaves lanes empty; one lane holds all', () => {
    const many = dealColumns('s', clients, workers, ring, 8);
    expect(many.flatMap((l) => [...l]).sort()).toEqual([...workers].sort());
    expect(many.filter((l) => l.size === 0)).toHaveLength(3);
    expect(dealColumns('s', clients, workers, undefined, 1).map((l) => l.size)).toEqual([5]);
  });

  it('a number of lanes that is not a whole number of at least 1 is refused before anything starts', async () => {
    const options = { clients: [], workers: [], scenarios: [], declarations: { probe: { id: 'x' } }, provider: 'native' } as unknown as Parameters<typeof runMatrixInLanes>[1];
    for (const bad of [0, -1, 1.5, Number.NaN]) await expect(runMatrixInLanes({ kind: 'peer', name: 'reference' }, options, bad)).rejects.toThrow(/whole number of at least 1/);
  });

  it('a column the plan leaves empty goes to no lane', () => {
    const lanes = dealColumns('s', clients, workers, (_s, c, w) => w !== 'abraxas' && (w === 'reference' || c === 'reference'), 2);
    expect(lanes.flatMap((l) => [...l])).not.toContain('abraxas');
  });
});
