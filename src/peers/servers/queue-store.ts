/**
 * The store behind a server's persistent queue (registry `server.queue`), kept apart from the
 * server so that it outlives a restart: a folder for gearmand's libsqlite3 database, or a Redis,
 * PostgreSQL or MariaDB server of its own for gearmand's redis, Postgres or MySQL queue
 * (postgres-store.ts, mariadb-store.ts). One lifecycle, like every peer: open (started and
 * answering, within a deadline) → location() → close(), which removes everything it made.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ERROR_CODES, PeerError } from '../../errors.js';
import type { QueueStoreKind } from '../registry/index.js';
import type { ProviderKind, QueueLocation } from '../types.js';
import { containerMariadb, nativeMariadb } from './mariadb-store.js';
import { SERVER_HOST as HOST } from './port-retry.js';
import { containerPostgres, nativePostgres } from './postgres-store.js';
import { storeExchange } from './store-exchange.js';
import { closeOnce, type StoreServer, storeContainer, storeProcess } from './store-server.js';

export interface QueueStore {
  readonly kind: QueueStoreKind;
  /** Where the server finds it (a host folder, or the Redis server's address). */
  readonly location: QueueLocation;
  logs(): string;
  /** Forget every job it holds (the server using it must be stopped). */
  reset(): Promise<void>;
  /** Idempotent: stops the store's server and removes its files. */
  close(): Promise<void>;
}

/** Where a libsqlite3 folder appears inside a server container (a bind mount of the host folder). */
export const CONTAINER_QUEUE_DIR = '/var/lib/gearspec-queue';
const REDIS_STARTUP_MS = 15_000;

export async function openQueueStore(kind: QueueStoreKind, provider: Exclude<ProviderKind, 'embedded'>, owner: string): Promise<QueueStore> {
  switch (kind) {
    case 'libsqlite3':
      return sqliteFolder(owner);
    case 'redis':
      return provider === 'native' ? nativeRedis(owner) : containerRedis(owner);
    case 'postgres':
      return provider === 'native' ? nativePostgres(owner) : containerPostgres(owner);
    case 'mysql':
      return provider === 'native' ? nativeMariadb(owner) : containerMariadb(owner);
  }
}

function sqliteFolder(owner: string): QueueStore {
  const dir = mkdtempSync(path.join(os.tmpdir(), `gearspec-queue-${owner.replace(/[^A-Za-z0-9]+/g, '-')}-`));
  let closed = false;
  return {
    kind: 'libsqlite3',
    location: { kind: 'libsqlite3', dir },
    logs: () => '',
    reset: async () => {
      for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { recursive: true, force: true });
    },
    close: async () => {
      if (closed) return;
      closed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Redis answers `PING` with `+PONG`: the store is up. */
const pingRedis = (_host: string, port: number): Promise<string> => redisCommand(port, 'PING', '+PONG');

/** One inline Redis command and its one-line reply, which must start with `want`. */
async function redisCommand(port: number, command: string, want: string, timeoutMs = 1000): Promise<string> {
  const reply = (await storeExchange(port, `${command}\r\n`, (r) => r.includes('\r\n'), command, timeoutMs)).toString('latin1');
  if (!reply.startsWith(want)) throw new Error(`${command} answered ${JSON.stringify(reply.trim())}`);
  return '';
}

/** No snapshot, no append-only file: the store lives as long as the harness keeps it. */
const redisArgs = (port: number): string[] => ['--bind', HOST, '--port', String(port), '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];

function redisStore(port: number, server: StoreServer): QueueStore {
  return {
    kind: 'redis',
    location: { kind: 'redis', host: HOST, port },
    logs: () => server.logs(),
    reset: async () => {
      await redisCommand(port, 'FLUSHALL', '+OK');
    },
    close: closeOnce(server),
  };
}

const nativeRedis = (owner: string): Promise<QueueStore> =>
  storeProcess(
    {
      name: `${owner} redis`,
      command: '/usr/bin/redis-server',
      args: redisArgs,
      startupTimeoutMs: REDIS_STARTUP_MS,
      missingHint: 'install Debian package redis-server (sudo npx gearspec peers install gearmand+redis)',
      ping: pingRedis,
    },
    redisStore,
  );

const containerRedis = (owner: string): Promise<QueueStore> =>
  storeContainer({ name: `${owner} redis`, image: 'redis', command: redisArgs, startupTimeoutMs: REDIS_STARTUP_MS, ping: pingRedis }, redisStore);

/** The queue location as the server sees it: a container finds the host folder at its mount point. */
export function locationFor(provider: Exclude<ProviderKind, 'embedded'>, at: QueueLocation): QueueLocation {
  return provider === 'container' && at.kind === 'libsqlite3' ? { kind: 'libsqlite3', dir: CONTAINER_QUEUE_DIR } : at;
}

/** A store the caller was meant to pass but did not: say so instead of starting without a queue. */
export function storeMismatch(server: string, want: QueueStoreKind, got: QueueLocation): PeerError {
  return new PeerError(ERROR_CODES.HARNESS, server, `its queue is ${want}, but it was given a ${got.kind} store`);
}
