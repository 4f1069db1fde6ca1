/**
 * Starting an external server on an ephemeral loopback port can lose a race: between
 * pickFreePort and the server's bind(), another process may take the port. Readiness reports
 * that as a start failure caused by PortInUseError; then a fresh port is worth another try.
 * An explicit port gets one try (retrying it would only lose the same race again).
 */
import { PeerError } from '../../errors.js';
import { pickFreePort } from '../ports.js';
import { PortInUseError } from '../readiness.js';

export const SERVER_HOST = '127.0.0.1';
const PORT_ATTEMPTS = 3;

export async function startOnFreePort<T>(explicitPort: number | undefined, start: (port: number) => Promise<T>, pickPort: (host: string) => Promise<number> = pickFreePort): Promise<T> {
  const attempts = explicitPort === undefined ? PORT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = explicitPort ?? (await pickPort(SERVER_HOST));
    try {
      return await start(port);
    } catch (error) {
      const lostRace = error instanceof PeerError && error.cause instanceof PortInUseError;
      if (lostRace && attempt < attempts) continue;
      throw error;
    }
  }
}
