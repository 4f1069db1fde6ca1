/** The report model every writer reads: one ServerRun per server, one CaseResult per case. */
import type { AlternativeId } from '../protocol/alternatives.js';
import type { WireEntry } from '../transport/wire-log.js';
import type { Level } from './case-def.js';
import type { FeatureName, FeatureSupport } from './features.js';
import type { Outcome } from './outcome.js';

interface BaselineMark {
  readonly reason: string;
  readonly source: string;
  /** The case now passes: the entry is stale and should be removed. */
  readonly stale: boolean;
}

export interface CaseResult {
  readonly id: string;
  readonly section: string;
  readonly level: Level;
  readonly requirement: string;
  readonly description: string;
  readonly outcome: Outcome;
  /** For pass-alternative: which named alternative and the server's choice. */
  readonly alternative?: { readonly id: AlternativeId; readonly choice: string };
  readonly durationMs: number;
  /** One line: why this outcome (the observation, the missing feature, the error). */
  readonly detail: string;
  /** For failures: every acceptable outcome, and what was seen. */
  readonly expected?: readonly string[];
  readonly actual?: string;
  /** Packets from the server that broke the protocol table. */
  readonly violations: readonly string[];
  readonly wire: readonly WireEntry[];
  /** Logs of the peers the case ran (library certification: the driver's output), for failures. */
  readonly logs?: string;
  readonly baseline?: BaselineMark;
}

/** One step of the feature probe (run-suite.ts): the feature (or `echo`), what it concluded, its traffic. */
export interface ProbeStep {
  readonly feature: string;
  readonly support: string;
  readonly wire: readonly WireEntry[];
}

export interface ServerRun {
  /** Display name ("reference", "gearmand 1.1.20", "127.0.0.1:4730", "php client"). */
  readonly server: string;
  /** What was certified: a server (the default), or a client or worker library through its driver. */
  readonly subject?: 'server' | 'client' | 'worker';
  readonly address: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly timeoutMs: number;
  readonly strict: boolean;
  readonly features: Readonly<Partial<Record<FeatureName, FeatureSupport>>>;
  /** The feature probe's steps with their traffic (server runs). */
  readonly probe?: readonly ProbeStep[];
  readonly results: readonly CaseResult[];
  /** Baseline file applied, if any. */
  readonly baselineFile?: string;
  /** Baseline entries for cases that were not run in this selection (not judged). */
  readonly baselineUnused?: readonly string[];
}
