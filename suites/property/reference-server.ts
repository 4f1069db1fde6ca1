/** The in-process reference server as a LocalServer, optionally with injected faults. */
import { type FaultName, startReferenceServer } from '../../src/server/index.js';
import type { LocalServer } from './peer-servers.js';

export async function startReference(faults: readonly FaultName[] = []): Promise<LocalServer> {
  const lines: string[] = [];
  const server = await startReferenceServer({ host: '127.0.0.1', port: 0, faults, log: (l) => void (lines.length < 2000 && lines.push(l)) });
  return { name: faults.length ? `reference+${faults.join('+')}` : 'reference', host: server.host, port: server.port, logs: () => lines.join('\n'), stop: () => server.close() };
}
