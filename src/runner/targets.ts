/**
 * The servers certify can run against: the embedded reference server, an address, or a peer
 * started through the peers layer (src/peers/servers, native or container per GEARSPEC_PEERS).
 * Each start returns a Target and an idempotent stop. A server gearspec started itself can also
 * say when it died and be restarted (restartable()), so one crash does not fail every later case.
 */
import type { ProcessExit } from '../peers/peer-start.js';
import { EXTERNAL_SERVER_NAMES, type ExternalServerName, peerLabel } from '../peers/registry/index.js';
import { providerFor } from '../peers/provider.js';
import { EXTERNAL_SERVERS, startServerPeer } from '../peers/servers/index.js';
import { openQueueStore, type QueueStore } from '../peers/servers/queue-store.js';
import { startReferenceServer } from '../server/index.js';
import type { Target } from './context.js';

export type TargetSpec = { readonly kind: 'reference' } | { readonly kind: 'address'; readonly host: string; readonly port: number } | { readonly kind: 'peer'; readonly name: PeerName };

/** The server peers certify can start (every registry server but the embedded reference). */
export const PEER_NAMES = EXTERNAL_SERVER_NAMES;
export type PeerName = ExternalServerName;

/** How a server instance ended: an exit code or a signal; both null when it closed in-process. */
export type ServerExit = ProcessExit;

/**
 * Not a second started-server type: what certify runs against, which may be a server gearspec
 * did not start (an address) and, when it did, adds what the peers layer's StartedServer has not:
 * liveness and restart() after a crash, with the logs of every instance kept.
 */
export interface StartedTarget {
  /** Where the server answers now (host and port may change after restart()). */
  readonly target: Target;
  stop(): Promise<void>;
  logs(): string;
  /** Servers gearspec started: false once the current instance has exited. */
  alive?(): boolean;
  /** Servers gearspec started: resolves when the current instance exits (a crash, or stop()). */
  exited?(): Promise<ServerExit>;
  /**
   * Servers gearspec started: stop what is left of the current instance and start a fresh one. A
   * persistent queue is kept, unless `emptyQueue` (after a crash: a job that killed the server
   * must not kill every later instance too).
   */
  restart?(options?: { readonly emptyQueue?: boolean }): Promise<Target>;
}

/** One running instance of a server gearspec started; what restartable() needs. */
export interface ServerInstance {
  readonly host: string;
  readonly port: number;
  /** Resolves when the instance has ended, by itself or through stop(); never rejects. */
  readonly exited: Promise<ServerExit>;
  stop(): Promise<void>;
  logs(): string;
}

/**
 * A StartedTarget over `start`, which is called again by restart(). Logs of earlier instances are
 * kept (a crash's output must survive the restart that follows it). Exported for tests, which
 * inject a server that really dies; the CLI only reaches it through startTarget.
 */
export async function restartable(name: string, start: () => Promise<ServerInstance>, store?: Pick<QueueStore, 'close' | 'logs' | 'kind' | 'reset'>): Promise<StartedTarget> {
  let current: ServerInstance;
  try {
    current = await start();
  } catch (e) {
    await store?.close().catch(() => undefined);
    throw e;
  }
  let exit: ServerExit | undefined;
  const watch = (s: ServerInstance): void => {
    void s.exited.then((e) => {
      if (s === current) exit = e;
    });
  };
  watch(current);
  const earlier: string[] = [];
  const serverLogs = (): string => [...earlier, current.logs()].filter((l) => l.trim()).join('\n--- restarted ---\n');
  const allLogs = (): string => (store?.logs().trim() ? `${serverLogs()}\n--- ${store.kind} store ---\n${store.logs()}` : serverLogs());
  return {
    get target(): Target {
      return { name, host: current.host, port: current.port };
    },
    stop: async () => {
      try {
        await current.stop();
      } finally {
        await store?.close();
      }
    },
    logs: allLogs,
    alive: () => exit === undefined,
    exited: () => current.exited,
    async restart(options = {}): Promise<Target> {
      // Stopping a dead instance reaps it (and removes a container); a failure there must not
      // keep the fresh instance from starting.
      await current.stop().catch(() => undefined);
      if (options.emptyQueue) await store?.reset();
      earlier.push(current.logs());
      try {
        current = await start();
      } catch (e) {
        // Nothing runs now; its start error carries the new instance's output.
        current = { host: current.host, port: current.port, exited: Promise.resolve({ code: null, signal: null }), stop: async () => undefined, logs: () => '' };
        exit = { code: null, signal: null };
        throw e;
      }
      exit = undefined;
      watch(current);
      return { name, host: current.host, port: current.port };
    },
  };
}

/** Never resolves: a server whose provider cannot report an exit is taken to be alive. */
const NEVER = new Promise<never>(() => undefined);

export async function startTarget(spec: TargetSpec): Promise<StartedTarget> {
  switch (spec.kind) {
    case 'reference':
      return restartable('reference', async () => {
        const s = await startReferenceServer({ host: '127.0.0.1', port: 0 });
        // In-process: it only ends by close() (or an admin shutdown, which no case sends).
        return { host: s.host, port: s.port, exited: s.closed.then(() => ({ code: null, signal: null })), stop: () => s.close(), logs: () => '' };
      });
    case 'address':
      // Someone else's server: never restarted, so no liveness capability.
      return { target: { name: `${spec.host}:${spec.port}`, host: spec.host, port: spec.port }, stop: async () => undefined, logs: () => '' };
    case 'peer': {
      // A persistent queue outlives the instances: every restart finds the jobs the last one kept.
      const queue = EXTERNAL_SERVERS[spec.name].queue;
      const provider = providerFor(spec.name);
      const store = queue && provider !== 'embedded' ? await openQueueStore(queue, provider, spec.name) : undefined;
      return restartable(
        peerLabel(spec.name),
        async () => {
          const p = await startServerPeer(spec.name, store ? { queue: store.location } : {});
          const exited = p.exited ?? NEVER;
          return { host: p.host, port: p.port, exited, stop: () => p.stop(), logs: () => p.logs() };
        },
        store,
      );
    }
  }
}
