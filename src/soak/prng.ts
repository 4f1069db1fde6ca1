/**
 * The soak's seeded pseudo-random numbers: mulberry32, a 32-bit generator with a full 2^32 period
 * and uniform bytes. gearspec's other random decisions come from fast-check (fuzz) or from the
 * driver-check byte pattern, whose float LCG repeats after a few thousand blocks; a soak payload
 * of 1 MiB must not repeat, or a result shifted by a few bytes could pass for the right one.
 * Base layer: imports nothing from gearspec.
 */

export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next 32-bit unsigned integer. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 2 ** 32;
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** `length` bytes, four per draw. */
  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    let i = 0;
    for (; i + 4 <= length; i += 4) out.writeUInt32LE(this.next(), i);
    if (i < length) {
      const last = this.next();
      for (let k = 0; i < length; i++, k++) out[i] = (last >>> (8 * k)) & 0xff;
    }
    return out;
  }
}

/** A seed for one independent stream: the run's seed mixed with the stream's numbers (e.g. a job number). */
export function seedFor(seed: number, ...parts: readonly number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}
