/**
 * Library certification of every built-in driver, client and worker, with gearspec playing the
 * job server: every case must pass, be a declared alternative / informational / unsupported, miss
 * only a SHOULD (non-strict, as in certify's exit code), or be explained by the driver's committed baseline (suites/library/baselines), and no baseline
 * entry may be stale. Drivers run natively (each case starts a fresh driver process); a driver
 * whose library is not installed fails in CI and is a loud skip elsewhere.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { errorMessage, PeerError } from '../../src/errors.js';
import type { DriverRole } from '../../src/peers/drivers/index.js';
import { CLIENT_NAMES, WORKER_NAMES, libraryBaselineName } from '../../src/peers/registry/index.js';
import { isCi } from '../../src/peers/provider.js';
import { applyBaseline, readBaseline } from '../../src/runner/baseline.js';
import { isFailing } from '../../src/runner/outcome.js';
import { runLibrarySuite } from '../../src/runner/library/run-library.js';
import { repoRoot } from '../../src/peers/repo-paths.js';
import { LIBRARY_CATALOGUE } from './catalogue.js';
import { DECLARATIONS } from '../declarations.js';

// Per-event deadline: generous, because these suites share 2 cores with the container matrix (a
// Go or Python worker answering a job after 5 s happened there); outcomes are decided by positive
// signals, so the deadline is only paid where a library really hangs (a few baselined cases).
const TIMEOUT_MS = 10_000;

for (const role of ['client', 'worker'] as const satisfies readonly DriverRole[]) {
  describe(`${role} library certification`, () => {
    for (const name of role === 'client' ? CLIENT_NAMES : WORKER_NAMES) {
      it.concurrent(`${name} ${role}: every case passes or is baselined, no stale entry`, { timeout: 900_000 }, async ({ expect, skip }) => {
        const file = path.join(repoRoot(), `${DECLARATIONS.baselineDirs.library}/${libraryBaselineName(name, role)}`);
        const baseline = existsSync(file) ? readBaseline(file, LIBRARY_CATALOGUE) : undefined;
        // runLibrarySuite starts the driver once before any case: a library that is not installed
        // fails there, with the driver's PeerError.
        const run = await runLibrarySuite({ subject: name, role, cases: LIBRARY_CATALOGUE, timeoutMs: TIMEOUT_MS, concurrency: 3 }).catch((e: unknown) => {
          if (isCi() || !(e instanceof PeerError)) throw e;
          console.warn(`\n*** SKIPPING ${name} ${role} certification: the driver does not start (${errorMessage(e)}); sudo npx gearspec peers install installs the libraries\n`);
          return skip();
        });
        const results = baseline ? applyBaseline(run.results, baseline).results : run.results;
        const unexplained = results.filter((r) => (isFailing(r.outcome) && !r.baseline) || r.outcome === 'harness-error').map((r) => `${r.id}: ${r.outcome}: ${r.detail}`);
        const stale = results.filter((r) => r.baseline?.stale).map((r) => `${r.id}: baselined but ${r.outcome}`);
        const counts: Record<string, number> = {};
        for (const r of results) {
          const key = r.baseline && !r.baseline.stale ? `${r.outcome} (baselined)` : r.outcome;
          counts[key] = (counts[key] ?? 0) + 1;
        }
        console.log(`${name} ${role} (${run.address}): ${JSON.stringify(counts)} in ${Math.round(run.durationMs / 1000)} s`);
        expect(unexplained, `${name} ${role}: outcomes outside the baseline`).toEqual([]);
        expect(stale, `${name} ${role}: stale baseline entries`).toEqual([]);
      });
    }
  });
}
