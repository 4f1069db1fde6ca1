/**
 * The peer registry: one record per Gearman implementation gearspec can run. Adding a server,
 * a client/worker library, a version or a configuration means adding one record here (plus the
 * driver program itself); the CLI vocabularies, the interop matrix axes, the expectation keys,
 * the baselines and the reports all derive their names from this table, and the compiler
 * rejects a name that is not in it. The checklist is docs/adding-a-peer.md.
 */
import { ERROR_CODES, InputError } from '../../errors.js';
import { buildCDriver } from '../drivers/c/build.js';
import type { QueueLocation, ServerStartOptions } from '../types.js';
import { CURRENT_RELEASE, RELEASES } from './releases.js';
import type { ContainerSpec, DebianRelease, PeerRecord, ProgramSpec, QueueStoreKind, ServerSpec } from './types.js';

function reject(server: string, option: string, why: string): never {
  throw new InputError(ERROR_CODES.USAGE, `${server} start option ${option}`, why);
}

/** For servers with none of gearmand's switches: any behaviour option is a usage error. */
function noOptions(server: string, o: ServerStartOptions): void {
  if (o.threads !== undefined) reject(server, 'threads', `${server} has no thread-count switch`);
  if (o.jobRetries) reject(server, 'jobRetries', `${server} has no retry limit switch`);
  if (o.exceptions) reject(server, 'exceptions', `${server} has no default-exceptions switch`);
  if (o.handlePrefix !== undefined) reject(server, 'handlePrefix', `${server} has no handle-prefix switch`);
  if (o.keepaliveSeconds !== undefined) reject(server, 'keepaliveSeconds', `${server} has no keepalive switch`);
}

/**
 * C gearmand's server section, with or without a persistent queue. --log-file=stderr so errors
 * land in our log ring rather than /var/log/gearmand.log.
 */
function gearmandServer(queue?: QueueStoreKind, release: DebianRelease = CURRENT_RELEASE): ServerSpec {
  return {
    native: { command: '/usr/sbin/gearmand', args: [] },
    container: { image: 'gearmand', command: [], ...(release !== CURRENT_RELEASE && { release }) },
    readiness: 'admin-version',
    ...(queue && { queue }),
    buildArgs(host, port, o) {
      const args = ['-L', host, '-p', String(port), '--log-file=stderr'];
      if (o.threads !== undefined) args.push('-t', String(o.threads));
      if (o.jobRetries !== undefined) args.push('-j', String(o.jobRetries));
      if (o.exceptions) args.push('--exceptions');
      if (o.handlePrefix !== undefined) args.push('--job-handle-prefix', o.handlePrefix);
      if (o.keepaliveSeconds !== undefined) args.push('--keepalive', `--keepalive-idle=${o.keepaliveSeconds}`, '--keepalive-interval=1', '--keepalive-count=2');
      if (queue !== undefined) args.push(...gearmandQueueArgs(queue, o.queue));
      return [...args, ...(o.args ?? [])];
    },
  };
}

function gearmandQueueArgs(queue: QueueStoreKind, at: QueueLocation | undefined): string[] {
  if (at?.kind !== queue) throw new InputError(ERROR_CODES.HARNESS, `gearmand+${queue}`, `started without its ${queue} queue (got ${at?.kind ?? 'none'}); start it through startServerPeer`);
  switch (at.kind) {
    case 'libsqlite3':
      return ['-q', 'libsqlite3', '--libsqlite3-db', `${at.dir}/queue.db`];
    case 'redis':
      return ['-q', 'redis', '--redis-server', at.host, '--redis-port', String(at.port)];
    case 'postgres':
      return ['-q', 'Postgres', '--libpq-conninfo', `host=${at.host} port=${at.port} user=${at.user} dbname=${at.database}`];
    case 'mysql':
      return ['-q', 'MySQL', '--mysql-host', at.host, '--mysql-port', String(at.port), '--mysql-user', at.user, '--mysql-db', at.database];
  }
}

/**
 * C gearmand as another Debian release ships it: the same record as `gearmand` but for its
 * version and image, run in a container of that release only (no native install).
 */
function gearmandOf(release: Exclude<DebianRelease, typeof CURRENT_RELEASE>) {
  const r = RELEASES[release];
  return {
    language: 'C',
    implementation: 'gearmand',
    library: `C gearmand (Debian ${r.debian} gearman-job-server)`,
    version: r.gearmand,
    roles: ['server'],
    source: `Debian ${r.debian} (${release}) package gearman-job-server ${r.gearmandPackage}`,
    server: gearmandServer(undefined, release),
    versionOf: 'gearmand',
  } as const satisfies PeerRecord;
}

const DRIVERS_IMAGE_DIR = '/opt/gearspec/drivers';
const C_DRIVER = `${DRIVERS_IMAGE_DIR}/c/driver`;
const PHP_DRIVER = ['php', '-d', 'memory_limit=512M', `${DRIVERS_IMAGE_DIR}/php/driver.php`];

/**
 * libgearman's C API as another Debian release ships it (libgearman-dev of that release's
 * gearmand), through the same C driver compiled in that release's drivers image.
 */
function libgearmanCOf(release: Exclude<DebianRelease, typeof CURRENT_RELEASE>) {
  const r = RELEASES[release];
  return {
    language: 'C',
    implementation: 'gearmand',
    library: `libgearman's C API (Debian ${r.debian} libgearman-dev)`,
    version: r.gearmand,
    roles: ['client', 'worker'],
    source: `Debian ${r.debian} (${release}) package libgearman-dev ${r.gearmandPackage}; driver compiled with gcc in its image`,
    driver: { container: { image: 'drivers', command: [C_DRIVER], release } },
    versionOf: 'libgearman-c',
  } as const satisfies PeerRecord;
}

/** PHP's pecl gearman as another Debian release ships it, on that release's PHP and libgearman. */
function phpOf(release: Exclude<DebianRelease, typeof CURRENT_RELEASE>) {
  const r = RELEASES[release];
  return {
    language: 'PHP',
    implementation: 'gearmand',
    library: `PHP pecl gearman ${r.phpGearman} over libgearman ${r.gearmand} (PHP ${r.php})`,
    version: r.phpGearman,
    roles: ['client', 'worker'],
    source: `Debian ${r.debian} (${release}) package php-gearman ${r.phpGearmanPackage} (PHP ${r.php})`,
    driver: { container: { image: 'drivers', command: PHP_DRIVER, release } },
    versionOf: 'php',
  } as const satisfies PeerRecord;
}

/**
 * A peer in the polyglot image (docker/polyglot): the image mirrors the package tree at
 * /opt/gearspec, so its command is the native one with the package root there, and `stage` lists
 * the sources and built files (under .peers/) the image needs.
 */
function polyglot(native: ProgramSpec, stage: readonly string[]): ContainerSpec {
  const fill = (x: string): string => x.split('{root}').join('/opt/gearspec');
  return { image: 'polyglot', command: [fill(native.command), ...native.args.map(fill)], stage };
}

/** The Node drivers share control.mjs and the pinned node_modules of their folder. */
const node = (file: string): ProgramSpec => ({ command: 'node', args: [`{root}/src/peers/drivers/node/${file}`] });
const NODE_INSTALL = { script: 'src/peers/drivers/node/install.sh', installed: '{root}/src/peers/drivers/node/node_modules/.package-lock.json' } as const;
const nodeStage = (file: string): string[] => ['src/peers/drivers/node/control.mjs', 'src/peers/drivers/node/package.json', 'src/peers/drivers/node/node_modules', `src/peers/drivers/node/${file}`];
const ABRAXAS_SERVER = node('abraxas-server.mjs');
const GEAR_PYTHON = '{root}/.peers/python/gear/bin/python';
const GEAR_DRIVER: ProgramSpec = { command: GEAR_PYTHON, args: ['{root}/src/peers/drivers/python/gear_driver.py'] };
const GEAR_SERVER: ProgramSpec = { command: GEAR_PYTHON, args: ['{root}/src/peers/drivers/python/gear_server.py'] };
const PYGEARMAN_DRIVER: ProgramSpec = { command: '{root}/.peers/python/pygearman/bin/python', args: ['{root}/src/peers/drivers/python/pygearman_driver.py'] };
/** The Python sources, and each venv's pure-Python site-packages (the image makes its own venv around them). */
const PYTHON_STAGE = ['src/peers/drivers/python/control.py'];
const GEAR_STAGE = [...PYTHON_STAGE, 'src/peers/drivers/python/gear_driver.py', 'src/peers/drivers/python/gear_server.py', '.peers/python/gear/lib'];
const GEARMAN_GO_DRIVER: ProgramSpec = { command: '{root}/.peers/go/gearman-go-driver', args: [] };
const G2: ProgramSpec = { command: '{root}/.peers/go/g2-gearmand', args: ['run'] };
const RUSTYGEAR_DRIVER: ProgramSpec = { command: '{root}/.peers/rust/target/release/rustygear-driver', args: [] };
const RUSTYGEARD: ProgramSpec = { command: '{root}/.peers/rust/bin/rustygeard', args: [] };

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
    server: gearmandServer(),
  },
  // gearmand with each persistent queue its Debian build has and that runs here (spec §4.17).
  'gearmand+libsqlite3': {
    language: 'C',
    implementation: 'gearmand',
    library: 'C gearmand with its libsqlite3 queue (a database file gearspec keeps across restarts)',
    version: '1.1.20',
    roles: ['server'],
    source: 'Debian 12 package gearman-job-server 1.1.20+ds (built with libsqlite3 3.40)',
    install: { debian: ['gearman-job-server'], installed: '/usr/sbin/gearmand' },
    server: gearmandServer('libsqlite3'),
    configurationOf: 'gearmand',
  },
  'gearmand+redis': {
    language: 'C',
    implementation: 'gearmand',
    library: 'C gearmand with its redis queue (a Redis 7.0 server gearspec starts beside it)',
    version: '1.1.20',
    roles: ['server'],
    source: 'Debian 12 packages gearman-job-server 1.1.20+ds (built with hiredis 0.14) and redis-server 7.0.15',
    install: { debian: ['gearman-job-server', 'redis-server'], installed: '/usr/bin/redis-server' },
    server: gearmandServer('redis'),
    configurationOf: 'gearmand',
  },
  'gearmand+postgres': {
    language: 'C',
    implementation: 'gearmand',
    library: 'C gearmand with its Postgres queue (a PostgreSQL 15 server gearspec starts beside it)',
    version: '1.1.20',
    roles: ['server'],
    source: 'Debian 12 packages gearman-job-server 1.1.20+ds (built with libpq 15) and postgresql-15 15.18',
    install: { debian: ['gearman-job-server', 'postgresql-15'], installed: '/usr/lib/postgresql/15/bin/postgres' },
    server: gearmandServer('postgres'),
    configurationOf: 'gearmand',
  },
  'gearmand+mysql': {
    language: 'C',
    implementation: 'gearmand',
    library: 'C gearmand with its MySQL queue (a MariaDB 10.11 server gearspec starts beside it)',
    version: '1.1.20',
    roles: ['server'],
    source: 'Debian 12 packages gearman-job-server 1.1.20+ds (built with libmariadb3, MariaDB Connector/C of 10.11) and mariadb-server 10.11.19',
    install: { debian: ['gearman-job-server', 'mariadb-server'], installed: '/usr/sbin/mariadbd' },
    server: gearmandServer('mysql'),
    configurationOf: 'gearmand',
  },
  // gearmand as the other Debian releases ship it (the release matrix).
  'gearmand@1.1.19.1': gearmandOf('bullseye'),
  'gearmand@1.1.21': gearmandOf('trixie'),
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
      container: { image: 'drivers', command: [C_DRIVER] },
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
      container: { image: 'drivers', command: PHP_DRIVER },
    },
  },
  // libgearman and PHP as the other Debian releases ship them (the release matrix).
  'libgearman-c@1.1.19.1': libgearmanCOf('bullseye'),
  'libgearman-c@1.1.21': libgearmanCOf('trixie'),
  'php@7.4': phpOf('bullseye'),
  'php@8.4': phpOf('trixie'),

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

  // ---- Node: abraxas (client, worker and job server), gearman, gearmanode, node-gearman, npm.
  abraxas: {
    language: 'JavaScript',
    implementation: 'abraxas',
    library: 'abraxas 2.1.10 (gearman-packet) on Node',
    version: '2.1.10',
    roles: ['server', 'client', 'worker'],
    source: 'npm abraxas@2.1.10 (src/peers/drivers/node/package-lock.json)',
    install: NODE_INSTALL,
    driver: { native: node('abraxas.mjs'), container: polyglot(node('abraxas.mjs'), nodeStage('abraxas.mjs')) },
    server: {
      native: ABRAXAS_SERVER,
      container: polyglot(ABRAXAS_SERVER, nodeStage('abraxas-server.mjs')),
      // abraxas has no admin text protocol, and an unknown packet can stop it: ready on a connection.
      readiness: 'listening',
      buildArgs(host, port, o) {
        noOptions('abraxas', o);
        return ['--host', host, '--port', String(port), ...(o.args ?? [])];
      },
    },
  },
  'npm-gearman': {
    language: 'JavaScript',
    implementation: 'npm-gearman',
    library: 'gearman 2.1.0 (npm "gearman") on Node',
    version: '2.1.0',
    roles: ['client', 'worker'],
    source: 'npm gearman@2.1.0 (src/peers/drivers/node/package-lock.json)',
    install: NODE_INSTALL,
    driver: { native: node('gearman.mjs'), container: polyglot(node('gearman.mjs'), nodeStage('gearman.mjs')) },
  },
  gearmanode: {
    language: 'JavaScript',
    implementation: 'gearmanode',
    library: 'gearmanode 0.9.2 on Node',
    version: '0.9.2',
    roles: ['client', 'worker'],
    source: 'npm gearmanode@0.9.2 (src/peers/drivers/node/package-lock.json)',
    install: NODE_INSTALL,
    driver: { native: node('gearmanode.mjs'), container: polyglot(node('gearmanode.mjs'), nodeStage('gearmanode.mjs')) },
  },
  'node-gearman': {
    language: 'JavaScript',
    implementation: 'node-gearman',
    library: 'node-gearman 0.2.2 on Node',
    version: '0.2.2',
    roles: ['client', 'worker'],
    source: 'npm node-gearman@0.2.2 (src/peers/drivers/node/package-lock.json)',
    install: NODE_INSTALL,
    driver: { native: node('node-gearman.mjs'), container: polyglot(node('node-gearman.mjs'), nodeStage('node-gearman.mjs')) },
  },

  // ---- Python: gear (client, worker and job server) and pygearman (python-gearman lineage), PyPI.
  gear: {
    language: 'Python',
    implementation: 'gear',
    library: 'gear 0.16.0 (OpenStack Zuul) on CPython 3.11',
    version: '0.16.0',
    roles: ['server', 'client', 'worker'],
    source: 'PyPI gear==0.16.0 with hashes (src/peers/drivers/python/requirements-gear.txt)',
    install: { script: 'src/peers/drivers/python/install.sh', installed: '{root}/.peers/python/gear/.gearspec-stamp' },
    driver: { native: GEAR_DRIVER, container: polyglot(GEAR_DRIVER, GEAR_STAGE) },
    server: {
      native: GEAR_SERVER,
      container: polyglot(GEAR_SERVER, GEAR_STAGE),
      // gear.Server answers neither admin `version` nor ECHO_REQ (gear/__init__.py: "unhandled").
      readiness: 'listening',
      buildArgs(host, port, o) {
        noOptions('gear', o);
        if (host !== '127.0.0.1') reject('gear', 'host', 'the launcher binds 127.0.0.1 only');
        return ['--port', String(port), ...(o.args ?? [])];
      },
    },
  },
  pygearman: {
    language: 'Python',
    implementation: 'python-gearman',
    library: 'pygearman 0.2.6 (python-gearman 2.0 API, Python 3 port) on CPython 3.11',
    version: '0.2.6',
    roles: ['client', 'worker'],
    source: 'PyPI pygearman==0.2.6 with hashes (src/peers/drivers/python/requirements-pygearman.txt)',
    install: { script: 'src/peers/drivers/python/install.sh', installed: '{root}/.peers/python/pygearman/.gearspec-stamp' },
    driver: { native: PYGEARMAN_DRIVER, container: polyglot(PYGEARMAN_DRIVER, [...PYTHON_STAGE, 'src/peers/drivers/python/pygearman_driver.py', '.peers/python/pygearman/lib']) },
  },

  // ---- Go: mikespook/gearman-go (client and worker) and appscode/g2 (job server), Go module proxy.
  'gearman-go': {
    language: 'Go',
    implementation: 'gearman-go',
    library: 'github.com/mikespook/gearman-go (2022-05-20)',
    version: '0.0.0-20220520031403-2a518e866145',
    roles: ['client', 'worker'],
    source: 'Go module proxy, github.com/mikespook/gearman-go pseudo-version (src/peers/drivers/go/go.sum)',
    install: { script: 'src/peers/drivers/go/install.sh', installed: GEARMAN_GO_DRIVER.command },
    driver: { native: GEARMAN_GO_DRIVER, container: polyglot(GEARMAN_GO_DRIVER, ['.peers/go/gearman-go-driver']) },
  },
  g2: {
    language: 'Go',
    implementation: 'g2',
    library: 'appscode/g2 gearmand (2019-01-23)',
    version: '0.0.0-20190123131438-388ba74fd273',
    roles: ['server'],
    source: 'Go module proxy, github.com/appscode/g2 pseudo-version (src/peers/drivers/go/g2/go.sum)',
    install: { script: 'src/peers/drivers/go/install.sh', installed: G2.command },
    server: {
      native: G2,
      container: polyglot(G2, ['.peers/go/g2-gearmand']),
      // No admin `version` ("unimplemented", g2 pkg/server/session.go:195), so ready on ECHO.
      readiness: 'echo',
      buildArgs(host, port, o) {
        noOptions('g2', o);
        // Empty --storage-dir: no LevelDB persistence (no state between runs); empty --web.addr:
        // no HTTP API (it would listen on :3000 on every interface); glog to stderr, not /tmp.
        return ['--addr', `${host}:${port}`, '--storage-dir=', '--web.addr=', '--logtostderr', ...(o.args ?? [])];
      },
    },
  },

  // ---- Rust: rustygear (client and worker) and rustygeard (job server), crates.io.
  rustygear: {
    language: 'Rust',
    implementation: 'rustygear',
    library: 'rustygear 0.15.0 (tokio)',
    version: '0.15.0',
    roles: ['client', 'worker'],
    source: 'crates.io rustygear =0.15.0 (src/peers/drivers/rust/Cargo.lock)',
    install: { script: 'src/peers/drivers/rust/install.sh', installed: RUSTYGEAR_DRIVER.command },
    driver: { native: RUSTYGEAR_DRIVER, container: polyglot(RUSTYGEAR_DRIVER, ['.peers/rust/target/release/rustygear-driver']) },
  },
  rustygeard: {
    language: 'Rust',
    implementation: 'rustygear',
    library: 'rustygeard 0.15.0 (tokio)',
    version: '0.15.0',
    roles: ['server'],
    source: 'crates.io rustygeard =0.15.0, cargo install --locked',
    install: { script: 'src/peers/drivers/rust/install.sh', installed: RUSTYGEARD.command },
    server: {
      native: RUSTYGEARD,
      container: polyglot(RUSTYGEARD, ['.peers/rust/bin/rustygeard']),
      // It answers `version` with a fixed "OK some-rustygear-version" (rustygeard service.rs:62).
      readiness: 'admin-version',
      buildArgs(host, port, o) {
        noOptions('rustygeard', o);
        return ['-L', `${host}:${port}`, ...(o.args ?? [])];
      },
    },
  },
} as const satisfies Record<string, PeerRecord>;
