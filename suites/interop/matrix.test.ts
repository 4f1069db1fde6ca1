/**
 * The cross-language interop matrix: every server of the registry × the client × worker cells of
 * the `ring` plan (plan.ts; GEARSPEC_INTEROP_PLAN=full runs the whole product) × every scenario,
 * graded against suites/interop/expectations.ts. Writes reports/interop/ (cells/*.json,
 * index.json, index.html). Fails on any undeclared outcome and on any stale expectation.
 *
 * GEARSPEC_PEERS=native | container | auto (src/peers/provider.ts) picks how the external servers
 * run, and GEARSPEC_DRIVERS (default: as the servers) how the library drivers do (the reference
 * server and driver always run in-process, another release's build in its image); a missing
 * peer skips loudly, or fails in CI. GEARSPEC_INTEROP_SERVERS / _CLIENTS / _WORKERS / _SCENARIOS
 * (comma lists) narrow the run; GEARSPEC_INTEROP_LANES sets the lanes per server (default 1);
 * GEARSPEC_INTEROP_REPORT_DIR moves the report.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { driverProvider, requirePeer, serverProvider } from '../../src/peers/provider.js';
import { MATRIX_CLIENT_NAMES, MATRIX_SERVER_NAMES, SERVER_NAMES, MATRIX_WORKER_NAMES } from '../../src/peers/registry/index.js';
import type { ProviderKind } from '../../src/peers/types.js';
import type { MatrixReport, ServerRun } from '../../src/report/interop/model.js';
import { writeInteropReport } from '../../src/report/interop/write.js';
import { matrixExitCode, undeclaredOutcomes } from '../../src/interop/run-on.js';
import { runMatrixInLanes } from '../../src/interop/lanes.js';
import { cellFilter, MATRIX_PLANS, type MatrixPlan, scenarioFilter } from '../../src/interop/plan.js';
import { DECLARATIONS } from '../declarations.js';
import { SCENARIOS } from './scenarios/index.js';

function listFromEnv<T extends string>(key: string, all: readonly T[]): readonly T[] {
  const raw = process.env[key];
  if (!raw) return all;
  const wanted = raw.split(',').map((s) => s.trim());
  return all.filter((x) => wanted.includes(x));
}

// Servers where GEARSPEC_PEERS puts them; drivers where GEARSPEC_DRIVERS does (default: with the servers).
const serversOn: ProviderKind = serverProvider();
const provider: ProviderKind = driverProvider().provider;
const providers = `servers ${serversOn}, drivers ${provider}`;
// Named in the variable, any server; by default the configurations of another are left out.
const servers = process.env.GEARSPEC_INTEROP_SERVERS ? listFromEnv('GEARSPEC_INTEROP_SERVERS', SERVER_NAMES) : MATRIX_SERVER_NAMES;
const clients = listFromEnv('GEARSPEC_INTEROP_CLIENTS', MATRIX_CLIENT_NAMES);
const workers = listFromEnv('GEARSPEC_INTEROP_WORKERS', MATRIX_WORKER_NAMES);
const plan: MatrixPlan = process.env.GEARSPEC_INTEROP_PLAN ? (listFromEnv('GEARSPEC_INTEROP_PLAN', MATRIX_PLANS)[0] ?? 'ring') : 'ring';
const scenarioIds = listFromEnv(
  'GEARSPEC_INTEROP_SCENARIOS',
  SCENARIOS.map((s) => s.id),
);
const scenarios = SCENARIOS.filter((s) => scenarioIds.includes(s.id));
// Lanes per server (src/interop/lanes.ts), each with its own server instance and whole worker
// columns. One by default: on 2 cores the matrix is CPU-bound (two lanes took it from 834 s to
// 718 s), and a server whose answers depend on what earlier cells left on it (rustygeard merges
// every empty-unique job into the first one it still holds) answers a lane's first cells
// differently from the same cells after others, which the expectations were recorded on.
const DEFAULT_LANES = 1;
const lanes = Number(process.env.GEARSPEC_INTEROP_LANES ?? DEFAULT_LANES);
if (!Number.isInteger(lanes) || lanes < 1) throw new Error(`GEARSPEC_INTEROP_LANES must be a whole number of at least 1, got ${JSON.stringify(process.env.GEARSPEC_INTEROP_LANES)}`);
const reportDir = path.resolve(process.env.GEARSPEC_INTEROP_REPORT_DIR ?? 'reports/interop');

const runs: ServerRun[] = [];
const t0 = Date.now();

describe(`interop matrix (${providers}, ${plan} plan)`, () => {
  afterAll(() => {
    const report: MatrixReport = { generatedAt: new Date().toISOString(), provider: providers, wallMs: Date.now() - t0, servers: runs };
    const index = writeInteropReport(reportDir, report, { exitCode: matrixExitCode(runs) });
    console.log(
      `interop matrix (${providers}): cells ${JSON.stringify(index.totals.cells)}, scenarios ${JSON.stringify(index.totals.scenarios)}, ${Math.round(report.wallMs / 1000)} s → ${reportDir}/index.html`,
    );
  });

  // Every server's run starts at once, as `gearspec interop` runs them, instead of at most
  // vitest's maxConcurrency of these tests at a time: the servers share nothing, and most of a
  // run is spent waiting on its peers, not on the CPU. Each test awaits its own server's run.
  const toRun = servers.filter((name) => name === 'reference' || requirePeer(name, `interop matrix on ${name}`));
  const started = new Map<string, Promise<ServerRun>>();
  const runOf = (name: (typeof servers)[number]): Promise<ServerRun> => {
    let run = started.get(name);
    if (!run) {
      run = runMatrixInLanes(
        { kind: 'peer', name },
        {
          clients,
          workers,
          scenarios,
          declarations: DECLARATIONS.interop,
          provider,
          serverProvider: serversOn,
          cellFilter: cellFilter(plan),
          scenarioFilter: scenarioFilter(plan),
          log: (l) => process.env.GEARSPEC_INTEROP_VERBOSE && console.log(`[${name}] ${l}`),
        },
        lanes,
      );
      started.set(name, run);
    }
    return run;
  };
  beforeAll(() => {
    for (const name of toRun) void runOf(name);
  });

  for (const name of servers) {
    // A missing peer fails in CI (requirePeer throws) and is a loud skip elsewhere.
    (toRun.includes(name) ? it.concurrent : it.skip)(
      `${name}: every client × worker cell behaves as declared`,
      { timeout: serversOn === 'container' || provider === 'container' ? 3_600_000 : 900_000 },
      async ({ expect }) => {
        const run = await runOf(name);
        runs.push(run);
        expect(run.error, `server ${name} could not be run`).toBeUndefined();
        expect(undeclaredOutcomes(run), `undeclared or stale outcomes on ${name}`).toEqual([]);
      },
    );
  }
});
