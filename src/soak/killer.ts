/**
 * --kill-every N: after every N completed jobs, one worker instance chosen with the seeded
 * generator is killed like a crash and replaced (workers.ts). Only an instance whose library has
 * another instance working is chosen, so every library keeps a worker; a kill that falls due while
 * none can be chosen (a replacement is still starting) waits for the next completed job. Kills
 * happen one at a time.
 */
import { Prng, seedFor } from './prng.js';
import { STREAM } from './plan.js';
import type { KillRecord } from './types.js';
import type { WorkerFleet } from './workers.js';

export class Killer {
  readonly #every: number;
  readonly #rng: Prng;
  readonly #fleet: WorkerFleet;
  readonly #onKill: (k: KillRecord) => void;
  readonly kills: KillRecord[] = [];
  #completed = 0;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(every: number, seed: number, fleet: WorkerFleet, onKill: (k: KillRecord) => void = () => undefined) {
    this.#onKill = onKill;
    this.#every = every;
    this.#rng = new Prng(seedFor(seed, STREAM.kills));
    this.#fleet = fleet;
  }

  /** Called with the number of jobs completed so far, after each. */
  completed(count: number): void {
    this.#completed = count;
    if (!this.#running && this.#due()) this.#running = this.#loop().finally(() => (this.#running = undefined));
  }

  /** No more kills; waits for one under way (and its replacement). */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  #due(): boolean {
    return !this.#stopped && this.#completed >= (this.kills.length + 1) * this.#every;
  }

  async #loop(): Promise<void> {
    while (this.#due()) {
      const victims = this.#fleet.victims();
      if (victims.length === 0) return;
      const kill = await this.#fleet.kill(this.#rng.pick(victims));
      this.kills.push(kill);
      this.#onKill(kill);
    }
  }
}
