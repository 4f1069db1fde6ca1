/**
 * A failed check, thrown by a step: what the harness expected, what came instead, and what to
 * change in the driver. The runner turns it into a ✗ line; anything else a step throws is reported
 * the same way with the error's text as what came.
 */
interface FailureText {
  /** What the protocol requires here, in one sentence. */
  readonly expected: string;
  /** What the driver did instead. */
  readonly actual: string;
  /** What to change in the driver. */
  readonly fix: string;
}

export class StepFailure extends Error {
  readonly expected: string;
  readonly actual: string;
  readonly fix: string;

  constructor(text: FailureText) {
    super(`${text.expected}; got ${text.actual}`);
    this.name = 'StepFailure';
    this.expected = text.expected;
    this.actual = text.actual;
    this.fix = text.fix;
  }
}

export function fail(expected: string, actual: string, fix: string): never {
  throw new StepFailure({ expected, actual, fix });
}
