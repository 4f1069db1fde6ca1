/**
 * What the interop matrix is graded against, as shapes and lookups: the declarations themselves
 * (every expectation, race and wire finding, and the scenario that probes a cell) live in
 * suites/interop and reach the engine as an `InteropDeclarations` value, so the engine never
 * imports a catalogue (dependencies point from suites/ to src/, not back).
 * First matching entry wins, so a catalogue lists specific entries before general ones.
 */
import type { AlternativeId } from '../protocol/alternatives.js';
import type { DriverPeerName } from '../peers/types.js';
import { type CellSelector, selects } from './select.js';
import type { CellId, Scenario } from './types.js';

export interface Expectation extends CellSelector {
  /** Outcome label(s) that happen instead of the nominal one. */
  readonly expect: string | readonly string[];
  /**
   * The probe scenario fails this way and nothing else in the cell can work: when the probe
   * behaves as declared, the cell's other scenarios are reported as expected-different, not run.
   */
  readonly blocksCell?: boolean;
  /**
   * The difference depends on timing (a race inside the implementation, which `why` names), so
   * the nominal outcome is accepted too and is not stale.
   */
  readonly orNominal?: true;
  /** alternative: both behaviours are legitimate; unsupported: a feature is missing; interop-bug: a real incompatibility. */
  readonly kind: 'alternative' | 'unsupported' | 'interop-bug';
  readonly alternative?: AlternativeId;
  readonly why: string;
  readonly source: string;
}

export interface Race extends CellSelector {
  /** Outcome labels the race can produce besides the nominal and the declared ones. */
  readonly outcomes: RegExp;
  /**
   * The race only touches what follows a correct result (its outcomes are a nominal outcome plus a
   * check suffix), so it covers no difference in the result itself (the payload property ignores it).
   */
  readonly afterResult?: true;
  readonly kind: 'interop-bug';
  readonly why: string;
  readonly source: string;
}

/**
 * Request-side findings that are declared: packets a library is known to send that break the
 * protocol table (src/runner/packet-check.ts). The matrix and the payload property check every
 * packet a library sends; a violation listed here is counted under its id, any other fails.
 */
export interface WireFinding {
  readonly id: string;
  readonly role: 'client' | 'worker';
  readonly drivers: readonly DriverPeerName[];
  /** Matches the violation text the check reports. */
  readonly violation: RegExp;
  readonly why: string;
  readonly source: string;
}

/** The matrix's declarations (suites/interop: scenarios/, expectations.ts, expectations/races.ts). */
export interface InteropDeclarations {
  /** Every scenario, in run order. */
  readonly scenarios: readonly Scenario[];
  /** The cell's probe: when it behaves as a `blocksCell` expectation declares, the rest of the cell is not run. */
  readonly probe: Scenario;
  readonly expectations: readonly Expectation[];
  readonly races: readonly Race[];
  readonly wireFindings: readonly WireFinding[];
}

/** The part of the declarations that grades an outcome. */
export type Grading = Pick<InteropDeclarations, 'expectations' | 'races'>;

export function findExpectation(declared: Pick<InteropDeclarations, 'expectations'>, cell: CellId, scenario: string): Expectation | undefined {
  return declared.expectations.find((e) => selects(e, cell, scenario));
}

/** The expectation that blocks this cell when its probe behaves as declared. */
export function cellBlocker(declared: Pick<InteropDeclarations, 'expectations'>, cell: CellId, probe: string): Expectation | undefined {
  const e = findExpectation(declared, cell, probe);
  return e?.blocksCell ? e : undefined;
}

/**
 * Every race that covers this cell and scenario, in declaration order. Races of different parties
 * (a racy client and a racy worker in one cell) each allow their own outcomes, so all are consulted.
 */
export function findRaces(declared: Pick<InteropDeclarations, 'races'>, cell: CellId, scenario: string): Race[] {
  return declared.races.filter((r) => selects(r, cell, scenario));
}

export function findRace(declared: Pick<InteropDeclarations, 'races'>, cell: CellId, scenario: string): Race | undefined {
  return findRaces(declared, cell, scenario)[0];
}

/** The declared wire finding this violation (by a driver in a role) is, if any. */
export function declaredWireFinding(declared: Pick<InteropDeclarations, 'wireFindings'>, driver: string, role: 'client' | 'worker', violation: string): WireFinding | undefined {
  return declared.wireFindings.find((f) => f.role === role && (f.drivers as readonly string[]).includes(driver) && f.violation.test(violation));
}
