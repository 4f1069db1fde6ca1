/**
 * Soak payloads: each a pure function of the run's seed, the job's group (prng.ts, plan.ts) and
 * its size, so the harness regenerates a payload wherever it checks one instead of keeping
 * megabytes per job in flight. Every payload of one byte or more starts with a high byte, and of
 * two or more has a NUL in the middle (at the end for two bytes), where C string handling and text
 * decoding break. A wrong result is described by its length and first differing offset, with the
 * likely cause (driver-check's words), and, when it is another job's payload, which job's.
 */
import { firstDifference, payloadMismatch } from '../runner/driver-check/payloads.js';
import { unb64 } from '../peers/drivers/index.js';
import { STREAM } from './plan.js';
import { Prng, seedFor } from './prng.js';

export function payloadOf(seed: number, group: number, size: number): Buffer {
  const out = new Prng(seedFor(seed, STREAM.payload, group)).bytes(size);
  if (size >= 1) out[0] = out[0]! | 0x80;
  if (size >= 2) out[size >> 1] = 0x00;
  return out;
}

/** How a payload differs from the one expected. */
export interface Mismatch {
  readonly expectedLength: number;
  readonly length: number;
  /** The first offset where the bytes differ (the shorter length when one is a prefix of the other). */
  readonly firstDifference: number;
  /** In words, with the likely cause. */
  readonly words: string;
}

/** Undefined when `gotB64` carries exactly `expected`. */
export function mismatch(expected: Buffer, gotB64: string): Mismatch | undefined {
  const words = payloadMismatch(expected, gotB64);
  if (words === undefined) return undefined;
  const got = unb64(gotB64);
  return { expectedLength: expected.length, length: got.length, firstDifference: firstDifference(expected, got), words };
}

/** Shorter bytes than this are too likely to be anyone's payload to name whose they are. */
const ATTRIBUTABLE_BYTES = 4;

/**
 * The job among `jobs` (those of the result's length) whose payload `got` is, other than `self`
 * (a mix-up of results), if any.
 */
export function whosePayload(seed: number, got: Buffer, jobs: Iterable<{ readonly id: string; readonly group: number; readonly size: number }>, self: number): string | undefined {
  if (got.length < ATTRIBUTABLE_BYTES) return undefined;
  for (const j of jobs) {
    if (j.group === self || j.size !== got.length) continue;
    if (payloadOf(seed, j.group, j.size).equals(got)) return j.id;
  }
  return undefined;
}
