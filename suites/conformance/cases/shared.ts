/**
 * Steps shared by case modules of different sections (the protocol-wide ones live in
 * src/runner/steps.ts).
 */
import { check } from '../../../src/runner/failures.js';
import type { Probe } from '../../../src/runner/probe.js';

/**
 * Read the one reply line to a bad admin line (`what`); it must satisfy `isErr` (else fail with
 * `expected`). Then the connection must still answer "version" (`afterWhat` names that read).
 * Returns the ERR line.
 */
export async function errLineThenVersion(c: Probe, what: string, isErr: (line: string) => boolean, expected: string, afterWhat: string): Promise<string> {
  const line = await c.expectLine(what);
  check(isErr(line), expected, JSON.stringify(line));
  c.text('version');
  await c.expectLine(afterWhat);
  return line;
}
