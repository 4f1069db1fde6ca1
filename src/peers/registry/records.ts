/**
 * The peer registry: one record per Gearman implementation gearspec can run. Adding a server,
 * a client/worker library, a version or a configuration means adding one record here (plus the
 * driver program itself); the CLI vocabularies, the interop matrix axes, the expectation keys,
 * the baselines and the reports all derive their names from this table, and the compiler
 * rejects a name that is not in it. The checklist is docs/adding-a-peer.md.
 */
import { ERROR_CODES, InputError } from '../../errors.js';
import { buildCDriver } from '../drivers/c/build.js';
import type { ServerStartOptions } from '../types.js';
import type { PeerRecord } from './types.js';

function reject(server: string, option: string, why: string): never {
  throw new InputError(ERROR_CODES.USAGE, `${server} start option ${option}`, why);
}

/** For servers with none of gearmand's switches: any behaviour option is a usage error. */
function noOptions(server: string, o: ServerStartOptions): void {
  if (o.threads !== undefined) reject(server, 'threads', `${server} has no thread-count switch`);
  if (o.jobRetries) reject(server, 'jobRetries', `${server} has no retry limit switch`);
  if (o.exceptions) reject(server, 'exceptions', `${server} has no default-exceptions switch`);
  if (o.handlePrefix !== undefined) reject(server, 'handlePrefix', `${server} has no handle-prefix switch`);
}

const DRIVERS_IMAGE_DIR = '/opt/gearspec/drivers';

export const PEERS = {
  reference: {
    language: 'TypeScript',
    implementation: 'gearspec',
    library: 'gearspec reference server, client and worker',
    version: '0.1.0',
    roles: ['server', 'client', 'worker'],
    source: 'this repository (src/server, src/client, src/worker)',
  },

  // ---- C: gearmand and libgearman (one code base, Debian 12 packages).
  gearmand: {
    language: 'C',
    implementation: 'gearmand',
    library: 'C gearmand (Debian gearman-job-server)',
    version: '1.1.20',
    roles: ['server'],
    source: 'Debian 12 package gearman-job-server 1.1.20+ds',
    install: { debian: ['gearman-job-server', 'gearman-tools'], installed: '/usr/sbin/gearmand' },
    server: {
      native: { command: '/usr/sbin/gearmand', args: [] },
      container: { image: 'gearmand', command: [] },
      readiness: 'admin-version',
      buildArgs(host, port, o) {
        // --log-file=stderr so errors land in our log ring rather than /var/log/gearmand.log.
        const args = ['-L', host, '-p', String(port), '--log-file=stderr'];
        if (o.threads !== undefined) args.push('-t', String(o.threads));
        if (o.jobRetries !== undefined) args.push('-j', String(o.jobRetries));
        if (o.exceptions) args.push('--exceptions');
        if (o.handlePrefix !== undefined) args.push('--job-handle-prefix', o.handlePrefix);
        return [...args, ...(o.args ?? [])];
      },
    },
  },
  'libgearman-c': {
    language: 'C',
    implementation: 'gearmand',
    library: "libgearman's C API (Debian libgearman-dev)",
    version: '1.1.20',
    roles: ['client', 'worker'],
    source: 'Debian 12 package libgearman-dev 1.1.20+ds; driver compiled with gcc on first use',
    install: { debian: ['libgearman-dev', 'gcc', 'libc6-dev'], installed: '/usr/include/libgearman-1.0/gearman.h' },
    driver: {
      native: async () => ({ command: await buildCDriver(), args: [] }),
      container: { image: 'drivers', command: [`${DRIVERS_IMAGE_DIR}/c/driver`] },
    },
  },
  php: {
    language: 'PHP',
    implementation: 'gearmand',
    library: 'PHP pecl gearman 2.1.0 over libgearman 1.1.20 (PHP 8.2)',
    version: '2.1.0',
    roles: ['client', 'worker'],
    source: 'Debian 12 package php8.2-gearman',
    install: { debian: ['php8.2-cli', 'php8.2-gearman'], installed: '/usr/bin/php8.2' },
    driver: {
      native: { command: 'php', args: ['-d', 'memory_limit=512M', '{root}/src/peers/drivers/php/driver.php'] },
      container: { image: 'drivers', command: ['php', '-d', 'memory_limit=512M', `${DRIVERS_IMAGE_DIR}/php/driver.php`] },
    },
  },

  // ---- Perl: Gearman::Server and Gearman::Client/Worker (CPAN, Debian 12 packages).
  'perl-gearmand': {
    language: 'Perl',
    implementation: 'perl-gearman',
    library: 'Perl Gearman::Server (Debian gearman-server)',
    version: '1.130.1',
    roles: ['server'],
    source: 'Debian 12 package gearman-server 1.130.1',
    install: { debian: ['gearman-server'], installed: '/usr/bin/gearmand' },
    server: {
      native: { command: '/usr/bin/gearmand', args: [] },
      container: { image: 'perl-gearmand', command: [] },
      readiness: 'admin-version',
      buildArgs(host, port, o) {
        // Gearman::Server's behaviour is fixed; it has none of gearmand's switches.
        noOptions('perl-gearmand', o);
        return ['-L', host, '-p', String(port), ...(o.args ?? [])];
      },
    },
  },
  perl: {
    language: 'Perl',
    implementation: 'perl-gearman',
    library: 'Perl Gearman::Client / Gearman::Worker 2.004',
    version: '2.004',
    roles: ['client', 'worker'],
    source: 'Debian 12 package libgearman-client-perl 2.004.015',
    install: { debian: ['libgearman-client-perl'], installed: '/usr/share/perl5/Gearman/Client.pm' },
    driver: {
      native: { command: 'perl', args: ['{root}/src/peers/drivers/perl/driver.pl'] },
      container: { image: 'drivers', command: ['perl', `${DRIVERS_IMAGE_DIR}/perl/driver.pl`] },
    },
  },
} as const satisfies Record<string, PeerRecord>;
