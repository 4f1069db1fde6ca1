/**
 * Every server peer in the registry passes everything outside its committed baseline, and no
 * baseline entry is stale. Missing peers: a failure in CI, a loud skip elsewhere.
 */
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { applyBaseline, raceOf, readBaseline } from '../../src/runner/baseline.js';
import { exitCode } from '../../src/runner/exit-code.js';
import { repoRoot } from '../../src/peers/repo-paths.js';
import { runSuite } from '../../src/runner/run-suite.js';
import { PEER_NAMES, startTarget, type StartedTarget } from '../../src/runner/targets.js';
import { PEERS, type PeerRecord, type ServerPeerName, serverBaselineName } from '../../src/peers/registry/index.js';
import { requirePeer } from '../../src/peers/provider.js';
import { CATALOGUE } from './catalogue.js';
import { PROFILE_ALIASES } from '../../src/model/profiles.js';
import { seenAndDeclaredChoices } from './declared-choices.js';
import { DECLARATIONS } from '../declarations.js';

/** A peer's committed baseline, where the declarations keep it (relative to the package root). */
const baselineFile = (peer: ServerPeerName): string => `${DECLARATIONS.baselineDirs.server}/${serverBaselineName(peer)}`;

const started: StartedTarget[] = [];
afterAll(async () => {
  for (const s of started) await s.stop();
});

// The servers run side by side: most of a run is waiting out read deadlines of failing cases.
describe('conformance of every server peer', () => {
  for (const peer of PEER_NAMES) {
    // A missing peer fails in CI (requirePeer throws) and is a loud skip elsewhere.
    it.skipIf(!requirePeer(peer, `conformance against ${peer}`)).concurrent(
      `${peer} passes every case outside ${baselineFile(peer)}, with no stale entry`,
      { timeout: 1_800_000 },
      async ({ expect }) => {
        const target = await startTarget({ kind: 'peer', name: peer });
        started.push(target);
        try {
          // Per-read deadline for answers that must come. In CI the container interop matrix shares the
          // 2 cores; one JOB_CREATED from containerised gearmand once took longer than 2.5 s there.
          // Waits for answers that must NOT come use the separate quiet window (400 ms), unchanged.
          // Four cases in flight: most of a peer's run is its failing cases waiting out deadlines
          // (gear 0.16.0: 873 of 1,056 s of case time), which costs no CPU. Measured natively on gear:
          // 310 s wall with 4, about 580 s with 2, the same verdicts; a crash's suspects are re-run alone.
          const run = await runSuite({ target: target.target, server: target, cases: CATALOGUE, timeoutMs: 5000, concurrency: 4 });
          const baseline = readBaseline(join(repoRoot(), baselineFile(peer)), CATALOGUE);
          const applied = applyBaseline(run.results, baseline);
          const runs = [{ ...run, results: applied.results }];
          const unexplained = applied.results
            .filter((r) => (r.outcome === 'fail' && !r.baseline) || r.baseline?.stale || r.outcome === 'harness-error')
            .map((r) => `${r.id}: ${r.baseline?.stale ? 'STALE baseline' : r.detail}`);
          expect(unexplained).toEqual([]);
          // Every entry's case failed in this run (a passing one is stale above; one that was not run,
          // blocked or only non-strict is not confirmed), except inside a declared race's families,
          // where a pass proves nothing. Failures a race explains come on top of the entries.
          const unconfirmed = baseline.entries
            .filter((e) => e.flaky !== true && raceOf(baseline, e.case) === undefined && applied.results.find((r) => r.id === e.case)?.outcome !== 'fail')
            .map((e) => e.case);
          expect(unconfirmed).toEqual([]);
          expect(exitCode(runs)).toBe(0);
          // A configuration with a persistent queue must really have kept one: the durability cases
          // ran (none `unsupported`), whatever they found.
          if ((PEERS[peer] as PeerRecord).server?.queue) {
            const notRun = applied.results.filter((r) => r.id.startsWith('binary/durability/') && r.outcome === 'unsupported').map((r) => `${r.id}: ${r.detail}`);
            expect(notRun).toEqual([]);
          }
          // What alternatives.ts says this server chooses is what it was just seen to choose.
          // (Only servers with a model profile have their choices declared there.)
          const profile = PROFILE_ALIASES[peer];
          if (profile) {
            const choices = seenAndDeclaredChoices(applied.results, profile);
            expect(choices.seen).toEqual(choices.declared);
          }
        } finally {
          await target.stop();
        }
      },
    );
  }
});
