/**
 * Names derived from the peer registry (records.ts). Every list of peer names in gearspec comes
 * from here, so a new record appears in the CLI, the matrix and the reports by itself, and a
 * misspelt name is a compile error.
 */
import path from 'node:path';
import { repoRoot } from '../repo-paths.js';
import { PEERS } from './records.js';
import type { PeerRecord, PeerRole, ProgramSpec } from './types.js';

export { PEERS } from './records.js';
export type * from './types.js';

type Table = typeof PEERS;
export type PeerName = keyof Table;
/** The peers that have `role`. */
type PeerWithRole<R extends PeerRole> = { [K in PeerName]: R extends Table[K]['roles'][number] ? K : never }[PeerName];
export type ServerPeerName = PeerWithRole<'server'>;
export type ClientPeerName = PeerWithRole<'client'>;
export type WorkerPeerName = PeerWithRole<'worker'>;
/** A peer with a client or a worker role: what a driver wraps. */
export type DriverPeerName = ClientPeerName | WorkerPeerName;
/** Server peers gearspec runs as a separate program (not embedded). */
export type ExternalServerName = Exclude<ServerPeerName, 'reference'>;
export type ExternalDriverName = Exclude<DriverPeerName, 'reference'>;

export const PEER_NAMES = Object.keys(PEERS) as PeerName[];

export function peer(name: PeerName): PeerRecord {
  return PEERS[name];
}

function peersWithRole<R extends PeerRole>(role: R): PeerWithRole<R>[] {
  return PEER_NAMES.filter((n) => (PEERS[n].roles as readonly PeerRole[]).includes(role)) as PeerWithRole<R>[];
}

export const SERVER_NAMES: readonly ServerPeerName[] = peersWithRole('server');
export const CLIENT_NAMES: readonly ClientPeerName[] = peersWithRole('client');
export const WORKER_NAMES: readonly WorkerPeerName[] = peersWithRole('worker');
/** Every peer with a client or worker driver, in registry order. */
export const DRIVER_NAMES: readonly DriverPeerName[] = PEER_NAMES.filter(
  (n): n is DriverPeerName => (CLIENT_NAMES as readonly string[]).includes(n) || (WORKER_NAMES as readonly string[]).includes(n),
);
/**
 * The servers the interop matrix and the soak run by default: one per code base and build, leaving
 * out configurations of another server (gearmand+libsqlite3), which certify covers.
 */
export const MATRIX_SERVER_NAMES: readonly ServerPeerName[] = SERVER_NAMES.filter((n) => (PEERS[n] as PeerRecord).configurationOf === undefined);
export const EXTERNAL_SERVER_NAMES: readonly ExternalServerName[] = SERVER_NAMES.filter((n): n is ExternalServerName => n !== 'reference');

export function isPeerName(value: string): value is PeerName {
  return Object.hasOwn(PEERS, value);
}
export function isServerPeerName(value: string): value is ServerPeerName {
  return (SERVER_NAMES as readonly string[]).includes(value);
}

/** `gearmand 1.1.20`: how reports and logs name a peer. */
export function peerLabel(name: PeerName): string {
  return `${name} ${PEERS[name].version}`;
}

/**
 * The file name of a server peer's committed certify baseline; the folder holding them is a
 * declaration (Declarations.baselineDirs, src/cli/declarations.ts).
 */
export function serverBaselineName(name: ServerPeerName): string {
  return `${name}-${PEERS[name].version}.json`;
}

/** The file name of a built-in driver's committed library-certification baseline in one role. */
export function libraryBaselineName(name: DriverPeerName, role: 'client' | 'worker'): string {
  return `${name}-${role}.json`;
}

/** `{root}` → the package root, in a command and its arguments. */
export function resolveProgram(spec: ProgramSpec): ProgramSpec {
  const root = repoRoot();
  const fill = (s: string): string => s.split('{root}').join(root);
  return { command: fill(spec.command), args: spec.args.map(fill) };
}

/** The absolute path of a record's `installed` check. */
export function installedPath(record: PeerRecord): string | undefined {
  const p = record.install?.installed;
  return p === undefined ? undefined : path.resolve(p.split('{root}').join(repoRoot()));
}

/** How to install a peer natively, in one line (for errors and skip messages). */
export function installHint(name: PeerName): string {
  const install = peer(name).install;
  if (!install) return `${name} runs embedded; nothing to install`;
  const parts = [install.debian ? `Debian packages ${install.debian.join(' ')}` : '', install.script ? `its install script ${install.script}` : ''].filter(Boolean);
  return `install ${name}: sudo npx gearspec peers install ${name} (${parts.join(' and ')})`;
}

/** Independent implementations and languages among `names` (the matrix's reach). */
export function reach(names: readonly PeerName[]): { implementations: string[]; languages: string[] } {
  const uniq = (xs: string[]): string[] => [...new Set(xs)].sort();
  return { implementations: uniq(names.map((n) => PEERS[n].implementation)), languages: uniq(names.map((n) => PEERS[n].language)) };
}
