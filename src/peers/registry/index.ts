/**
 * Names derived from the peer registry (records.ts). Every list of peer names in gearspec comes
 * from here, so a new record appears in the CLI, the matrix and the reports by itself, and a
 * misspelt name is a compile error.
 */
import path from 'node:path';
import { repoRoot } from '../repo-paths.js';
import { PEERS } from './records.js';
import { CURRENT_RELEASE, RELEASE_NAMES } from './releases.js';
import type { DebianRelease, PeerRecord, PeerRole, ProgramSpec } from './types.js';

export { PEERS } from './records.js';
export { CURRENT_RELEASE, RELEASE_NAMES, RELEASES, isDebianRelease } from './releases.js';
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
/** The Debian release a peer's packages and image come from (the current one unless it says). */
export function releaseOf(name: PeerName): DebianRelease {
  const r: PeerRecord = PEERS[name];
  return r.server?.container.release ?? r.driver?.container.release ?? CURRENT_RELEASE;
}

/** Peers of the current release: the ones that install natively, and the default of every run. */
export const isCurrent = (n: PeerName): boolean => releaseOf(n) === CURRENT_RELEASE;

/**
 * The servers the interop matrix and the soak run by default: one per code base and build of the
 * current release, leaving out configurations of another server (gearmand+libsqlite3), which
 * certify covers, and other releases' builds (gearmand@1.1.21), which the release sweep covers.
 */
export const MATRIX_SERVER_NAMES: readonly ServerPeerName[] = SERVER_NAMES.filter((n) => (PEERS[n] as PeerRecord).configurationOf === undefined && isCurrent(n));
export const EXTERNAL_SERVER_NAMES: readonly ExternalServerName[] = SERVER_NAMES.filter((n): n is ExternalServerName => n !== 'reference');
/** External servers of the current release: what the native provider can run. */
export const CURRENT_EXTERNAL_SERVER_NAMES: readonly ExternalServerName[] = EXTERNAL_SERVER_NAMES.filter(isCurrent);
/**
 * The clients and workers the interop matrix and the payload property run by default, and the
 * ones driver-check runs: the current release's (another release's build, libgearman-c@1.1.21,
 * runs when named, in library certification and in the release sweep).
 */
export const MATRIX_CLIENT_NAMES: readonly ClientPeerName[] = CLIENT_NAMES.filter(isCurrent);
export const MATRIX_WORKER_NAMES: readonly WorkerPeerName[] = WORKER_NAMES.filter(isCurrent);

/**
 * The builds of one code base across releases, oldest first (`gearmand`: gearmand@1.1.19.1,
 * gearmand, gearmand@1.1.21): what the release sweep certifies side by side.
 */
export function releasesOf(base: PeerName): PeerName[] {
  const order = RELEASE_NAMES;
  return PEER_NAMES.filter((n) => n === base || (PEERS[n] as PeerRecord).versionOf === base).sort((a, b) => order.indexOf(releaseOf(a)) - order.indexOf(releaseOf(b)));
}

/** Code bases built in more than one release (their current-release record names). */
export const RELEASED_BASES: readonly PeerName[] = PEER_NAMES.filter((n) => releasesOf(n).length > 1);

/** The builds of `bases` across releases that are among `names`, oldest first per base. */
function buildsAmong<N extends PeerName>(bases: readonly PeerName[], names: readonly N[]): N[] {
  return bases.flatMap((b) => releasesOf(b)).filter((n): n is N => (names as readonly PeerName[]).includes(n));
}

/** The server builds of `bases` across releases, oldest first per base: what the release matrix runs. */
export const serverBuildsOf = (bases: readonly PeerName[] = RELEASED_BASES): ServerPeerName[] => buildsAmong(bases, SERVER_NAMES);

/** The client and worker builds of `bases` across releases, oldest first per base: what the release matrix certifies as libraries. */
export const libraryBuildsOf = (bases: readonly PeerName[] = RELEASED_BASES): DriverPeerName[] => buildsAmong(bases, DRIVER_NAMES).filter((n) => n !== 'reference');

/** The build of code base `base` that `release` ships (the base itself when that release has no build of its own). */
export function buildIn(base: PeerName, release: DebianRelease): PeerName {
  return releasesOf(base).find((n) => releaseOf(n) === release) ?? base;
}

export function isPeerName(value: string): value is PeerName {
  return Object.hasOwn(PEERS, value);
}

/**
 * The record a server or driver is another release's build of (`gearmand@1.1.21` → `gearmand`);
 * the name itself for a current-release peer or any other name (`external`).
 */
export function codeBaseOf(name: string): string {
  return isPeerName(name) ? ((PEERS[name] as PeerRecord).versionOf ?? name) : name;
}

/**
 * A peer named as a user may write it: its record name (`gearmand@1.1.21`), its base at the
 * current version (`gearmand@1.1.20` is `gearmand`), its base at a release (`gearmand@trixie`),
 * or a configuration at the current version (`gearmand@1.1.20+redis` is `gearmand+redis`).
 * Anything else is returned as given, for the caller's "unknown peer" error.
 */
export function canonicalPeerName(value: string): string {
  if (isPeerName(value)) return value;
  // A configuration at a version: `gearmand@1.1.20+redis` is `gearmand+redis` (configurations exist for the current build).
  const configured = /^([^@+]+)@([^+]+)\+(.+)$/.exec(value);
  if (configured) {
    const [, base = '', which = '', queue = ''] = configured;
    const name = `${base}+${queue}`;
    return canonicalPeerName(`${base}@${which}`) === base && isPeerName(name) ? name : value;
  }
  const at = value.lastIndexOf('@');
  if (at <= 0) return value;
  const base = value.slice(0, at);
  const which = value.slice(at + 1);
  if (!isPeerName(base)) return value;
  // Builds of two releases can share a library version (pecl gearman 2.1.0 on PHP 7.4 and 8.2): the current one wins.
  if (PEERS[base].version === which) return base;
  const match = releasesOf(base).find((n) => PEERS[n].version === which || releaseOf(n) === which);
  return match ?? value;
}
export function isServerPeerName(value: string): value is ServerPeerName {
  return (SERVER_NAMES as readonly string[]).includes(value);
}

/** `gearmand 1.1.20`: how reports and logs name a peer. */
export function peerLabel(name: PeerName): string {
  // Another release's build carries its version in its name already (gearmand@1.1.21).
  return (PEERS[name] as PeerRecord).versionOf ? name : `${name} ${PEERS[name].version}`;
}

/**
 * The file name of a server peer's committed certify baseline; the folder holding them is a
 * declaration (Declarations.baselineDirs, src/cli/declarations.ts).
 */
export function serverBaselineName(name: ServerPeerName): string {
  const record: PeerRecord = PEERS[name];
  return `${record.versionOf ?? name}-${record.version}.json`;
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
  if (!isCurrent(name)) return `${name} comes from Debian ${releaseOf(name)} and runs in a container only: sudo bash docker/setup-podman.sh ${releaseOf(name)}, then GEARSPEC_PEERS=container`;
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
