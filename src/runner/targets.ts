/**
 * The servers certify can run against: the embedded reference server, an address, or a peer
 * started through the peers layer (src/peers/servers, with this module's native launcher as the
 * fallback while that layer is absent). Each start returns a Target and an idempotent stop.
 */
import { PeerError, ERROR_CODES } from '../errors.js';
import { startReferenceServer } from '../server/index.js';
import type { Target } from './context.js';
import { nativeAvailable, startNative } from './native-fallback.js';

export type TargetSpec = { readonly kind: 'reference' } | { readonly kind: 'address'; readonly host: string; readonly port: number } | { readonly kind: 'peer'; readonly name: PeerName };

export const PEER_NAMES = ['gearmand', 'perl-gearmand'] as const;
export type PeerName = (typeof PEER_NAMES)[number];

/** Baseline shipped for each peer (relative to the package root). */
export const PEER_BASELINES: Readonly<Record<PeerName, string>> = {
  gearmand: 'suites/conformance/baselines/gearmand-1.1.20.json',
  'perl-gearmand': 'suites/conformance/baselines/perl-gearmand-1.130.json',
};

export const PEER_LABELS: Readonly<Record<PeerName, string>> = { gearmand: 'gearmand 1.1.20', 'perl-gearmand': 'perl-gearmand 1.130' };

export interface StartedTarget {
  readonly target: Target;
  stop(): Promise<void>;
  logs(): string;
}

interface PeersModule {
  startServerPeer(name: PeerName): Promise<{ host: string; port: number; version?: string; logs(): string; stop(): Promise<void> }>;
}

function isPeersModule(m: unknown): m is PeersModule {
  return typeof m === 'object' && m !== null && typeof (m as { startServerPeer?: unknown }).startServerPeer === 'function';
}

/** The peers layer, when present (it is being written in parallel; keep the import dynamic). */
async function loadPeers(): Promise<PeersModule | undefined> {
  const specifier: string = '../peers/servers/index.js';
  try {
    const m: unknown = await import(specifier);
    return isPeersModule(m) ? m : undefined;
  } catch {
    return undefined;
  }
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
      const peers = await loadPeers();
      if (peers) {
        const p = await peers.startServerPeer(spec.name);
        return { target: { name: PEER_LABELS[spec.name], host: p.host, port: p.port }, stop: () => p.stop(), logs: () => p.logs() };
      }
      if (!nativeAvailable(spec.name)) throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, spec.name, 'not installed (apt-get install gearman-job-server / gearman-server), and the peers layer is not available');
      const s = await startNative(spec.name);
      return { target: { name: PEER_LABELS[spec.name], host: s.host, port: s.port }, stop: () => s.stop(), logs: () => s.logs() };
    }
  }
}
