/**
 * A MariaDB server of its own behind gearmand's MySQL queue (registry peer gearmand+mysql): a
 * throw-away data directory (mariadb-install-db) on an ephemeral loopback port, natively from
 * Debian's mariadb-server or in its container. It runs with --skip-grant-tables, so any user
 * connects without a password, and with the character set and collation Debian's packaged
 * configuration gives a new server (utf8mb4, utf8mb4_general_ci): the table gearmand creates
 * takes them, and they decide which uniques it can hold. As root the native server is told to
 * run as the `mysql` user (mariadbd switches itself, so the pid gearspec stops is the server's).
 * Readiness and reset speak just enough of the MySQL client protocol (mysql-wire.ts).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mysqlGreeting, mysqlQuery } from './mysql-wire.js';
import { SERVER_HOST as HOST } from './port-retry.js';
import type { QueueStore } from './queue-store.js';
import { closeOnce, type StoreServer, storeContainer, storeProcess, withDataDir } from './store-server.js';

/** The user gearmand connects as (any name works with --skip-grant-tables) and its database. */
export const MYSQL_USER = 'gearspec';
export const MYSQL_DATABASE = 'gearspec';
/** The table gearmand's MySQL queue creates (its --mysql-table default). */
const QUEUE_TABLE = 'gearman_queue';
const MARIADB_STARTUP_MS = 60_000;
const INSTALL_DB_MS = 120_000;

/** Options both mariadb-install-db and mariadbd take: small redo log and buffer pool, no config files. */
const SMALL = ['--innodb-log-file-size=8M', '--innodb-buffer-pool-size=32M'];

/** What the server needs besides its data directory (the container's entrypoint supplies the rest). */
export const mariadbArgs = (port: number): string[] => [
  '--bind-address',
  HOST,
  '--port',
  String(port),
  '--skip-grant-tables',
  '--skip-name-resolve',
  '--character-set-server=utf8mb4',
  '--collation-server=utf8mb4_general_ci',
  '--innodb-flush-log-at-trx-commit=2',
  ...SMALL,
];

/** The database gearmand is pointed at, made before the server takes connections. */
const INIT_SQL = `CREATE DATABASE IF NOT EXISTS ${MYSQL_DATABASE};\n`;

function mariadbStore(port: number, server: StoreServer, cleanup?: () => void): QueueStore {
  return {
    kind: 'mysql',
    location: { kind: 'mysql', host: HOST, port, user: MYSQL_USER, database: MYSQL_DATABASE },
    logs: () => server.logs(),
    reset: () => mysqlQuery(port, MYSQL_USER, `DROP TABLE IF EXISTS ${MYSQL_DATABASE}.${QUEUE_TABLE}`),
    close: closeOnce(server, cleanup),
  };
}

export function nativeMariadb(owner: string): Promise<QueueStore> {
  return withDataDir('gearspec-mariadb-', 'mysql', async (dir, cleanup) => {
    const asUser = process.getuid?.() === 0 ? ['--user=mysql'] : [];
    const data = path.join(dir, 'data');
    const init = path.join(dir, 'init.sql');
    writeFileSync(init, INIT_SQL, { mode: 0o644 });
    execFileSync('/usr/bin/mariadb-install-db', ['--no-defaults', `--datadir=${data}`, ...asUser, '--skip-test-db', '--auth-root-authentication-method=normal', ...SMALL], {
      timeout: INSTALL_DB_MS,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return await storeProcess(
      {
        name: `${owner} mariadb`,
        command: '/usr/sbin/mariadbd',
        args: (port) => [
          '--no-defaults',
          `--datadir=${data}`,
          `--socket=${path.join(dir, 'mysqld.sock')}`,
          `--pid-file=${path.join(dir, 'mysqld.pid')}`,
          `--init-file=${init}`,
          ...asUser,
          ...mariadbArgs(port),
        ],
        startupTimeoutMs: MARIADB_STARTUP_MS,
        missingHint: 'install Debian package mariadb-server (sudo npx gearspec peers install gearmand+mysql)',
        ping: mysqlGreeting,
      },
      (port, server) => mariadbStore(port, server, cleanup),
    );
  });
}

export const containerMariadb = (owner: string): Promise<QueueStore> =>
  storeContainer({ name: `${owner} mariadb`, image: 'mariadb', command: mariadbArgs, startupTimeoutMs: MARIADB_STARTUP_MS, ping: mysqlGreeting }, (port, server) => mariadbStore(port, server));
