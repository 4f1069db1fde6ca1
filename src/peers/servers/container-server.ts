/**
 * A server peer in a container built from docker/<peer>/Dockerfile, host networking, bound to
 * 127.0.0.1:<ephemeral port>. Readiness is the same as native: `version` answered by a listener
 * the container's own process holds (its host pid is visible in our /proc).
 */
import { PeerError } from '../../errors.js';
import { runContainer } from '../container.js';
import { pickFreePort } from '../ports.js';
import { PortInUseError, parseVersionReply, waitForAdminVersion } from '../readiness.js';
import type { ServerStartOptions, StartedServer } from '../types.js';
import type { ExternalServerDef } from './catalogue.js';
import { RunningServer } from './started-server.js';

const HOST = '127.0.0.1';
const PORT_ATTEMPTS = 3;
/** Container create + start is slower than a spawn; the image build has its own deadline. */
export const DEFAULT_CONTAINER_STARTUP_MS = 20_000;

export async function startContainerServer(def: ExternalServerDef, options: ServerStartOptions = {}): Promise<StartedServer> {
  const attempts = options.port === undefined ? PORT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await pickFreePort(HOST));
    let versionLine = '';
    try {
      const container = await runContainer({
        name: def.name,
        dockerfileDir: def.dockerDir,
        imageName: `gearspec-${def.name}`,
        command: def.buildArgs(HOST, port, options),
        startupTimeoutMs: options.startupTimeoutMs ?? DEFAULT_CONTAINER_STARTUP_MS,
        logMaxBytes: options.logMaxBytes,
        ready: async ({ hostPid, signal }) => {
          versionLine = await waitForAdminVersion({ name: def.name, host: HOST, port, signal, ...(hostPid !== undefined && { pid: hostPid }) });
        },
      });
      return new RunningServer({
        name: def.name,
        provider: 'container',
        version: parseVersionReply(versionLine) || def.expectedVersion,
        host: HOST,
        port,
        logs: () => container.logs(),
        stop: () => container.stop(),
        details: { containerId: container.id, image: container.image, ...(container.hostPid !== undefined && { hostPid: container.hostPid }) },
      });
    } catch (error) {
      const lostRace = error instanceof PeerError && error.cause instanceof PortInUseError;
      if (lostRace && attempt < attempts) continue;
      throw error;
    }
  }
}
