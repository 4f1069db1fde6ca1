/**
 * Generated payloads that land on a difference the interop matrix already declares: "" and "0",
 * which some client and worker libraries cannot carry (suites/interop/expectations.ts). The
 * property does not send these: the matrix checks that each declared difference still happens
 * (and fails when one goes stale), and a malformed WORK_COMPLETE from a Perl worker could upset the
 * server connection the rest of the property runs on. The property counts them instead, so a
 * generator that likes "" (fast-check's bias does) never fails on a known, documented bug, and a
 * payload class the matrix does not declare is always sent.
 */
import { type Expectation, findExpectation } from '../interop/expectations.js';
import { EMPTY_PAYLOAD, type PayloadCase, ZERO_CHAR_PAYLOAD, payloadBinary, payloadEmpty } from '../interop/scenarios/payloads.js';
import type { CellId } from '../interop/types.js';

const CLASSES: readonly { readonly scenario: string; readonly payload: PayloadCase }[] = [
  { scenario: payloadEmpty.id, payload: EMPTY_PAYLOAD },
  { scenario: payloadBinary.id, payload: ZERO_CHAR_PAYLOAD },
];

/** The declared expectation whose outcome names this exact payload for this cell, if any. */
export function declaredPayloadDifference(cell: CellId, payload: Buffer): Expectation | undefined {
  const cls = CLASSES.find((c) => c.payload.bytes.equals(payload));
  if (!cls) return undefined;
  const e = findExpectation(cell, cls.scenario);
  if (!e) return undefined;
  // Outcome labels look like "corrupted:empty" or "client-refused:empty,zero-char", with what the
  // matrix's fresh-job check found after a "+" ("corrupted:empty+client-stuck").
  const named = [e.expect].flat().some((label) => (label.split('+')[0]!.split(':')[1] ?? '').split(',').includes(cls.payload.name));
  return named ? e : undefined;
}
