/**
 * The closed verdict vocabulary of a conformance run (modelled on Autobahn|Testsuite's outcome
 * labels: pass, a named alternative, non-strict, informational, unsupported, fail, harness error).
 * Every writer (console, JUnit, JSON, HTML) switches exhaustively on `Outcome`, so a new label
 * cannot be added without deciding how each report shows it.
 */

export const OUTCOMES = ['pass', 'pass-alternative', 'non-strict', 'fail', 'unsupported', 'informational', 'skipped', 'blocked', 'harness-error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Plain-words legend, shown by --list, the console summary and the HTML page. */
export const OUTCOME_LEGEND: Readonly<Record<Outcome, string>> = {
  pass: 'the server did what the requirement says',
  'pass-alternative': 'the server picked one of the named behaviours where correct servers legitimately differ (the choice is recorded)',
  'non-strict': 'a SHOULD requirement was missed; conformant, but fails under --strict',
  fail: 'a MUST requirement was violated, or the server hung, closed or sent a malformed packet',
  unsupported: 'an optional feature (packet type or admin command) the server does not implement',
  informational: 'behaviour the protocol leaves open; what the server did is recorded, not graded',
  skipped: 'not run (filtered out, or a precondition of the harness was missing)',
  blocked: 'not run: the server had stopped accepting connections (the step before it is reported as the failure)',
  'harness-error': 'gearspec itself failed while running the case; not blamed on the server',
};

/** Short labels for tables. */
export const OUTCOME_SHORT: Readonly<Record<Outcome, string>> = {
  pass: 'pass',
  'pass-alternative': 'alt',
  'non-strict': 'non-strict',
  fail: 'FAIL',
  unsupported: 'unsupp',
  informational: 'info',
  skipped: 'skip',
  blocked: 'blocked',
  'harness-error': 'HARNESS',
};

/** True for outcomes that count against the server (before any baseline). */
export function isFailing(outcome: Outcome): boolean {
  switch (outcome) {
    case 'fail':
      return true;
    case 'pass':
    case 'pass-alternative':
    case 'non-strict':
    case 'unsupported':
    case 'informational':
    case 'skipped':
    case 'blocked':
    case 'harness-error':
      return false;
  }
}

/** True for outcomes a baseline entry can no longer explain (the case now behaves). */
export function isPassing(outcome: Outcome): boolean {
  switch (outcome) {
    case 'pass':
    case 'pass-alternative':
    case 'informational':
      return true;
    case 'non-strict':
    case 'fail':
    case 'unsupported':
    case 'skipped':
    case 'blocked':
    case 'harness-error':
      return false;
  }
}
