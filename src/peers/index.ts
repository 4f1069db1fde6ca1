/**
 * The peers layer: real Gearman implementations as started/stopped peers.
 * Servers: startServerPeer (servers/). Generic runners for driver programs: runProcess (native)
 * and runContainer (containers). Provider choice and skip rules for suites: provider.ts.
 */
export type * from './types.js';
export { startServerPeer, SERVER_PEER_NAMES, isServerPeerName, EXTERNAL_SERVERS, GEARMAND, PERL_GEARMAND, RunningServer } from './servers/index.js';
export type { ExternalServerDef, ExternalServerName } from './servers/index.js';
export { runProcess, findExecutable, describeExit, type ProcessHandle, type ProcessExit, type RunProcessOptions, type ReadyContext } from './process.js';
export {
  runContainer,
  sweepLeftoverContainers,
  containerRuntime,
  RUN_ID,
  type ContainerHandle,
  type ContainerReadyContext,
  type RunContainerOptions,
} from './container.js';
export { ensureImage } from './container-images.js';
export { applyPodmanEnv, PODMAN_SOCKET } from './container-env.js';
export {
  resolveProvider,
  providerFor,
  providerChoice,
  peerSkipReason,
  requirePeer,
  requirePeersOrSkip,
  nativeAvailable,
  containerEngineAvailable,
  isCi,
  ENABLE_HINT,
  type ResolvedProvider,
} from './provider.js';
export { pickFreePort, isPortFree } from './ports.js';
export { waitForAdminVersion, probeVersion, parseVersionReply, PortInUseError } from './readiness.js';
export { LogRing } from './log-ring.js';
export { dockerDir, repoRoot } from './repo-paths.js';
