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
import type { DriverPeerName, ServerPeerName } from '../peers/registry/index.js';
import type { MatrixTarget } from './run-on.js';

export type MatrixPlan = 'full' | 'ring';
export const MATRIX_PLANS: readonly MatrixPlan[] = ['full', 'ring'];

const FULL_PRODUCT: readonly DriverPeerName[] = ['reference', 'libgearman-c', 'php', 'perl'];
const FULL_PRODUCT_SERVERS: readonly ServerPeerName[] = ['reference', 'gearmand', 'perl-gearmand'];
const among = (list: readonly string[], name: string): boolean => list.includes(name);

/**
 * The scenarios the ring runs on the servers outside Debian (where most libraries meet gaps the
 * server's own baseline already records): the probe, a background status, streaming, each way a
 * job ends, binary payloads and a worker death — one of each family instead of all 16.
 */
const RING_SCENARIOS_ELSEWHERE: readonly string[] = ['foreground', 'background-status', 'streaming', 'work-fail', 'exception-option', 'payload-binary', 'worker-death'];

/** Undefined for the full product; else whether the plan runs a scenario on a server. */
export function scenarioFilter(plan: MatrixPlan): ((server: string, scenario: string) => boolean) | undefined {
  if (plan === 'full') return undefined;
  return (server, scenario) => among(FULL_PRODUCT_SERVERS, server) || RING_SCENARIOS_ELSEWHERE.includes(scenario);
}

/** Undefined for the full product; else whether the plan runs a client × worker cell on a server. */
export function cellFilter(plan: MatrixPlan): ((server: string, client: string, worker: string) => boolean) | undefined {
  if (plan === 'full') return undefined;
  return (server, client, worker) => (among(FULL_PRODUCT_SERVERS, server) && among(FULL_PRODUCT, client) && among(FULL_PRODUCT, worker)) || client === 'reference' || worker === 'reference';
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
