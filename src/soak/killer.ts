/**
 * --kill-every N: after every N completed jobs, one worker instance chosen with the seeded
 * generator is killed like a crash and replaced (workers.ts). Only an instance whose library has
 * another instance working is chosen, so every library keeps a worker; a kill that falls due while
 * none can be chosen (a replacement is still starting) waits for the next completed job. Kills
 * happen one at a time (pacer.ts).
 */
import { Pacer } from './pacer.js';
import { Prng, seedFor } from './prng.js';
import { STREAM } from './plan.js';
import type { KillRecord } from './types.js';
import type { WorkerFleet } from './workers.js';

export class Killer extends Pacer {
  readonly kills: readonly KillRecord[];

  constructor(every: number, seed: number, fleet: WorkerFleet, onKill: (k: KillRecord) => void = () => undefined) {
    const rng = new Prng(seedFor(seed, STREAM.kills));
    const kills: KillRecord[] = [];
    super(every, async () => {
      const victims = fleet.victims();
      if (victims.length === 0) return false;
      const kill = await fleet.kill(rng.pick(victims));
      kills.push(kill);
      onKill(kill);
      return true;
    });
    this.kills = kills;
  }
}
