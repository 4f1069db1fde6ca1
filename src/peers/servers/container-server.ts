/**
 * A server peer in a container built from its registry image, host networking, bound to
 * 127.0.0.1:<ephemeral port>. Readiness is the same as native (readiness.ts), with the container's
 * own process as the listener's owner (its host pid is visible in our /proc).
 */
import { DEFAULT_CONTAINER_STARTUP_MS, runContainer } from '../container.js';
import { peerImage } from '../image-contexts.js';
import { waitForServerReady } from '../readiness.js';
import type { ServerStartOptions, StartedServer } from '../types.js';
import type { ExternalServerDef } from './catalogue.js';
import { SERVER_HOST as HOST, startOnFreePort } from './port-retry.js';
import { CONTAINER_QUEUE_DIR, locationFor } from './queue-store.js';
import { externalServer } from './started-server.js';

export async function startContainerServer(def: ExternalServerDef, options: ServerStartOptions = {}): Promise<StartedServer> {
  return startOnFreePort(options.port, async (port) => {
    let versionLine = '';
    const container = await runContainer({
      name: def.name,
      ...peerImage(def.container),
      command: [...def.containerCommand, ...def.buildArgs(HOST, port, { ...options, ...(options.queue && { queue: locationFor('container', options.queue) }) })],
      ...(options.queue?.kind === 'libsqlite3' && { mounts: [{ source: options.queue.dir, target: CONTAINER_QUEUE_DIR }] }),
      startupTimeoutMs: options.startupTimeoutMs ?? DEFAULT_CONTAINER_STARTUP_MS,
      logMaxBytes: options.logMaxBytes,
      ready: async ({ hostPid, signal }) => {
        versionLine = await waitForServerReady(def.readiness, { name: def.name, host: HOST, port, signal, ...(hostPid !== undefined && { pid: hostPid }) });
      },
    });
    return externalServer(def, 'container', HOST, port, versionLine, container, {
      containerId: container.id,
      image: container.image,
      ...(container.hostPid !== undefined && { hostPid: container.hostPid }),
    });
  });
}
