/**
 * Shared set-up for the client/worker suites: which servers can run here, and a pool that closes
 * every client, worker and server a test opened (afterEach/afterAll), pass or fail.
 */
import { peerSkipReason, requirePeer } from '../../../src/peers/provider.js';
import { GearmanClient, type ClientOptions } from '../../../src/client/index.js';
import { GearmanWorker, type WorkerOptions } from '../../../src/worker/index.js';
import type { ServerPeerName, StartedServer } from '../../../src/peers/types.js';
import { startTestServer, type StartTestServerOptions } from './servers.js';

export const SERVER_KINDS: readonly ServerPeerName[] = ['reference', 'gearmand', 'perl-gearmand'];

/**
 * Why a server cannot run here, or undefined. Follows the peers layer's rule: in CI a missing
 * server is a failure (throws), elsewhere a loud skip that says how to enable it.
 */
export function unavailable(kind: ServerPeerName): string | undefined {
  return requirePeer(kind, `client/worker suite against ${kind}`) ? undefined : (peerSkipReason(kind) ?? 'unavailable');
}

let counter = 0;
/** A function name no other test in this process uses (servers are shared within a file). */
export const fname = (what: string): string => `cw_${what}_${process.pid}_${++counter}`;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `cond` every 10 ms until it holds; throws after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await sleep(10);
  }
}

export class Pool {
  readonly #clients: GearmanClient[] = [];
  readonly #workers: GearmanWorker[] = [];
  readonly #servers: StartedServer[] = [];

  async server(kind: ServerPeerName, options?: StartTestServerOptions): Promise<StartedServer> {
    const s = await startTestServer(kind, options);
    this.#servers.push(s);
    return s;
  }

  async client(srv: { host: string; port: number }, options: Partial<ClientOptions> = {}): Promise<GearmanClient> {
    const c = await GearmanClient.connect({ host: srv.host, port: srv.port, timeoutMs: 5000, ...options });
    this.#clients.push(c);
    return c;
  }

  async worker(srv: { host: string; port: number }, options: Partial<WorkerOptions> = {}): Promise<GearmanWorker> {
    const w = await GearmanWorker.connect({ host: srv.host, port: srv.port, timeoutMs: 5000, ...options });
    this.#workers.push(w);
    return w;
  }

  /** Close clients and workers (servers stay up). */
  async closeRoles(): Promise<void> {
    await Promise.all([...this.#clients.splice(0).map((c) => c.close()), ...this.#workers.splice(0).map((w) => w.close())]);
  }

  async closeAll(): Promise<void> {
    await this.closeRoles();
    await Promise.all(this.#servers.splice(0).map((s) => s.stop()));
  }
}
