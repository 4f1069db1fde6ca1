/**
 * The stores behind persistent queues: a libsqlite3 folder that reset() empties and close()
 * removes; a Redis server (native or container, per GEARSPEC_PEERS) that answers PING, forgets
 * everything on reset() and is gone after close(); a PostgreSQL and a MariaDB server likewise. And startServerPeer of a queue configuration
 * without a store opens one for the server's lifetime, and closes it with the server.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { providerFor, requirePeer } from '../provider.js';
import { acceptsConnections } from '../test-helpers.js';
import { startServerPeer } from './index.js';
import { mysqlQuery } from './mysql-wire.js';
import { simpleQuery } from './postgres-store.js';
import type { QueueLocation } from '../types.js';
import { openQueueStore, type QueueStore } from './queue-store.js';

const open: QueueStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** One inline Redis command and its first reply line. */
function redis(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let got = '';
    s.once('connect', () => s.write(`${command}\r\n`));
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) {
        s.destroy();
        resolve(got.split('\r\n')[0]!);
      }
    });
    s.once('error', reject);
  });
}

/** The store a queue configuration uses, opened where that peer runs, as a location of `kind`. */
async function storeOf<K extends 'redis' | 'postgres' | 'mysql'>(
  peer: 'gearmand+redis' | 'gearmand+postgres' | 'gearmand+mysql',
  kind: K,
): Promise<{ store: QueueStore; at: Extract<QueueLocation, { kind: K }> }> {
  const provider = providerFor(peer);
  if (provider === 'embedded') throw new Error(`${peer} cannot run embedded`);
  const store = await openQueueStore(kind, provider, 'test');
  open.push(store);
  const at = store.location;
  if (at.kind !== kind) throw new Error(`${peer}: a ${at.kind} store, not ${kind}`);
  return { store, at: at as Extract<QueueLocation, { kind: K }> };
}

/**
 * A database store: `create` makes the queue table, and a second `create` is refused with the
 * server's own error (`exists`) rather than hanging; after reset() it can be made again; after
 * close() nothing listens on `port`.
 */
async function forgetsTableOnReset(store: QueueStore, port: number, create: () => Promise<void>, exists: RegExp): Promise<void> {
  await create();
  await expect(create()).rejects.toThrow(exists);
  await store.reset();
  await create();
  await store.close();
  expect(await acceptsConnections(port)).toBe(false);
}

describe('persistent queue stores', () => {
  it('a libsqlite3 folder: reset empties it, close removes it', async () => {
    const store = await openQueueStore('libsqlite3', 'native', 'test');
    open.push(store);
    if (store.location.kind !== 'libsqlite3') throw new Error('not a folder');
    const { dir } = store.location;
    writeFileSync(path.join(dir, 'queue.db'), 'x');
    await store.reset();
    expect(readdirSync(dir)).toEqual([]);
    await store.close();
    expect(existsSync(dir)).toBe(false);
  });

  const redisRuns = requirePeer('gearmand+redis', 'the Redis queue store');
  it.skipIf(!redisRuns)('a Redis server: answers, forgets on reset, is gone after close', { timeout: 240_000 }, async () => {
    const {
      store,
      at: { port },
    } = await storeOf('gearmand+redis', 'redis');
    expect(await redis(port, 'SET k v')).toBe('+OK');
    expect(await redis(port, 'DBSIZE')).toBe(':1');
    await store.reset();
    expect(await redis(port, 'DBSIZE')).toBe(':0');
    await store.close();
    expect(await acceptsConnections(port)).toBe(false);
  });

  const postgresRuns = requirePeer('gearmand+postgres', 'the PostgreSQL queue store');
  it.skipIf(!postgresRuns)('a PostgreSQL server: takes SQL as gearspec, forgets the queue table on reset, is gone after close', { timeout: 240_000 }, async () => {
    const { store, at } = await storeOf('gearmand+postgres', 'postgres');
    await forgetsTableOnReset(store, at.port, () => simpleQuery(at.port, 'CREATE TABLE queue (unique_key VARCHAR(64))'), /relation "queue" already exists/);
  });

  const mysqlRuns = requirePeer('gearmand+mysql', 'the MariaDB queue store');
  it.skipIf(!mysqlRuns)('a MariaDB server: takes SQL in its gearspec database, forgets the queue table on reset, is gone after close', { timeout: 240_000 }, async () => {
    const { store, at } = await storeOf('gearmand+mysql', 'mysql');
    await forgetsTableOnReset(
      store,
      at.port,
      () => mysqlQuery(at.port, at.user, `CREATE TABLE ${at.database}.gearman_queue (unique_key VARCHAR(64))`),
      /ERROR 1050 \(42S01\): Table 'gearman_queue' already exists/,
    );
  });

  const sqliteRuns = requirePeer('gearmand+libsqlite3', 'gearmand with its libsqlite3 queue');
  it.skipIf(!sqliteRuns)('a queue configuration started without a store gets one, closed with the server', { timeout: 240_000 }, async () => {
    const server = await startServerPeer('gearmand+libsqlite3');
    // Natively the log names the host folder; in a container, the mount point.
    const native = providerFor('gearmand+libsqlite3') === 'native';
    let folder: string | undefined;
    try {
      expect(server.logs()).toMatch(/-q libsqlite3 --libsqlite3-db \S+\/queue\.db/);
      folder = /--libsqlite3-db (\S+)\/queue\.db/.exec(server.logs())?.[1];
      if (native) expect(existsSync(path.join(folder ?? '', 'queue.db'))).toBe(true);
    } finally {
      await server.stop();
    }
    expect(await acceptsConnections(server.port)).toBe(false);
    if (native) expect(existsSync(folder ?? '')).toBe(false);
  });
});
