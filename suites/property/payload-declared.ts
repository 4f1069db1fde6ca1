/**
 * Generated payloads that land on a difference the interop matrix already declares for the cell
 * (suites/interop/expectations.ts, and the races of expectations/races.ts): payload classes a client or worker library cannot carry ("",
 * "0", bytes after a NUL, bytes ≥ 0x80, 64 KiB and 1 MiB replies), and cells the matrix declares
 * blocked altogether (the worker never gets a job from that server). The property does not send
 * these: the matrix checks that each declared difference still happens (and fails when one goes
 * stale), and a known-broken result could upset the server connection the rest of the property
 * runs on. The property counts them instead, so a generator that likes "" (fast-check's bias
 * does) never fails on a known, documented bug, and a payload class the matrix does not declare
 * is always sent.
 */
import { cellBlocker, type Expectation, findExpectation, findRaces, type Race } from '../../src/interop/declared.js';
import type { CellId } from '../../src/interop/types.js';
import { DECLARATIONS } from '../declarations.js';
import { EMPTY_PAYLOAD, ZERO_CHAR_PAYLOAD, payload1m, payload64k, payloadBinary, payloadEmpty } from '../interop/scenarios/payloads.js';

const DECLARED = DECLARATIONS.interop;

interface PayloadClass {
  readonly scenario: string;
  readonly covers: (payload: Buffer) => boolean;
  /**
   * The payload case of that scenario the declared outcome must name ("corrupted:nul-middle,…"),
   * or undefined when any declared outcome of the scenario covers the class (sizes).
   */
  readonly named?: string;
}

const CLASSES: readonly PayloadClass[] = [
  { scenario: payloadEmpty.id, covers: (p) => p.equals(EMPTY_PAYLOAD.bytes), named: EMPTY_PAYLOAD.name },
  { scenario: payloadBinary.id, covers: (p) => p.equals(ZERO_CHAR_PAYLOAD.bytes), named: ZERO_CHAR_PAYLOAD.name },
  // A library that loses the bytes after a NUL loses them wherever the NUL is.
  { scenario: payloadBinary.id, covers: (p) => p.includes(0), named: 'nul-middle' },
  // A library that turns the payload into text corrupts every byte ≥ 0x80.
  { scenario: payloadBinary.id, covers: (p) => p.some((b) => b >= 0x80), named: 'high-bytes' },
  { scenario: payload64k.id, covers: (p) => p.length >= 60 * 1024 },
  { scenario: payload1m.id, covers: (p) => p.length >= 256 * 1024 },
];

/** Payload case names a declared outcome label lists: "corrupted:empty,zero-char+client-stuck". */
const namedIn = (e: Expectation): string[] => [e.expect].flat().flatMap((label) => (label.split('+')[0]!.split(':')[1] ?? '').split(','));

/**
 * The declared expectation or race that covers sending this payload through this cell, if any. A
 * race over every scenario (a client that loses results at random) covers every payload; a race
 * over a payload scenario covers that scenario's class.
 */
export function declaredPayloadDifference(cell: CellId, payload: Buffer): Expectation | Race | undefined {
  const blocked = cellBlocker(DECLARED, cell, DECLARED.probe.id);
  if (blocked) return blocked;
  // A race that only touches what comes after a correct result (a worker left stuck) covers no payload.
  const racesOf = (scenario: string): Race[] => findRaces(DECLARED, cell, scenario).filter((r) => !r.afterResult);
  const everywhere = racesOf(payloadBinary.id).find((r) => r.scenarios === '*');
  if (everywhere) return everywhere;
  for (const cls of CLASSES) {
    if (!cls.covers(payload)) continue;
    const e = findExpectation(DECLARED, cell, cls.scenario);
    if (e && (cls.named === undefined || namedIn(e).includes(cls.named))) return e;
    const race = racesOf(cls.scenario)[0];
    if (race) return race;
  }
  return undefined;
}
