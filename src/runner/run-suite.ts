/**
 * Run a selection of cases against one server: probe the optional features the cases need, then
 * run each case on its own connections (sequentially, or a small pool). Total time is bounded by
 * cases × their watchdog budgets; a dead or silent server costs one read timeout per case.
 */
import { randomBytes } from 'node:crypto';
import { WireLog } from '../transport/wire-log.js';
import type { CaseDef } from './case-def.js';
import type { Target } from './context.js';
import { FEATURES, type FeatureName, type FeatureSupport } from './features.js';
import { Probe } from './probe.js';
import type { CaseResult, ServerRun } from './result.js';
import { runCase } from './run-case.js';

export interface SuiteOptions {
  readonly target: Target;
  readonly cases: readonly CaseDef[];
  /** Per-read deadline, ms. */
  readonly timeoutMs: number;
  /** "Nothing arrives" window; default min(timeout, 400). */
  readonly quietMs?: number;
  readonly strict?: boolean;
  /** Cases in flight at once; default 1. Cases use private function names, so 2-4 is safe. */
  readonly concurrency?: number;
  readonly onResult?: (result: CaseResult, done: number, total: number) => void;
  readonly onCaseStart?: (c: CaseDef, index: number, total: number) => void;
}

/** Probe the features `cases` need. A server that does not even echo gets all `unknown`. */
export async function probeFeatures(target: Target, cases: readonly CaseDef[], timeoutMs: number, prefix: string): Promise<Partial<Record<FeatureName, FeatureSupport>>> {
  const needed = new Set<FeatureName>();
  for (const c of cases) for (const f of c.requires ?? []) needed.add(f);
  const out: Partial<Record<FeatureName, FeatureSupport>> = {};
  if (needed.size === 0) return out;
  const open = (label: string) => Probe.open({ ...target, label, log: new WireLog(), timeoutMs, quietMs: timeoutMs, onViolation: () => undefined });
  let alive = false;
  try {
    const p = await open('probe-echo');
    try {
      await p.expectAlive();
      alive = true;
    } finally {
      p.close();
    }
  } catch {
    alive = false;
  }
  for (const f of needed) {
    if (!alive) {
      out[f] = 'unknown';
      continue;
    }
    try {
      const p = await open(`probe-${f}`);
      try {
        out[f] = await FEATURES[f].probe(p, `${prefix}_probe_${f.replace(/[^A-Za-z0-9]/g, '_')}`);
      } finally {
        p.close();
      }
    } catch {
      out[f] = 'unknown';
    }
  }
  return out;
}

export async function runSuite(options: SuiteOptions): Promise<ServerRun> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const runToken = `gs${randomBytes(3).toString('hex')}`;
  const features = await probeFeatures(options.target, options.cases, options.timeoutMs, runToken);
  const quietMs = options.quietMs ?? Math.min(options.timeoutMs, 400);
  const results: CaseResult[] = new Array(options.cases.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= options.cases.length) return;
      const c = options.cases[i]!;
      options.onCaseStart?.(c, i, options.cases.length);
      const r = await runCase(c, { target: options.target, timeoutMs: options.timeoutMs, quietMs, strict: options.strict ?? false, features, prefix: `${runToken}_${i}` });
      results[i] = r;
      done++;
      options.onResult?.(r, done, options.cases.length);
    }
  };
  const pool = Math.max(1, Math.min(options.concurrency ?? 1, 8));
  await Promise.all(Array.from({ length: pool }, () => worker()));
  return {
    server: options.target.name,
    address: `${options.target.host}:${options.target.port}`,
    startedAt,
    durationMs: Date.now() - started,
    timeoutMs: options.timeoutMs,
    strict: options.strict ?? false,
    features,
    results,
  };
}
