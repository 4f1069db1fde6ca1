/**
 * Servers for the client/worker suites, through the peers layer (startServerPeer): the reference
 * server embedded in this process, C gearmand 1.1.20 and Perl Gearman::Server 1.130 natively or
 * in containers, as GEARSPEC_PEERS chooses. This file only narrows StartedServer to what these
 * suites use. (The benchmark starts its servers itself, bench/lib/targets.ts: bench/ is not a
 * suite and imports nothing from suites/.)
 */
import net from 'node:net';
import { startServerPeer } from '../../../src/peers/servers/index.js';
import type { ServerPeerName } from '../../../src/peers/types.js';

export type ServerKind = ServerPeerName;

export interface TestServer {
  readonly kind: ServerKind;
  readonly host: string;
  readonly port: number;
  /** The `version` reply, e.g. "1.1.20+ds" or "1.130.1". */
  readonly version: string;
  logs(): string;
  close(): Promise<void>;
}

export interface StartTestServerOptions {
  /** Fixed port (to restart a server where a worker expects it); default a free one. */
  port?: number;
  /** C gearmand I/O threads (-t). */
  threads?: number;
  startupTimeoutMs?: number;
}

/** Bind port 0 on loopback, read the port, release it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port from listen(0)'))));
    });
  });
}

export async function startTestServer(kind: ServerKind, options: StartTestServerOptions = {}): Promise<TestServer> {
  const s = await startServerPeer(kind, {
    ...(options.port !== undefined && { port: options.port }),
    ...(options.threads !== undefined && { threads: options.threads }),
    ...(options.startupTimeoutMs !== undefined && { startupTimeoutMs: options.startupTimeoutMs }),
  });
  return { kind, host: s.host, port: s.port, version: s.version, logs: () => s.logs(), close: () => s.stop() };
}
