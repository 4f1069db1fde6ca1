/**
 * A PostgreSQL server of its own behind gearmand's Postgres queue (registry peer gearmand+postgres):
 * a throw-away cluster (initdb, trust authentication for the user `gearspec`, fsync off) on an
 * ephemeral loopback port, natively from Debian's postgresql-15 or in its container. PostgreSQL
 * refuses to run as root, so as root the native one runs as the `postgres` user (setpriv execs it,
 * so the pid gearspec stops is the server's). Readiness and reset speak just enough of the
 * PostgreSQL protocol: an SSLRequest answered `N` means the server accepts connections; reset is
 * one simple query as `gearspec` (trust, no password).
 */
import { execFileSync } from 'node:child_process';
import { SERVER_HOST as HOST } from './port-retry.js';
import type { QueueStore } from './queue-store.js';
import { closeOnce, type StoreServer, storeContainer, storeProcess, withDataDir } from './store-server.js';
import { storeExchange } from './store-exchange.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
/** The role gearmand connects as (initdb -U) and the database it uses (the default one). */
export const PG_USER = 'gearspec';
export const PG_DATABASE = 'postgres';
/** The table gearmand's Postgres queue creates (its --libpq-table default). */
const QUEUE_TABLE = 'queue';
const PG_STARTUP_MS = 60_000;
const INITDB_MS = 60_000;

const serverArgs = (port: number): string[] => ['-h', HOST, '-p', String(port), '-F', '-c', 'max_connections=20'];

/** SSLRequest: a server that accepts connections answers one byte, `N` (no TLS here). */
async function pingPostgres(_host: string, port: number): Promise<string> {
  const request = Buffer.alloc(8);
  request.writeInt32BE(8, 0);
  request.writeInt32BE(80877103, 4);
  const reply = await storeExchange(port, request, (r) => r.length >= 1, 'SSLRequest', 2000);
  if (reply[0] !== 0x4e) throw new Error(`SSLRequest answered ${JSON.stringify(reply.toString('latin1'))}`);
  return '';
}

/** Splits PostgreSQL backend messages (type byte, int32 length including itself, body). */
function messages(reply: Buffer): { type: string; body: Buffer }[] {
  const out: { type: string; body: Buffer }[] = [];
  for (let at = 0; at + 5 <= reply.length; ) {
    const len = reply.readInt32BE(at + 1);
    if (at + 1 + len > reply.length) break;
    out.push({ type: String.fromCharCode(reply[at]!), body: reply.subarray(at + 5, at + 1 + len) });
    at += 1 + len;
  }
  return out;
}

/** Runs one SQL statement as `gearspec` with trust authentication; rejects with the server's error. */
export async function simpleQuery(port: number, sql: string): Promise<void> {
  const params = Buffer.from(`user\0${PG_USER}\0database\0${PG_DATABASE}\0\0`, 'latin1');
  const startup = Buffer.alloc(8 + params.length);
  startup.writeInt32BE(startup.length, 0);
  startup.writeInt32BE(196608, 4); // protocol 3.0
  params.copy(startup, 8);
  const q = Buffer.from(`${sql}\0`, 'utf8');
  const query = Buffer.alloc(5 + q.length);
  query.write('Q', 0, 'latin1');
  query.writeInt32BE(4 + q.length, 1);
  q.copy(query, 5);
  // Startup and query in one write: the server reads the query once it is ready for one.
  const readyCount = (r: Buffer): number => messages(r).filter((m) => m.type === 'Z').length;
  const reply = await storeExchange(port, Buffer.concat([startup, query]), (r) => readyCount(r) >= 2 || messages(r).some((m) => m.type === 'E'), sql, 2000);
  const error = messages(reply).find((m) => m.type === 'E');
  if (error)
    throw new Error(
      `${sql}: ${error.body
        .toString('utf8')
        .split('\0')
        .filter((f) => f.startsWith('M'))
        .map((f) => f.slice(1))
        .join('; ')}`,
    );
}

function postgresStore(port: number, server: StoreServer, cleanup?: () => void): QueueStore {
  return {
    kind: 'postgres',
    location: { kind: 'postgres', host: HOST, port, user: PG_USER, database: PG_DATABASE },
    logs: () => server.logs(),
    reset: () => simpleQuery(port, `DROP TABLE IF EXISTS ${QUEUE_TABLE}`),
    close: closeOnce(server, cleanup),
  };
}

/** As root, the command runs as the postgres user (setpriv execs it: same pid). */
function asPostgresUser(command: string, args: readonly string[]): { command: string; args: string[] } {
  if (process.getuid?.() !== 0) return { command, args: [...args] };
  return { command: '/usr/bin/setpriv', args: ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args] };
}

export function nativePostgres(owner: string): Promise<QueueStore> {
  return withDataDir('gearspec-pg-', 'postgres', async (dir, cleanup) => {
    const initdb = asPostgresUser(`${PG_BIN}/initdb`, ['-D', dir, '-A', 'trust', '-U', PG_USER, '-E', 'UTF8', '--locale=C', '--no-sync']);
    execFileSync(initdb.command, initdb.args, { timeout: INITDB_MS, stdio: ['ignore', 'ignore', 'pipe'] });
    const run = asPostgresUser(`${PG_BIN}/postgres`, ['-D', dir, '-k', dir]);
    return await storeProcess(
      {
        name: `${owner} postgres`,
        command: run.command,
        args: (port) => [...run.args, ...serverArgs(port)],
        startupTimeoutMs: PG_STARTUP_MS,
        missingHint: 'install Debian package postgresql-15 (sudo npx gearspec peers install gearmand+postgres)',
        ping: pingPostgres,
      },
      (port, server) => postgresStore(port, server, cleanup),
    );
  });
}

export const containerPostgres = (owner: string): Promise<QueueStore> =>
  storeContainer({ name: `${owner} postgres`, image: 'postgres', command: serverArgs, startupTimeoutMs: PG_STARTUP_MS, ping: pingPostgres }, (port, server) => postgresStore(port, server));
