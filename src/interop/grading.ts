/**
 * Grades an observed outcome against the scenario's nominal outcome and the declared
 * expectations: pass, expected-different, stale (declared difference did not happen) or fail.
 * The declarations come in as a parameter (suites/interop declares them).
 */
import type { ExpectationRef, InteropGrade } from '../report/interop/model.js';
import { type Expectation, findExpectation, findRaces, type Grading, type Race } from './declared.js';
import { selectedThroughBase } from './select.js';
import type { CellId, Scenario } from './types.js';

export interface Graded {
  readonly grade: InteropGrade;
  readonly expected: readonly string[];
  readonly expectation?: ExpectationRef;
}

export function refOf(e: Expectation | Race): ExpectationRef {
  return { id: e.id, kind: e.kind, why: e.why, source: e.source, ...('alternative' in e && e.alternative ? { alternative: e.alternative } : {}) };
}

export function grade(declarations: Grading, cell: CellId, scenario: Scenario, actual: string): Graded {
  const declared = gradeDeclared(declarations, cell, scenario, actual);
  if (declared.grade !== 'fail' && declared.grade !== 'stale') return declared;
  // A race (suites/interop/expectations/races.ts) allows the nominal outcome and the outcomes it names.
  const races = findRaces(declarations, cell, scenario.id);
  if (races.length === 0) return declared;
  const expected = [...declared.expected, ...races.map((r) => `/${r.outcomes.source}/ (${r.id})`)];
  if (actual === scenario.nominal) return { grade: 'pass', expected, expectation: refOf(races[0]!) };
  const race = races.find((r) => r.outcomes.test(actual));
  if (race) return { grade: 'expected-different', expected, expectation: refOf(race) };
  return { ...declared, expected };
}

function gradeDeclared(declarations: Grading, cell: CellId, scenario: Scenario, actual: string): Graded {
  const e = findExpectation(declarations, cell, scenario.id);
  if (!e) return { grade: actual === scenario.nominal ? 'pass' : 'fail', expected: [scenario.nominal] };
  const expected = typeof e.expect === 'string' ? [e.expect] : [...e.expect];
  const ref = refOf(e);
  if (expected.includes(actual)) return { grade: 'expected-different', expected, expectation: ref };
  // A race inside an implementation: the nominal outcome is declared possible too.
  if (actual === scenario.nominal && e.orNominal) return { grade: 'pass', expected: [...expected, scenario.nominal], expectation: ref };
  // Declared for the code base and not seen on this release's build: the difference is specific
  // to the versions it was seen on; stale only where it was declared by name.
  const base = selectedThroughBase(e, cell);
  if (actual === scenario.nominal && base !== undefined)
    return { grade: 'pass', expected: [...expected, scenario.nominal], expectation: { ...ref, versionSpecific: `declared for ${base}, not seen with these builds` } };
  if (actual === scenario.nominal) return { grade: 'stale', expected, expectation: ref };
  return { grade: 'fail', expected, expectation: ref };
}
