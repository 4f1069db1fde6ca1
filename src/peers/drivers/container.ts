/**
 * Container provider for drivers: runs a driver program inside the gearspec drivers image
 * (docker/drivers/Dockerfile) with host networking, so the control connection and all Gearman
 * traffic stay on 127.0.0.1.
 */
import { ERROR_CODES, PeerError } from '../../errors.js';
import type { DriverPeerName } from '../types.js';
import type { DriverRuntime } from './handle.js';

export async function runDriverContainer(name: DriverPeerName, _env: Record<string, string>, who: string): Promise<DriverRuntime> {
  throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, who, `container provider for the ${name} driver is not available yet`);
}
