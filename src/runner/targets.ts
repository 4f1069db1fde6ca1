/**
 * The servers certify can run against: the embedded reference server, an address, or a peer
 * started through the peers layer (src/peers/servers, native or container per GEARSPEC_PEERS).
 * Each start returns a Target and an idempotent stop.
 */
import { EXTERNAL_SERVER_NAMES, type ExternalServerName, peerLabel } from '../peers/registry/index.js';
import { startServerPeer } from '../peers/servers/index.js';
import { startReferenceServer } from '../server/index.js';
import type { Target } from './context.js';

export type TargetSpec = { readonly kind: 'reference' } | { readonly kind: 'address'; readonly host: string; readonly port: number } | { readonly kind: 'peer'; readonly name: PeerName };

/** The server peers certify can start (every registry server but the embedded reference). */
export const PEER_NAMES = EXTERNAL_SERVER_NAMES;
export type PeerName = ExternalServerName;

export interface StartedTarget {
  readonly target: Target;
  stop(): Promise<void>;
  logs(): string;
}

export async function startTarget(spec: TargetSpec): Promise<StartedTarget> {
  switch (spec.kind) {
    case 'reference': {
      const s = await startReferenceServer({ host: '127.0.0.1', port: 0 });
      return { target: { name: 'reference', host: s.host, port: s.port }, stop: () => s.close(), logs: () => '' };
    }
    case 'address':
      return { target: { name: `${spec.host}:${spec.port}`, host: spec.host, port: spec.port }, stop: async () => undefined, logs: () => '' };
    case 'peer': {
      const p = await startServerPeer(spec.name);
      return { target: { name: peerLabel(spec.name), host: p.host, port: p.port }, stop: () => p.stop(), logs: () => p.logs() };
    }
  }
}
