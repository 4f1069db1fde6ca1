/**
 * The server peers gearspec can run natively or in a container: where the binary lives, which
 * Debian package provides it, and how our start options become its command-line flags.
 * Versions are pinned by the Debian 12 packages (containers.md).
 */
import { ERROR_CODES, InputError } from '../../errors.js';
import type { ServerStartOptions } from '../types.js';

export type ExternalServerName = 'gearmand' | 'perl-gearmand';

export interface ExternalServerDef {
  readonly name: ExternalServerName;
  /** Absolute path in Debian 12 (both are called gearmand; the path tells them apart). */
  readonly binary: string;
  readonly debianPackage: string;
  /** The version the package pins, used when the server does not say. */
  readonly expectedVersion: string;
  /** Folder under docker/ holding its Dockerfile. */
  readonly dockerDir: string;
  /** Full argument list: listen address, port, then options, then the caller's raw `args`. */
  buildArgs(host: string, port: number, options: ServerStartOptions): string[];
}

function reject(server: string, option: string, why: string): never {
  throw new InputError(ERROR_CODES.USAGE, `${server} start option ${option}`, why);
}

export const GEARMAND: ExternalServerDef = {
  name: 'gearmand',
  binary: '/usr/sbin/gearmand',
  debianPackage: 'gearman-job-server',
  expectedVersion: '1.1.20+ds',
  dockerDir: 'gearmand',
  buildArgs(host, port, o) {
    // --log-file=stderr so errors land in our log ring rather than /var/log/gearmand.log.
    const args = ['-L', host, '-p', String(port), '--log-file=stderr'];
    if (o.threads !== undefined) args.push('-t', String(o.threads));
    if (o.jobRetries !== undefined) args.push('-j', String(o.jobRetries));
    if (o.exceptions) args.push('--exceptions');
    if (o.handlePrefix !== undefined) args.push('--job-handle-prefix', o.handlePrefix);
    return [...args, ...(o.args ?? [])];
  },
};

export const PERL_GEARMAND: ExternalServerDef = {
  name: 'perl-gearmand',
  binary: '/usr/bin/gearmand',
  debianPackage: 'gearman-server',
  expectedVersion: '1.130.1',
  dockerDir: 'perl-gearmand',
  buildArgs(host, port, o) {
    // Gearman::Server has no such switches; its behaviour is fixed (protocol.md §4.7, §4.9).
    if (o.threads !== undefined) reject('perl-gearmand', 'threads', 'Gearman::Server is single-threaded');
    if (o.jobRetries) reject('perl-gearmand', 'jobRetries', 'Gearman::Server has no retry limit; it fails the job when its worker disconnects');
    if (o.exceptions) reject('perl-gearmand', 'exceptions', 'Gearman::Server has no default-exceptions switch');
    if (o.handlePrefix !== undefined) reject('perl-gearmand', 'handlePrefix', 'Gearman::Server has no handle-prefix switch');
    return ['-L', host, '-p', String(port), ...(o.args ?? [])];
  },
};

export const EXTERNAL_SERVERS: Readonly<Record<ExternalServerName, ExternalServerDef>> = {
  gearmand: GEARMAND,
  'perl-gearmand': PERL_GEARMAND,
};

export function missingHint(def: ExternalServerDef): string {
  return `install Debian package ${def.debianPackage} (sudo bash docker/install-native-peers.sh), or use containers: sudo bash docker/setup-podman.sh and GEARSPEC_PEERS=container`;
}
