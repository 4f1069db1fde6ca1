/**
 * Which cells and scenarios a declaration (an expectation or a race) applies to: a list left out
 * applies to every value. A server someone else runs (`--server`) is named `external`: it matches
 * the declarations that name no server and those a user declares for it (user-declarations.ts).
 */
import type { DriverPeerName, ServerPeerName } from '../peers/registry/index.js';

export interface CellSelector {
  /** Stable id, shown in reports. */
  readonly id: string;
  readonly servers?: readonly (ServerPeerName | 'external')[];
  readonly clients?: readonly DriverPeerName[];
  readonly workers?: readonly DriverPeerName[];
  readonly scenarios: readonly string[] | '*';
}

const matches = (list: readonly string[] | undefined, value: string): boolean => list === undefined || list.includes(value);

export function selects(s: CellSelector, cell: { readonly server: string; readonly client: string; readonly worker: string }, scenario: string): boolean {
  return matches(s.servers, cell.server) && matches(s.clients, cell.client) && matches(s.workers, cell.worker) && (s.scenarios === '*' || s.scenarios.includes(scenario));
}
