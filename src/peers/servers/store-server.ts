/**
 * The one way a queue store's own server (Redis, PostgreSQL, MariaDB) is started: on an ephemeral
 * loopback port (a fresh one if another process wins it), natively or in its image, ready once
 * `ping` gets the server's answer within the deadline, and closed once, whatever calls close.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONTAINER_STARTUP_MS, runContainer } from '../container.js';
import { peerImage } from '../image-contexts.js';
import { runProcess } from '../process.js';
import { pollUntilAnswered } from '../readiness.js';
import type { ImageName } from '../registry/index.js';
import { SERVER_HOST as HOST, startOnFreePort } from './port-retry.js';

/** The store answers on `port` (resolves), or is not ready yet (rejects). */
export type StorePing = (host: string, port: number) => Promise<string>;

/** What a started store server gives back: its logs and how to stop it. */
export interface StoreServer {
  logs(): string;
  stop(): Promise<unknown>;
}

interface StoreStart {
  /** `<owner> redis`: names the process or container in logs and errors. */
  readonly name: string;
  readonly startupTimeoutMs: number;
  readonly ping: StorePing;
}

/** Starts the store's program here: `args(port)` is its whole command line after `command`. */
export function storeProcess<T>(
  o: StoreStart & { readonly command: string; readonly args: (port: number) => string[]; readonly missingHint: string },
  make: (port: number, server: StoreServer) => T,
): Promise<T> {
  return startOnFreePort(undefined, async (port) => {
    const proc = await runProcess({
      name: o.name,
      command: o.command,
      args: o.args(port),
      startupTimeoutMs: o.startupTimeoutMs,
      missingHint: o.missingHint,
      ready: async ({ pid, signal }) => {
        await pollUntilAnswered({ name: o.name, host: HOST, port, pid, signal }, o.ping);
      },
    });
    return make(port, proc);
  });
}

/** Starts the store in its image (host networking): `command(port)` goes after its entrypoint. */
export function storeContainer<T>(o: StoreStart & { readonly image: ImageName; readonly command: (port: number) => string[] }, make: (port: number, server: StoreServer) => T): Promise<T> {
  return startOnFreePort(undefined, async (port) => {
    const container = await runContainer({
      name: o.name,
      ...peerImage({ image: o.image }),
      command: o.command(port),
      startupTimeoutMs: Math.max(DEFAULT_CONTAINER_STARTUP_MS, o.startupTimeoutMs),
      ready: async ({ hostPid, signal }) => {
        await pollUntilAnswered({ name: o.name, host: HOST, port, signal, ...(hostPid !== undefined && { pid: hostPid }) }, o.ping);
      },
    });
    return make(port, container);
  });
}

/**
 * A fresh folder for a store's data, owned by the system user `owner` when gearspec runs as root
 * (PostgreSQL and MariaDB refuse to run as root), handed to `use` with the function that removes
 * it; removed at once if `use` fails.
 */
export async function withDataDir<T>(prefix: string, owner: string, use: (dir: string, cleanup: () => void) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', owner], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', owner], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    return await use(dir, cleanup);
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** close() for a store: stops its server once, then removes what it left on disk (even if the stop failed). */
export function closeOnce(server: StoreServer, cleanup: () => void = () => undefined): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= server.stop().then(cleanup, (e: unknown) => {
      cleanup();
      throw e;
    });
    return closing;
  };
}
