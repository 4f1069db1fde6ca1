/**
 * Servers for the property suites, through the peers layer (GEARSPEC_PEERS picks native or
 * container). A peer that cannot run is a loud skip locally and a failure in CI.
 */
import { isCi, peerSkipReason } from '../../src/peers/provider.js';
import { startServerPeer } from '../../src/peers/servers/index.js';
import type { ServerPeerName } from '../../src/peers/types.js';

export interface LocalServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  logs(): string;
  stop(): Promise<void>;
}

export function startPeer(name: ServerPeerName): Promise<LocalServer> {
  return startServerPeer(name);
}

/** Undefined when `name` can run; the reason to skip otherwise. Throws in CI. */
export function skipReason(name: ServerPeerName, suite: string): string | undefined {
  const reason = peerSkipReason(name);
  if (reason && isCi()) throw new Error(`${suite}: ${reason}`);
  if (reason) process.stderr.write(`[${suite}] SKIPPED ${name}: ${reason}\n`);
  return reason;
}
