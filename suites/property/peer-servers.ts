/**
 * Servers for the property suites come from the peers layer (startServerPeer; GEARSPEC_PEERS picks
 * native or container) as its StartedServer. This file adds only the skip rule: a peer that
 * cannot run is a loud skip locally and a failure in CI.
 */
import { isCi, peerSkipReason } from '../../src/peers/provider.js';
import type { ServerPeerName } from '../../src/peers/types.js';

/** Undefined when `name` can run; the reason to skip otherwise. Throws in CI. */
export function skipReason(name: ServerPeerName, suite: string): string | undefined {
  const reason = peerSkipReason(name);
  if (reason && isCi()) throw new Error(`${suite}: ${reason}`);
  if (reason) process.stderr.write(`[${suite}] SKIPPED ${name}: ${reason}\n`);
  return reason;
}
