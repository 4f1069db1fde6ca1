/**
 * Which cells of the client × worker product a run covers. `full` is the whole space (what
 * `gearspec interop` runs by default). `ring` is what `npm test` runs: on the servers Debian ships
 * and the reference server, the libraries Debian ships (libgearman through PHP and C, Perl) in
 * their full product with the reference, as before; and on every server, every library paired
 * with the reference counterpart (its client with the reference worker, the reference client with
 * its worker). The ring grows by two cells per server for each new library instead of by a row and
 * a column.
 */
import { type DriverSource, driverName } from '../peers/drivers/index.js';
import { codeBaseOf, type DriverPeerName, type ServerPeerName } from '../peers/registry/index.js';
import type { MatrixTarget } from './run-on.js';

export type MatrixPlan = 'full' | 'ring';
export const MATRIX_PLANS: readonly MatrixPlan[] = ['full', 'ring'];

const FULL_PRODUCT: readonly DriverPeerName[] = ['reference', 'libgearman-c', 'php', 'perl'];
const FULL_PRODUCT_SERVERS: readonly ServerPeerName[] = ['reference', 'gearmand', 'perl-gearmand'];
const among = (list: readonly string[], name: string): boolean => list.includes(name);
/** A server of the full product, or another release's build of one (gearmand@1.1.21 runs gearmand's plan). */
const fullProductServer = (server: string): boolean => among(FULL_PRODUCT_SERVERS, codeBaseOf(server));

/** The lifecycle and topology scenarios: each starts drivers (and a server) of its own, so they cost the most. */
const LIFECYCLE_SCENARIOS: readonly string[] = ['silent-worker', 'slow-consumer', 'servers-one-down', 'servers-one-goes-down', 'server-restart', 'server-restart-mid-job'];
/** Scenarios about the server alone (its own TCP keepalive): the ring runs them in the reference pair's cell only. */
const SERVER_ONLY_SCENARIOS: readonly string[] = ['silent-worker-keepalive'];

/**
 * The scenarios the ring runs on the servers outside Debian (where most libraries meet gaps the
 * server's own baseline already records): the probe, a background status, streaming, each way a
 * job ends, binary payloads, a worker death, and every lifecycle and topology scenario.
 */
const RING_SCENARIOS_ELSEWHERE: readonly string[] = [
  'foreground',
  'background-status',
  'streaming',
  'work-fail',
  'exception-option',
  'payload-binary',
  'worker-death',
  ...LIFECYCLE_SCENARIOS,
  ...SERVER_ONLY_SCENARIOS,
];

/**
 * Where the ring runs them: on the reference server (back within milliseconds after a restart)
 * in every cell with the reference on one side, so each library meets them once as a client and
 * once as a worker; on the other servers in the reference client's cells, which put every worker
 * library and the server's own restart, silence and slow-reader handling to the test. What they
 * show of a library (does it reconnect, fail over, read a burst) is the library's whatever its
 * partner. `GEARSPEC_INTEROP_PLAN=full` runs them in every cell of every server.
 */
const lifecycleCell = (server: string, cell: { readonly client: string; readonly worker: string }): boolean => cell.client === 'reference' || (server === 'reference' && cell.worker === 'reference');

/** Which scenarios a cell runs, when the plan narrows them per cell. */
export type ScenarioFilter = (server: string, scenario: string, cell?: { readonly client: string; readonly worker: string }) => boolean;

/**
 * Undefined for the full product; else whether the plan runs a scenario on a server (for some of
 * its cells), or, given a cell, in that cell.
 */
export function scenarioFilter(plan: MatrixPlan): ScenarioFilter | undefined {
  if (plan === 'full') return undefined;
  return (server, scenario, cell) => {
    if (!fullProductServer(server) && !RING_SCENARIOS_ELSEWHERE.includes(scenario)) return false;
    if (cell === undefined) return true;
    if (SERVER_ONLY_SCENARIOS.includes(scenario)) return cell.client === 'reference' && cell.worker === 'reference';
    return !LIFECYCLE_SCENARIOS.includes(scenario) || lifecycleCell(server, cell);
  };
}

/** Undefined for the full product; else whether the plan runs a client × worker cell on a server. */
export function cellFilter(plan: MatrixPlan): ((server: string, client: string, worker: string) => boolean) | undefined {
  if (plan === 'full') return undefined;
  return (server, client, worker) => (fullProductServer(server) && among(FULL_PRODUCT, client) && among(FULL_PRODUCT, worker)) || client === 'reference' || worker === 'reference';
}

interface PlannedCell {
  readonly target: MatrixTarget;
  readonly client: string;
  readonly worker: string;
}

/**
 * Every cell the run covers, in the runner's order (per server, worker by worker): what a selection
 * leaves to run, and the order `--shard` deals from. A cell the plan gives no scenario is left out.
 */
export function plannedCells(
  targets: readonly MatrixTarget[],
  clients: readonly DriverSource[],
  workers: readonly DriverSource[],
  scenarios: readonly { readonly id: string }[],
  plan: MatrixPlan,
): PlannedCell[] {
  const cells = cellFilter(plan);
  const perScenario = scenarioFilter(plan);
  return targets.flatMap((target) => {
    const server = target.kind === 'peer' ? target.name : 'external';
    if (!scenarios.some((s) => perScenario?.(server, s.id) ?? true)) return [];
    return workers.flatMap((w) => clients.filter((c) => cells?.(server, driverName(c), driverName(w)) ?? true).map((c): PlannedCell => ({ target, client: driverName(c), worker: driverName(w) })));
  });
}
