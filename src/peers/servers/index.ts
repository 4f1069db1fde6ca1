/**
 * startServerPeer: one entry point for every server peer in the registry, whichever provider runs
 * it: the reference server embedded (in this process), every other one natively (its registry
 * record's program) or in its registry image. The provider defaults to what GEARSPEC_PEERS
 * resolves to (see ../provider.ts).
 */
import { ERROR_CODES, InputError } from '../../errors.js';
import { providerFor } from '../provider.js';
import { SERVER_NAMES, isServerPeerName } from '../registry/index.js';
import type { ServerPeerName, ServerStartOptions, StartedServer } from '../types.js';
import { EXTERNAL_SERVERS } from './catalogue.js';
import { startContainerServer } from './container-server.js';
import { startEmbeddedReference } from './embedded-reference.js';
import { startNativeServer } from './native-server.js';
import { openQueueStore, type QueueStore, storeMismatch } from './queue-store.js';
import { RunningServer } from './started-server.js';

export { isServerPeerName, SERVER_NAMES as SERVER_PEER_NAMES } from '../registry/index.js';

export async function startServerPeer(name: ServerPeerName, options: ServerStartOptions = {}): Promise<StartedServer> {
  if (!isServerPeerName(name)) throw new InputError(ERROR_CODES.USAGE, 'server peer', `unknown server peer ${JSON.stringify(name)}; known: ${SERVER_NAMES.join(', ')}`);
  const provider = options.provider ?? providerFor(name);
  if (name === 'reference') {
    if (provider !== 'embedded') throw new InputError(ERROR_CODES.USAGE, 'reference provider', `the reference server runs embedded, not ${provider}`);
    return startEmbeddedReference(options);
  }
  const def = EXTERNAL_SERVERS[name];
  if (provider === 'embedded') throw new InputError(ERROR_CODES.USAGE, `${name} provider`, `${name} cannot run embedded; use native or container`);
  const start = (o: ServerStartOptions): Promise<StartedServer> => (provider === 'native' ? startNativeServer(def, o) : startContainerServer(def, o));
  if (def.queue === undefined) return start(options);
  if (options.queue) {
    if (options.queue.kind !== def.queue) throw storeMismatch(name, def.queue, options.queue);
    return start(options);
  }
  // No store handed in: one for this server's lifetime, closed with it (or when it fails to start).
  const store = await openQueueStore(def.queue, provider, name);
  try {
    return withStore(await start({ ...options, queue: store.location }), store);
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
}

/** The server, whose stop also closes its queue store and whose logs include the store's. */
function withStore(server: StartedServer, store: QueueStore): StartedServer {
  return new RunningServer({
    name: server.name,
    provider: server.provider,
    version: server.version,
    host: server.host,
    port: server.port,
    logs: () => [server.logs(), store.logs()].filter((l) => l.trim()).join(`\n--- ${store.kind} store ---\n`),
    stop: async () => {
      try {
        await server.stop();
      } finally {
        await store.close();
      }
    },
    ...(server instanceof RunningServer && { details: server.details }),
    ...(server.exited && { exited: server.exited }),
  });
}

export { EXTERNAL_SERVERS, GEARMAND, PERL_GEARMAND, serverDef, type ExternalServerDef, type ExternalServerName } from './catalogue.js';
export { RunningServer } from './started-server.js';
export type { ServerStartOptions, StartedServer, ServerPeerName } from '../types.js';
