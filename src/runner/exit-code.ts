/**
 * The run's exit code: 0 when everything outside the baseline passes, 1 on a
 * failure or a stale baseline entry, 2 on a harness error.
 */
import type { ServerRun } from './result.js';

interface RunTally {
  readonly failures: number;
  readonly baselined: number;
  readonly stale: number;
  readonly harnessErrors: number;
}

export function tally(runs: readonly ServerRun[]): RunTally {
  let failures = 0;
  let baselined = 0;
  let stale = 0;
  let harnessErrors = 0;
  for (const run of runs) {
    for (const r of run.results) {
      if (r.outcome === 'harness-error') harnessErrors++;
      if (r.baseline?.stale) stale++;
      if (r.outcome === 'fail') {
        if (r.baseline && !r.baseline.stale) baselined++;
        else failures++;
      }
    }
  }
  return { failures, baselined, stale, harnessErrors };
}

export function exitCode(runs: readonly ServerRun[]): 0 | 1 | 2 {
  const t = tally(runs);
  if (t.harnessErrors > 0) return 2;
  if (t.failures > 0 || t.stale > 0) return 1;
  return 0;
}
