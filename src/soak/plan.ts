/**
 * The soak's job list: a pure function of the seed and the options, so a run can be repeated and
 * a test can compute which jobs a broken peer must have spoiled. Every job goes to one client ×
 * worker pair (the pairs take turns, in a seeded order), with a priority, foreground or background,
 * and a payload size: mostly small, some around the 64 KiB boundary, a few at the maximum. A share
 * of the foreground jobs come in coalescing pairs: two jobs with the same unique and payload that
 * two instances of the client library submit at once.
 */
import { MATRIX_NAME_PREFIX } from '../interop/runner.js';
import type { JobPriority } from '../peers/drivers/index.js';
import { Prng, seedFor } from './prng.js';

export interface PlanOptions {
  readonly seed: number;
  readonly clients: readonly string[];
  readonly workers: readonly string[];
  readonly priorities: readonly JobPriority[];
  readonly maxPayload: number;
}

export interface PlannedJob {
  /** `j<n>`: the id of the job's submit (or of its entry in a batch) and of every event about it. */
  readonly id: string;
  readonly n: number;
  readonly client: string;
  readonly worker: string;
  readonly priority: JobPriority;
  readonly background: boolean;
  readonly size: number;
  /** The job number whose unique and payload this job carries: its own, or the first of its coalescing pair. */
  readonly group: number;
  /** The other job of a coalescing pair. */
  readonly partner?: number;
}

const BACKGROUND_SHARE = 0.25;
/** Of the foreground jobs, the share that starts a coalescing pair. */
const COALESCE_SHARE = 0.08;
/** The stream numbers of the seed (prng.ts seedFor): one for the plan, one per payload, one for kills. */
export const STREAM = { plan: 1, payload: 2, kills: 3 } as const;

export const jobId = (n: number): string => `j${n}`;

/**
 * Mostly small (3 % empty, 72 % up to 4 KiB), 17 % within 512 bytes of 64 KiB (libraries' buffer
 * size), 5 % anywhere up to the maximum, 3 % exactly at it; never above it. Two draws whatever
 * the class, so the stream stays aligned.
 */
function payloadSize(rng: Prng, max: number): number {
  const r = rng.float();
  const v = rng.float();
  const at = (lo: number, hi: number): number => Math.min(max, lo + Math.floor(v * (hi - lo + 1)));
  if (r < 0.03) return 0;
  if (r < 0.75) return Math.min(max, Math.floor(2 ** (v * 12)));
  if (r < 0.92) return at(65_536 - 512, 65_536 + 512);
  if (r < 0.97) return at(Math.min(4096, max), max);
  return max;
}

/**
 * The jobs in order, endlessly or up to `limit`. Every job draws the same numbers whatever
 * `limit` is, so the first N jobs of any run with this seed and these options are the same (a pair
 * that the limit would cut becomes a single job).
 */
export function* soakPlan(o: PlanOptions, limit = Number.POSITIVE_INFINITY): Generator<PlannedJob, void> {
  const rng = new Prng(seedFor(o.seed, STREAM.plan));
  const pairs = o.clients.flatMap((client) => o.workers.map((worker) => ({ client, worker })));
  for (let i = pairs.length - 1; i > 0; i--) {
    const k = rng.int(0, i);
    [pairs[i], pairs[k]] = [pairs[k]!, pairs[i]!];
  }
  for (let n = 1; n <= limit; ) {
    const { client, worker } = pairs[(n - 1) % pairs.length]!;
    const background = rng.chance(BACKGROUND_SHARE);
    const priority = rng.pick(o.priorities);
    const size = payloadSize(rng, o.maxPayload);
    const wantsPair = rng.chance(COALESCE_SHARE);
    const partnerPriority = rng.pick(o.priorities);
    const paired = !background && wantsPair && n + 1 <= limit;
    yield { id: jobId(n), n, client, worker, priority, background, size, group: n, ...(paired ? { partner: n + 1 } : {}) };
    if (paired) yield { id: jobId(n + 1), n: n + 1, client, worker, priority: partnerPriority, background: false, size, group: n, partner: n };
    n += paired ? 2 : 1;
  }
}

/** The first `count` jobs. */
export const planJobs = (o: PlanOptions, count: number): PlannedJob[] => [...soakPlan(o, count)];

/** Every function name of a soak starts with this (the matrix's `gs.`; cleanup on a server gearspec did not start). */
export const SOAK_NAME_PREFIX = `${MATRIX_NAME_PREFIX}soak.`;

/** A token per run, in its function names and uniques, so that two soaks on one server keep apart. */
export const newRunToken = (): string => `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;

/** The one function each worker library registers: `gs.soak.<token>.<worker>`. */
export const soakFunction = (token: string, worker: string): string => `${SOAK_NAME_PREFIX}${token}.${worker}`;

/** `soak.<token>.<group>`: the unique of every job of the group. */
export const soakUnique = (token: string, group: number): string => `soak.${token}.${group}`;

/** The group number a soak unique carries, or undefined for any other unique. */
export function uniqueGroup(unique: string | undefined): number | undefined {
  const m = unique === undefined ? null : /^soak\.[0-9a-z]+\.(\d+)$/.exec(unique);
  return m ? Number(m[1]) : undefined;
}
