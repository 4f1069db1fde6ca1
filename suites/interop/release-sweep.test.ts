/**
 * The release sweep's matrix subset: the Debian libraries (libgearman's C API, PHP, Perl) and the
 * reference driver, as clients × workers, through every build of each code base the registry has
 * in several Debian releases (gearmand 1.1.19.1, 1.1.20, 1.1.21), on the scenarios that carry a
 * job end to end. Each server build runs with its own release's libraries, as a deployment of
 * that release would (libgearman 1.1.19.1 and PHP 7.4 beside gearmand 1.1.19.1); Perl's
 * Gearman::Client is the same version in every release. Each build must behave as suites/interop/expectations declare (a difference
 * declared for `gearmand` holds for its other builds until one behaves nominally, which the
 * grading reports as version-specific); the report's "Across releases" section says what changed.
 * The whole release matrix is `npx gearspec releases`. The conformance catalogue's sweep over
 * the same builds is suites/conformance/peers.test.ts (each build has its own baseline).
 */
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { runMatrixOn, undeclaredOutcomes } from '../../src/interop/run-on.js';
import { driverProvider, requirePeer, serverProvider } from '../../src/peers/provider.js';
import { buildIn, type DriverPeerName, releaseOf, type ServerPeerName, serverBuildsOf } from '../../src/peers/registry/index.js';
import type { ProviderKind } from '../../src/peers/types.js';
import type { ServerRun } from '../../src/report/interop/model.js';
import { compareReleases } from '../../src/report/interop/releases.js';
import { writeInteropReport } from '../../src/report/interop/write.js';
import { DECLARATIONS } from '../declarations.js';
import { SCENARIOS } from './scenarios/index.js';

const DRIVERS = ['reference', 'libgearman-c', 'php', 'perl'] as const;
/** The drivers a server build runs with: each library as the build's own release ships it. */
const driversFor = (server: ServerPeerName): DriverPeerName[] => DRIVERS.map((d) => buildIn(d, releaseOf(server)) as DriverPeerName);
const SWEEP_SCENARIOS = ['foreground', 'background-status', 'streaming', 'work-fail', 'exception-option', 'payload-binary', 'worker-death'];

const builds = serverBuildsOf();
const serversOn: ProviderKind = serverProvider();
const provider: ProviderKind = driverProvider().provider;
const scenarios = SCENARIOS.filter((s) => SWEEP_SCENARIOS.includes(s.id));
const reportDir = path.resolve(process.env.GEARSPEC_RELEASES_REPORT_DIR ?? 'reports/interop-releases');
const runs: ServerRun[] = [];
const t0 = Date.now();

describe(`release sweep: the Debian libraries through every release's build (${provider})`, () => {
  afterAll(() => {
    if (runs.length === 0) return;
    // Builds in release order, whichever finished first.
    const ordered = [...runs].sort((a, b) => builds.indexOf(a.name as ServerPeerName) - builds.indexOf(b.name as ServerPeerName));
    const index = writeInteropReport(reportDir, { generatedAt: new Date().toISOString(), provider, wallMs: Date.now() - t0, servers: ordered }, { exitCode: 0 });
    console.log(
      `release sweep: ${ordered.map((r) => r.name).join(', ')} in ${Math.round((Date.now() - t0) / 1000)} s; ${JSON.stringify(index.releases?.map((c) => ({ base: c.base, differ: c.differences.length, withinOneDeclaration: c.differences.filter((d) => d.within).length, of: c.compared })))} → ${reportDir}/index.html`,
    );
  });

  it('covers every Debian release of gearmand', ({ expect }) => {
    expect(builds).toEqual(['gearmand@1.1.19.1', 'gearmand', 'gearmand@1.1.21']);
    expect(builds.map(driversFor)).toEqual([
      ['reference', 'libgearman-c@1.1.19.1', 'php@7.4', 'perl'],
      ['reference', 'libgearman-c', 'php', 'perl'],
      ['reference', 'libgearman-c@1.1.21', 'php@8.4', 'perl'],
    ]);
    expect(scenarios.map((s) => s.id)).toEqual(SWEEP_SCENARIOS);
  });

  for (const name of builds) {
    // Another release's build runs in a container only: a missing engine fails in CI, skips loudly elsewhere.
    it.skipIf(!requirePeer(name, `release sweep on ${name}`)).concurrent(`${name}: every cell of the Debian libraries behaves as declared`, { timeout: 1_800_000 }, async ({ expect }) => {
      const drivers = driversFor(name);
      const run = await runMatrixOn({ kind: 'peer', name }, { clients: drivers, workers: drivers, scenarios, declarations: DECLARATIONS.interop, provider, serverProvider: serversOn });
      runs.push(run);
      expect(run.error, `server ${name} could not be run`).toBeUndefined();
      expect(run.cells.length).toBe(DRIVERS.length * DRIVERS.length);
      expect(undeclaredOutcomes(run), `undeclared or stale outcomes on ${name}`).toEqual([]);
    });
  }

  it.sequential('compares the builds side by side once they have all run', ({ expect, skip }) => {
    if (runs.length < builds.length) skip();
    const [comparison] = compareReleases({ generatedAt: '', provider, wallMs: 0, servers: runs });
    expect(comparison?.base).toBe('gearmand');
    // Every scenario of every cell ran on all three builds, so each was compared.
    expect(comparison?.compared).toBe(DRIVERS.length * DRIVERS.length * SWEEP_SCENARIOS.length);
  });
});
