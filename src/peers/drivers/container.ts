/**
 * Container provider for the built-in drivers: runs a driver program inside its registry image
 * (docker/drivers for the Debian libraries, docker/polyglot for the others) with host networking,
 * so the control connection and all Gearman traffic stay on 127.0.0.1. The image's build
 * context is staged from the driver sources (../image-contexts.ts), so an edited driver gets a
 * new image.
 */
import { ERROR_CODES, PeerError } from '../../errors.js';
import { runContainer } from '../container.js';
import { peerImage } from '../image-contexts.js';
import { type DriverPeerName, PEERS, type PeerRecord } from '../registry/index.js';
import type { DriverRuntime } from './handle.js';

export async function runDriverContainer(name: DriverPeerName, env: Record<string, string>, who: string): Promise<DriverRuntime> {
  const record: PeerRecord = PEERS[name];
  const spec = record.driver;
  if (!spec) throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, who, `${name} has no driver program to run in a container (the reference driver runs embedded)`);
  const handle = await runContainer({
    name: who,
    ...peerImage(spec.container),
    command: spec.container.command,
    env,
    startupTimeoutMs: 30_000,
    stopGraceMs: 1000,
  });
  return {
    logs: () => handle.logs(),
    gone: handle.exited.then((x) => ({ code: x.code, signal: x.signal })),
    kill: () => handle.stop(),
  };
}
