/**
 * Environment for testcontainers against the local Podman service (docker/setup-podman.sh): when the
 * socket docker/setup-podman.sh starts exists and the user set nothing, point DOCKER_HOST at it,
 * turn Ryuk off (its image cannot be pulled here) and make testcontainers use 127.0.0.1.
 */
import { statSync } from 'node:fs';

const PODMAN_SOCKET = '/run/podman/podman.sock';

export function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/** Path of the engine socket DOCKER_HOST names (or the default one), if it is a unix socket. */
export function engineSocketPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = env.DOCKER_HOST;
  if (host === undefined || host === '') {
    if (isSocket(PODMAN_SOCKET)) return PODMAN_SOCKET;
    return isSocket('/var/run/docker.sock') ? '/var/run/docker.sock' : undefined;
  }
  return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
}

/** Fills in the Podman settings when the Podman socket exists and they are unset. Idempotent. */
export function applyPodmanEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!isSocket(PODMAN_SOCKET)) return false;
  if (env.DOCKER_HOST === undefined || env.DOCKER_HOST === '') env.DOCKER_HOST = `unix://${PODMAN_SOCKET}`;
  if (env.DOCKER_HOST !== `unix://${PODMAN_SOCKET}`) return false;
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  return true;
}
