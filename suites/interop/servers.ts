/**
 * Starts the matrix's servers. Uses the peers layer's `startServerPeer` when it is present
 * (src/peers/servers/index.ts), and otherwise a local native fallback: the reference server
 * in-process, C gearmand and Perl gearmand as child processes on a free loopback port, each with
 * a readiness probe that races the process's early exit.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { ERROR_CODES, PeerError } from '../../src/errors.js';
import { startReferenceServer } from '../../src/server/index.js';
import type { ProviderKind, ServerPeerName, StartedServer } from '../../src/peers/types.js';

export interface MatrixServer {
  readonly name: ServerPeerName;
  readonly address: string;
  readonly version: string;
  readonly provider: string;
  logs(): string;
  stop(): Promise<void>;
}

type PeersModule = { startServerPeer: (name: ServerPeerName, options?: { provider?: ProviderKind; startupTimeoutMs?: number }) => Promise<StartedServer> };

async function peersLayer(): Promise<PeersModule | undefined> {
  const path = '../../src/peers/servers/index.js';
  try {
    const mod = (await import(/* @vite-ignore */ path)) as Partial<PeersModule>;
    return typeof mod.startServerPeer === 'function' ? (mod as PeersModule) : undefined;
  } catch {
    return undefined;
  }
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
  const peers = await peersLayer();
  if (peers) {
    // The reference server always runs embedded; the provider applies to the external servers.
    const s = await peers.startServerPeer(name, { ...(provider && name !== 'reference' ? { provider } : {}), startupTimeoutMs: 20_000 });
    return { name, address: s.address, version: s.version, provider: s.provider, logs: () => s.logs(), stop: () => s.stop() };
  }
  if (provider === 'container') throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, name, 'the container provider needs src/peers/servers (not present yet)');
  return startNative(name);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function startNative(name: ServerPeerName): Promise<MatrixServer> {
  if (name === 'reference') {
    const s = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    return { name, address: s.address, version: 'gearspec reference', provider: 'embedded', logs: () => '', stop: () => s.close() };
  }
  const port = await freePort();
  const [bin, args, version] =
    name === 'gearmand'
      ? ['/usr/sbin/gearmand', ['-L', '127.0.0.1', '-p', String(port), '--log-file=none'], 'gearmand 1.1.20 (native)']
      : ['/usr/bin/gearmand', ['-L', '127.0.0.1', '-p', String(port)], 'Perl Gearman::Server 1.130 (native)'];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (b: Buffer): void => {
    log = (log + b.toString()).slice(-64 * 1024);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const gone = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  child.once('error', (e) => keep(Buffer.from(`spawn error: ${e.message}\n`)));
  const deadline = Date.now() + 10_000;
  while (!(await probe(port))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new PeerError(ERROR_CODES.PEER_START_FAILED, name, exited ? 'exited before listening' : 'not listening after 10 s', log);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    name,
    address: `127.0.0.1:${port}`,
    version,
    provider: 'native',
    logs: () => log,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const late = await Promise.race([gone.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 2000))]);
      if (late) {
        child.kill('SIGKILL');
        await gone;
      }
    },
  };
}
