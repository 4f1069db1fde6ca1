/**
 * Starts the matrix's servers through the peers layer: the reference server embedded, C gearmand
 * and Perl gearmand natively or in containers (GEARSPEC_PEERS, or the matrix's provider).
 */
import { startServerPeer } from '../../src/peers/servers/index.js';
import type { ProviderKind, ServerPeerName } from '../../src/peers/types.js';
import { GearmanConnection } from '../../src/transport/connection.js';
import type { MatrixServerName } from './types.js';

export interface MatrixServer {
  readonly name: MatrixServerName;
  readonly address: string;
  readonly version: string;
  readonly provider: string;
  logs(): string;
  stop(): Promise<void>;
}

/** Start a server; one retry, because a readiness probe can lose a race with a loaded machine. */
export async function startMatrixServer(name: ServerPeerName, provider: ProviderKind | undefined): Promise<MatrixServer> {
  try {
    return await startOnce(name, provider);
  } catch {
    return startOnce(name, provider);
  }
}

async function startOnce(name: ServerPeerName, provider: ProviderKind | undefined): Promise<MatrixServer> {
  // The reference server always runs embedded; the provider applies to the external servers.
  const s = await startServerPeer(name, { ...(provider && name !== 'reference' ? { provider } : {}), startupTimeoutMs: 20_000 });
  return { name, address: s.address, version: s.version, provider: s.provider, logs: () => s.logs(), stop: () => s.stop() };
}

/**
 * A server someone else runs: the matrix neither starts nor stops it. Its version comes from the
 * admin `version` command when it answers within `timeoutMs`.
 */
export async function externalMatrixServer(host: string, port: number, timeoutMs = 3000): Promise<MatrixServer> {
  let version = 'unknown';
  const conn = await GearmanConnection.connect({ host, port, connectTimeoutMs: timeoutMs });
  try {
    const lines = await conn.admin('version', timeoutMs);
    version = (lines[0] ?? '').replace(/^OK /, '').trim() || 'unknown';
  } catch {
    // No admin protocol: the matrix still runs, the report says "unknown".
  } finally {
    conn.close();
  }
  return { name: 'external', address: `${host}:${port}`, version, provider: 'external', logs: () => '', stop: async () => undefined };
}
