/**
 * How a case reports that the server did not behave: a CaseFailure names every acceptable
 * outcome (Expected[]) and what was seen (Actual), like h2spec's TestError. `Unsupported` says an
 * optional feature is missing (graded `unsupported` only where the case allows it).
 */

export class CaseFailure extends Error {
  readonly expected: readonly string[];
  readonly actual: string;
  constructor(expected: readonly string[], actual: string) {
    super(`expected ${expected.join(' | ')}; actual ${actual}`);
    this.name = 'CaseFailure';
    this.expected = expected;
    this.actual = actual;
  }
}

export class Unsupported extends Error {
  readonly feature: string;
  constructor(feature: string, seen: string) {
    super(`${feature} not supported: ${seen}`);
    this.name = 'Unsupported';
    this.feature = feature;
  }
}

/** Fail with one expectation. */
export function fail(expected: string | readonly string[], actual: string): never {
  throw new CaseFailure(typeof expected === 'string' ? [expected] : expected, actual);
}

/** Assert a condition; the message pair explains what was wanted and what came. */
export function check(condition: boolean, expected: string, actual: string | (() => string)): asserts condition {
  if (!condition) throw new CaseFailure([expected], typeof actual === 'function' ? actual() : actual);
}
