/**
 * Which cells and scenarios a declaration (an expectation or a race) applies to: a list left out
 * applies to every value. A server someone else runs (`--server`) is named `external`: it matches
 * the declarations that name no server and those a user declares for it (user-declarations.ts).
 * A server named by its code base's record (`gearmand`) also selects that code base's builds of
 * other releases (`gearmand@1.1.21`): a difference is declared once and holds until a release
 * behaves otherwise, which the grading then reports as version-specific rather than stale.
 */
import { codeBaseOf, type DriverPeerName, type ServerPeerName } from '../peers/registry/index.js';

export interface CellSelector {
  /** Stable id, shown in reports. */
  readonly id: string;
  readonly servers?: readonly (ServerPeerName | 'external')[];
  readonly clients?: readonly DriverPeerName[];
  readonly workers?: readonly DriverPeerName[];
  readonly scenarios: readonly string[] | '*';
}

const matches = (list: readonly string[] | undefined, value: string): boolean => list === undefined || list.includes(value);

const matchesServer = (list: readonly string[] | undefined, server: string): boolean => matches(list, server) || (list as readonly string[]).includes(codeBaseOf(server));

export function selects(s: CellSelector, cell: { readonly server: string; readonly client: string; readonly worker: string }, scenario: string): boolean {
  return matchesServer(s.servers, cell.server) && matches(s.clients, cell.client) && matches(s.workers, cell.worker) && (s.scenarios === '*' || s.scenarios.includes(scenario));
}

/**
 * The code base `s` names instead of `server` itself, when it selects `server` only as another
 * release's build of it (a declaration for `gearmand` applied to `gearmand@1.1.21`).
 */
export function selectedThroughBase(s: CellSelector, server: string): string | undefined {
  if (s.servers === undefined || s.servers.includes(server as ServerPeerName) || codeBaseOf(server) === server) return undefined;
  return codeBaseOf(server);
}
