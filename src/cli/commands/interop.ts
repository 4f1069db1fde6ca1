/**
 * gearspec interop: the cross-language matrix (every client driver × every worker driver × every
 * scenario) through one or more servers: peers gearspec starts (--peer) or a running server
 * (--server). Outcomes are graded against the declarations it is given (suites/interop:
 * expectations.ts and expectations/races.ts): on an external server only the library-side entries
 * (those naming no server) apply, plus what the user declares for it (--expectations FILE).
 * Writes the HTML/JSON report.
 * Exit 0 when every outcome is nominal or declared, 1 on an undeclared or stale outcome, 2 when a
 * server could not be run or on a usage error.
 */
import path from 'node:path';
import { driverName } from '../../peers/drivers/index.js';
import { driverProvider, serverProvider } from '../../peers/provider.js';
import { CLIENT_NAMES, MATRIX_CLIENT_NAMES, MATRIX_SERVER_NAMES, MATRIX_WORKER_NAMES, PEERS, type PeerName, SERVER_NAMES, WORKER_NAMES, reach } from '../../peers/registry/index.js';
import type { ProviderKind } from '../../peers/types.js';
import type { MatrixReport, ServerRun } from '../../report/interop/model.js';
import { parseShard, pickShard, shardLabel } from '../../shard.js';
import { writeInteropReport } from '../../report/interop/write.js';
import type { InteropDeclarations } from '../../interop/declared.js';
import { readUserDeclarations, USER_EXPECTATIONS_FORMAT, withUserDeclarations } from '../../interop/user-declarations.js';
import { type MatrixTarget, matrixExitCode, matrixSummary, targetName } from '../../interop/run-on.js';
import { runMatrixInLanes } from '../../interop/lanes.js';
import { MATRIX_NAME_PREFIX } from '../../interop/runner.js';
import { MATRIX_PLANS, type MatrixPlan, plannedCells, scenarioFilter } from '../../interop/plan.js';
import { driverSources, type FlagSpecs, parseAddress, parseArgs, pickList, serverPeerArg, usageError, wholeNumber } from '../args.js';
import { type Command, EXIT, exitCodes } from '../command.js';
import { reportUnreachable } from '../reachable.js';
import { CLEANUP_FLAGS, startCleanup } from '../cleanup.js';

const DEFAULT_OUT = 'reports/interop';

const flags: FlagSpecs = {
  server: { type: 'string', repeat: true, help: 'a running server at host:port (library-side expectations and --expectations apply to it)' },
  expectations: {
    type: 'string',
    help: `JSON file of your server's known differences (format ${USER_EXPECTATIONS_FORMAT}; README, "Your own server's expectations"); applies to every --server`,
  },
  peer: {
    type: 'string',
    repeat: true,
    help: `a server gearspec starts: ${SERVER_NAMES.join(' | ')} (default: every one but the configurations of another, such as gearmand+libsqlite3, when no --server is given)`,
  },
  clients: { type: 'string', help: `comma list of client drivers (default: ${MATRIX_CLIENT_NAMES.join(',')}; also ${CLIENT_NAMES.filter((n) => !MATRIX_CLIENT_NAMES.includes(n)).join(',')})` },
  workers: { type: 'string', help: `comma list of worker drivers (default: ${MATRIX_WORKER_NAMES.join(',')}; also ${WORKER_NAMES.filter((n) => !MATRIX_WORKER_NAMES.includes(n)).join(',')})` },
  'client-cmd': { type: 'string', repeat: true, help: 'add your own client driver program, NAME=COMMAND (docs/driver-protocol.md); without --clients it is the only client' },
  'worker-cmd': { type: 'string', repeat: true, help: 'add your own worker driver program, NAME=COMMAND; without --workers it is the only worker' },
  scenarios: { type: 'string', help: 'comma list of scenario ids (default: all; see --list)' },
  plan: { type: 'string', default: 'full', help: `which client × worker cells: full (every pair) or ring (the Debian libraries in full, every other library with the reference counterpart)` },
  // No `default`: a shard must name its own --out, so an unset one has to be seen (DEFAULT_OUT applies otherwise).
  out: { type: 'string', help: `report directory (index.html, index.json, cells/) (default ${DEFAULT_OUT})` },
  shard: { type: 'string', help: 'run only shard i of n of the cells (i/n; needs --out); `gearspec merge` combines the shards’ reports' },
  lanes: {
    type: 'number',
    default: 1,
    help: 'run each server gearspec starts as N lanes side by side, each with an instance of the server of its own and whole worker columns; the report is the same as one lane’s',
  },
  list: { type: 'boolean', help: 'list the scenarios, servers and drivers (language, implementation, version), and exit' },
  verbose: { type: 'boolean', help: 'print each cell and scenario as it runs' },
  ...CLEANUP_FLAGS,
};

/** `--list`: the scenarios, then every server, client and worker with where it comes from. */
function listing(scenarios: InteropDeclarations['scenarios']): string {
  const lines = scenarios.map((s) => `${s.id.padEnd(20)} ${s.title} (nominal: ${s.nominal})`);
  const row = (n: PeerName): string => `  ${n.padEnd(16)} ${PEERS[n].language.padEnd(11)} ${PEERS[n].implementation.padEnd(16)} ${PEERS[n].version.padEnd(9)} ${PEERS[n].library}`;
  for (const [title, names] of [
    ['servers', SERVER_NAMES],
    ['clients', CLIENT_NAMES],
    ['workers', WORKER_NAMES],
  ] as const) {
    lines.push('', `${title} (${names.length}):`, ...names.map(row));
  }
  const all = reach([...SERVER_NAMES, ...CLIENT_NAMES, ...WORKER_NAMES]);
  lines.push('', `${all.implementations.length} independent implementations (${all.implementations.join(', ')}) in ${all.languages.length} languages (${all.languages.join(', ')})`);
  return `${lines.join('\n')}\n`;
}

/** The interop command over these declarations (main.ts builds it from the entry's declarations). */
export const interopCommand = (declarations: InteropDeclarations): Command => ({
  name: 'interop',
  summary: 'cross-language matrix: every client driver × worker driver × scenario through each server',
  usage: `gearspec interop [--peer NAME ...] [--server host:port ...] [--clients a,b] [--workers a,b] [--client-cmd NAME=CMD ...] [--worker-cmd NAME=CMD ...] [--scenarios a,b] [--out DIR]

${exitCodes(
  'every outcome is nominal or declared (suites/interop/expectations.ts, or --expectations)',
  'an undeclared outcome, or a declared one that no longer happens (stale)',
  'usage error; a --server nothing accepts connections at (one line, before anything runs); a\n     selection (--clients/--workers/--scenarios/--plan) that leaves no cell; a peer that could not be run',
)}`,
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (f.list) {
      process.stdout.write(listing(declarations.scenarios));
      return EXIT.OK;
    }
    const peers = ((f.peer as readonly string[] | undefined) ?? []).map((p) => serverPeerArg(p, SERVER_NAMES));
    const externals = ((f.server as readonly string[] | undefined) ?? []).map((s) => parseAddress(s, '--server'));
    const targets: MatrixTarget[] = [...peers.map((name): MatrixTarget => ({ kind: 'peer', name })), ...externals.map((a): MatrixTarget => ({ kind: 'external', ...a }))];
    if (targets.length === 0) targets.push(...MATRIX_SERVER_NAMES.map((name): MatrixTarget => ({ kind: 'peer', name })));
    const clients = driverSources(f, 'client', CLIENT_NAMES, MATRIX_CLIENT_NAMES);
    const workers = driverSources(f, 'worker', WORKER_NAMES, MATRIX_WORKER_NAMES);
    const scenarioIds = pickList(
      f.scenarios,
      declarations.scenarios.map((s) => s.id),
      '--scenarios',
    );
    const scenarios = declarations.scenarios.filter((s) => scenarioIds.includes(s.id));
    if (f.expectations !== undefined && externals.length === 0) throw usageError('--expectations describes a server you run: give it with --server host:port');
    const declared =
      f.expectations === undefined
        ? declarations
        : withUserDeclarations(
            declarations,
            readUserDeclarations(String(f.expectations), {
              scenarios: declarations.scenarios.map((s) => s.id),
              clients: clients.map(driverName),
              workers: workers.map(driverName),
            }),
          );
    const plan = String(f.plan);
    if (!(MATRIX_PLANS as readonly string[]).includes(plan)) throw usageError(`--plan must be one of ${MATRIX_PLANS.join(', ')}, got ${JSON.stringify(plan)}`);
    const shard = typeof f.shard === 'string' ? parseShard(f.shard) : undefined;
    const lanes = wholeNumber(f.lanes, 'lanes', 1);
    if (shard && typeof f.out !== 'string') throw usageError('--shard needs --out DIR: each shard writes its own report for `gearspec merge`');
    // An empty selection is a usage error, not a pass: count what each server would run.
    const planned = plannedCells(targets, clients, workers, scenarios, plan as MatrixPlan);
    if (planned.length === 0)
      throw usageError(`the selection is empty: ${clients.length} client(s) × ${workers.length} worker(s) × ${scenarios.length} scenario(s) with --plan ${plan} leave nothing to run`);
    // A shard keeps every n-th cell of the whole run's order; a server none of them is on is not started.
    const mine = pickShard(planned, shard);
    const cellsOf = (t: MatrixTarget) => new Set(mine.filter((c) => c.target === t).map((c) => `${c.client}\0${c.worker}`));
    // A running server named with --server must be there (one line, before any peer starts).
    if (
      await reportUnreachable(
        'interop',
        targets.flatMap((t) => (t.kind === 'external' ? [t] : [])),
      )
    )
      return EXIT.HARNESS;
    const resolved = driverProvider();
    const provider: ProviderKind = resolved.provider;
    const running = targets.filter((t) => cellsOf(t).size > 0);
    process.stdout.write(
      `interop: ${targets.map(targetName).join(', ')}; ${clients.length} clients × ${workers.length} workers × ${scenarios.length} scenarios; drivers ${provider} (${resolved.reason})${shard ? `; shard ${shardLabel(shard)}: ${mine.length} of ${planned.length} cells` : ''}\n`,
    );

    const t0 = Date.now();
    // Servers run side by side: each has its own drivers and names, and most time is waiting.
    // On a server gearspec did not start, the jobs left under the matrix's names (`gs.…`) are removed afterwards.
    const runs: ServerRun[] = await Promise.all(
      running.map(async (t) => {
        const ours = cellsOf(t);
        const cleanUp = t.kind === 'external' ? await startCleanup(f, t, targetName(t), 3000, (fn) => fn.startsWith(MATRIX_NAME_PREFIX)) : undefined;
        const run = await runMatrixInLanes(
          t,
          {
            clients,
            workers,
            scenarios,
            declarations: declared,
            provider,
            serverProvider: serverProvider(),
            cellFilter: (_server, client, worker) => ours.has(`${client}\0${worker}`),
            scenarioFilter: scenarioFilter(plan as MatrixPlan),
            log: (l) => f.verbose && process.stdout.write(`[${targetName(t)}] ${l}\n`),
          },
          lanes,
        );
        await cleanUp?.();
        return run;
      }),
    );
    const report: MatrixReport = { generatedAt: new Date().toISOString(), provider, wallMs: Date.now() - t0, servers: runs };
    const code = matrixExitCode(runs);
    const dir = path.resolve(typeof f.out === 'string' ? f.out : DEFAULT_OUT);
    const index = writeInteropReport(dir, report, { exitCode: code, ...(shard && { shard }) });
    process.stdout.write(matrixSummary(runs));
    process.stdout.write(`cells ${JSON.stringify(index.totals.cells)} → ${path.join(dir, 'index.html')}\n`);
    return code;
  },
});
