/**
 * Which cells and scenarios a declaration (an expectation or a race) applies to: a list left out
 * applies to every value. A server someone else runs (`--server`) is named `external`: it matches
 * the declarations that name no server and those a user declares for it (user-declarations.ts).
 * A server, client or worker named by its code base's record (`gearmand`, `php`) also selects
 * that code base's builds of other releases (`gearmand@1.1.21`, `php@8.4`): a difference is declared once and holds until a release
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

/** A peer named in `list` by itself or by its code base (another release's build of a listed peer). */
const matchesBuild = (list: readonly string[] | undefined, name: string): boolean => matches(list, name) || (list as readonly string[]).includes(codeBaseOf(name));

type Cell = { readonly server: string; readonly client: string; readonly worker: string };

export function selects(s: CellSelector, cell: Cell, scenario: string): boolean {
  return matchesBuild(s.servers, cell.server) && matchesBuild(s.clients, cell.client) && matchesBuild(s.workers, cell.worker) && (s.scenarios === '*' || s.scenarios.includes(scenario));
}

/**
 * The code bases `s` names instead of the cell's peers themselves, when it selects one of them
 * only as another release's build (a declaration for `gearmand` applied to `gearmand@1.1.21`, or
 * for the `php` client applied to `php@8.4`); undefined when it names every peer of the cell as is.
 */
export function selectedThroughBase(s: CellSelector, cell: Cell): string | undefined {
  const through = (list: readonly string[] | undefined, name: string): string | undefined =>
    list === undefined || list.includes(name) || codeBaseOf(name) === name ? undefined : `${codeBaseOf(name)} (as ${name})`;
  const bases = [through(s.servers, cell.server), through(s.clients, cell.client), through(s.workers, cell.worker)].filter((b): b is string => b !== undefined);
  return bases.length ? bases.join(', ') : undefined;
}
