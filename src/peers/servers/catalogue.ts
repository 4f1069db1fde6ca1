/**
 * The external server peers, as the server adapters use them: each definition is derived from its
 * record in the peer registry (../registry/records.ts), which is where servers are added.
 */
import { ERROR_CODES, PeerError } from '../../errors.js';
import { type ExternalServerName, EXTERNAL_SERVER_NAMES, PEERS, type ContainerSpec, type PeerRecord, type ServerSpec, installHint, installedPath, resolveProgram } from '../registry/index.js';
import type { ServerStartOptions } from '../types.js';

export type { ExternalServerName } from '../registry/index.js';

export interface ExternalServerDef {
  readonly name: ExternalServerName;
  /** The program to run natively (absolute, or a name on PATH). */
  readonly binary: string;
  /** Arguments before the start arguments (an interpreter's script, say). */
  readonly prefixArgs: readonly string[];
  /** The version the registry pins, used when the server does not say. */
  readonly expectedVersion: string;
  /** Its image (and the Debian release it is built from). */
  readonly container: ContainerSpec;
  /** The command inside the image, before the start arguments. */
  readonly containerCommand: readonly string[];
  readonly readiness: ServerSpec['readiness'];
  /** The persistent queue it runs with, if any (queue-store.ts opens it). */
  readonly queue: ServerSpec['queue'];
  /** Full start argument list: listen address, port, then options, then the caller's raw `args`. */
  buildArgs(host: string, port: number, options: ServerStartOptions): string[];
  /** What to do when it is not installed. */
  readonly missingHint: string;
  /** A file that exists once it is installed natively. */
  readonly installed: string;
}

export function serverDef(name: ExternalServerName): ExternalServerDef {
  const record: PeerRecord = PEERS[name];
  const spec = record.server;
  if (!spec) throw new PeerError(ERROR_CODES.HARNESS, name, 'its registry record has the server role but no server section');
  const program = resolveProgram(spec.native);
  return {
    name,
    binary: program.command,
    prefixArgs: program.args,
    expectedVersion: record.version,
    container: spec.container,
    containerCommand: spec.container.command,
    readiness: spec.readiness,
    queue: spec.queue,
    buildArgs: (host, port, options) => spec.buildArgs(host, port, options),
    missingHint: `${installHint(name)}, or use containers: sudo bash docker/setup-podman.sh and GEARSPEC_PEERS=container`,
    installed: installedPath(record) ?? program.command,
  };
}

export const EXTERNAL_SERVERS = Object.fromEntries(EXTERNAL_SERVER_NAMES.map((n) => [n, serverDef(n)])) as Readonly<Record<ExternalServerName, ExternalServerDef>>;
export const GEARMAND = EXTERNAL_SERVERS.gearmand;
export const PERL_GEARMAND = EXTERNAL_SERVERS['perl-gearmand'];
