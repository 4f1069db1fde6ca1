/**
 * The interop matrix report model: one result per (server, client driver, worker driver) cell,
 * each with its scenario results graded against the declared expectations. A closed set of
 * grades; the JSON and HTML writers read only this model.
 */

/**
 * pass: the nominal behaviour. expected-different: a declared, sourced difference happened.
 * stale: a declared difference did not happen (the nominal behaviour did) — the expectation
 * must be removed. fail: anything else.
 */
export type InteropGrade = 'pass' | 'expected-different' | 'stale' | 'fail';

export const GRADE_ORDER: readonly InteropGrade[] = ['fail', 'stale', 'expected-different', 'pass'];

export const GRADE_LEGEND: Readonly<Record<InteropGrade, string>> = {
  pass: 'behaved as the protocol and the reference implementation do',
  'expected-different': 'behaved differently, as declared (with its source) in suites/interop/expectations.ts',
  stale: 'a declared difference did not happen: the expectation is out of date (fails the suite)',
  fail: 'an undeclared outcome: a bug in a peer, a driver or the harness (fails the suite)',
};

export interface ExpectationRef {
  readonly id: string;
  readonly kind: 'alternative' | 'unsupported' | 'interop-bug';
  readonly why: string;
  readonly source: string;
  readonly alternative?: string;
  /** Set when a difference declared for a code base did not happen on this release's build of it. */
  readonly versionSpecific?: string;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  /** Outcome label of the nominal behaviour. */
  readonly nominal: string;
  /** Outcome labels that would have been accepted (nominal, or the declared ones). */
  readonly expected: readonly string[];
  readonly actual: string;
  readonly grade: InteropGrade;
  readonly detail: string;
  readonly expectation?: ExpectationRef;
  /** True when the scenario was not run because the cell's probe showed a declared blocker. */
  readonly notRun?: boolean;
  readonly durationMs: number;
  /** What the harness sent and saw, in order. */
  readonly transcript: readonly string[];
}

export interface DriverInfo {
  readonly name: string;
  readonly library: string;
  readonly version: string;
  readonly provider: string;
}

export interface CellResult {
  readonly server: string;
  readonly client: string;
  readonly worker: string;
  readonly provider: string;
  readonly grade: InteropGrade;
  readonly counts: Readonly<Record<InteropGrade, number>>;
  readonly scenarios: readonly ScenarioResult[];
  readonly drivers: { readonly client?: DriverInfo; readonly worker?: DriverInfo };
  /** Driver logs, kept only when something failed or went stale. */
  readonly logs?: Readonly<Record<string, string>>;
  readonly durationMs: number;
}

export interface ServerRun {
  readonly name: string;
  readonly version: string;
  readonly provider: string;
  readonly wallMs: number;
  readonly cells: readonly CellResult[];
  /** Set when the server (or every driver) could not start: the whole tab is one error. */
  readonly error?: string;
}

export interface MatrixReport {
  readonly generatedAt: string;
  readonly provider: string;
  readonly wallMs: number;
  readonly servers: readonly ServerRun[];
}

export function worstGrade(grades: Iterable<InteropGrade>): InteropGrade {
  let worst: InteropGrade = 'pass';
  for (const g of grades) if (GRADE_ORDER.indexOf(g) < GRADE_ORDER.indexOf(worst)) worst = g;
  return worst;
}

export function countGrades(grades: Iterable<InteropGrade>): Record<InteropGrade, number> {
  const counts: Record<InteropGrade, number> = { pass: 0, 'expected-different': 0, stale: 0, fail: 0 };
  for (const g of grades) counts[g]++;
  return counts;
}

export const cellFileName = (c: { server: string; client: string; worker: string }): string => `${c.server}__${c.client}__${c.worker}.json`;
