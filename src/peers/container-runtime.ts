/** The testcontainers client, after pointing it at the local Podman socket when that is how this machine is set up. */
import { getContainerRuntimeClient } from 'testcontainers';
import { ERROR_CODES, PeerError, errorMessage } from '../errors.js';
import { applyPodmanEnv } from './container-env.js';

/** Points testcontainers at the engine, or explains how to get one. */
export async function containerRuntime(peer: string): Promise<Awaited<ReturnType<typeof getContainerRuntimeClient>>> {
  applyPodmanEnv();
  try {
    return await getContainerRuntimeClient();
  } catch (e) {
    throw new PeerError(
      ERROR_CODES.PEER_UNAVAILABLE,
      peer,
      `no container engine answers (DOCKER_HOST=${process.env.DOCKER_HOST ?? 'unset'}): ${errorMessage(e)}; run sudo bash docker/setup-podman.sh, or use GEARSPEC_PEERS=native`,
      '',
      { cause: e },
    );
  }
}
