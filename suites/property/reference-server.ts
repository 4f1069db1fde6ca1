/**
 * The in-process reference server as the peers layer's StartedServer, optionally with injected
 * faults (which startServerPeer does not offer: faults are for these suites only).
 */
import { RunningServer } from '../../src/peers/servers/index.js';
import type { StartedServer } from '../../src/peers/types.js';
import { type FaultName, SERVER_VERSION, startReferenceServer } from '../../src/server/index.js';

export async function startReference(faults: readonly FaultName[] = []): Promise<StartedServer> {
  const lines: string[] = [];
  const server = await startReferenceServer({ host: '127.0.0.1', port: 0, faults, log: (l) => void (lines.length < 2000 && lines.push(l)) });
  return new RunningServer({
    name: faults.length ? `reference+${faults.join('+')}` : 'reference',
    provider: 'embedded',
    version: SERVER_VERSION,
    host: server.host,
    port: server.port,
    logs: () => lines.join('\n'),
    stop: () => server.close(),
  });
}
