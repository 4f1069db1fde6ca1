/**
 * Servers for the client/worker suites, through the peers layer (startServerPeer): the reference
 * server embedded in this process, C gearmand 1.1.20 and Perl Gearman::Server 1.130 natively or
 * in containers, as GEARSPEC_PEERS chooses. A started server is the peers layer's StartedServer;
 * this file only adds a free-port helper and the options these suites pass. (The benchmark starts its servers itself, bench/lib/targets.ts: bench/ is not a
 * suite and imports nothing from suites/.)
 */
import net from 'node:net';
import { startServerPeer } from '../../../src/peers/servers/index.js';
import type { ServerPeerName, StartedServer } from '../../../src/peers/types.js';

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

export function startTestServer(kind: ServerPeerName, options: StartTestServerOptions = {}): Promise<StartedServer> {
  return startServerPeer(kind, {
    ...(options.port !== undefined && { port: options.port }),
    ...(options.threads !== undefined && { threads: options.threads }),
    ...(options.startupTimeoutMs !== undefined && { startupTimeoutMs: options.startupTimeoutMs }),
  });
}
