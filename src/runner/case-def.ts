/**
 * What a conformance case is: a typed, data-first record with a stable id.
 * Catalogue modules declare cases `as const satisfies CaseDef` and the runner only ever sees
 * this interface.
 */
import type { AlternativeId } from '../protocol/alternatives.js';
import type { CaseContext } from './context.js';
import type { FeatureName } from './features.js';

/** MUST cases fail; SHOULD cases are non-strict unless --strict; INFO cases only record. */
export type Level = 'MUST' | 'SHOULD' | 'INFO';

/** One acceptable (or explicitly graded) outcome, named so reports can list every option. */
export type OutcomeSpec =
  | { readonly outcome: 'pass'; readonly when: string }
  | { readonly outcome: 'pass-alternative'; readonly alternative: AlternativeId; readonly choice: string; readonly when: string }
  | { readonly outcome: 'informational'; readonly when: string }
  | { readonly outcome: 'unsupported'; readonly when: string };

/** What a case's run() returns when it did not fail. Failures are thrown (CaseFailure). */
export type CaseVerdict =
  | { readonly outcome: 'pass'; readonly detail?: string }
  | { readonly outcome: 'pass-alternative'; readonly alternative: AlternativeId; readonly choice: string; readonly detail?: string }
  | { readonly outcome: 'informational'; readonly detail: string }
  | { readonly outcome: 'unsupported'; readonly detail: string };

/**
 * `C` is what the case is handed: a CaseContext (connections to the server under test) for server
 * cases, a LibraryCaseContext (a scripted server and the library's driver) for client and worker
 * cases. Everything else (ids, levels, outcomes, grading, reports) is the same for both.
 */
export interface CaseDef<C = CaseContext> {
  /** Stable id, e.g. `binary/coalescing/same-unique-one-job`. Never positional. */
  readonly id: string;
  /** Section of gearspec's spec (docs/spec.md; titles in src/protocol/spec-sections.ts), e.g. "4.2". */
  readonly section: string;
  /** The normative sentence, worded as what the server MUST/SHOULD do. */
  readonly requirement: string;
  readonly level: Level;
  /** What the harness sends. */
  readonly description: string;
  /** Every acceptable outcome, by name; anything else fails (or is non-strict for SHOULD). */
  readonly outcomes: readonly OutcomeSpec[];
  /** Optional features the case needs; when the server lacks one the case is `unsupported`. */
  readonly requires?: readonly FeatureName[];
  /** How many per-read timeouts the case may spend at most (watchdog); default 8. */
  readonly budgetReads?: number;
  /** Extra wall-clock allowance in ms for cases that wait on purpose (CAN_DO_TIMEOUT). */
  readonly extraMs?: number;
  /**
   * The case restarts the server (CaseContext.restartServer, spec §4.17): it runs alone, after
   * every other case, and is `unsupported` when gearspec has no way to restart the server.
   */
  readonly restartsServer?: true;
  readonly run: (ctx: C) => Promise<CaseVerdict>;
}

/**
 * How a case that restarts the server (restartsServer) starts its `unsupported` detail when no job
 * came back: the server keeps no queue, and the run does not restart it again for the next ones.
 */
export const KEEPS_NO_QUEUE = 'the server keeps no queue across a restart';

export const pass = (detail?: string): CaseVerdict => (detail === undefined ? { outcome: 'pass' } : { outcome: 'pass', detail });
export const alternative = (id: AlternativeId, choice: string, detail?: string): CaseVerdict =>
  detail === undefined ? { outcome: 'pass-alternative', alternative: id, choice } : { outcome: 'pass-alternative', alternative: id, choice, detail };
export const informational = (detail: string): CaseVerdict => ({ outcome: 'informational', detail });
