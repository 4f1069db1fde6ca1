/**
 * Ephemeral loopback ports for peers that cannot report the port they bound (gearmand takes
 * `-p PORT`, it has no "port 0, tell me" mode). There is a window between closing our probe
 * socket and the peer binding; callers detect a lost race and retry with a new port.
 */
import { readFile } from 'node:fs/promises';
import net from 'node:net';

export function pickFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`could not read the port bound on ${host}`))));
    });
  });
}

/**
 * A port free now and below the kernel's ephemeral range, for an address where nothing may ever
 * listen (a "down" server). A port from `pickFreePort` is not safe for that: once closed, the
 * kernel may hand it to any later bind to port 0, and a library still retrying its dead server
 * would then reach whatever another suite started there. Nothing here binds below the range
 * (tests never use fixed ports), so a retry keeps meeting a refused connection.
 */
export async function pickPortOutsideEphemeralRange(host = '127.0.0.1'): Promise<number> {
  const low = await ephemeralRangeStart();
  const floor = Math.min(10_000, low - 1);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = floor + Math.floor(Math.random() * (low - floor));
    if (await isFree(host, port)) return port;
  }
  throw new Error(`no free port on ${host} between ${floor} and ${low - 1} after 50 tries`);
}

/** The first port of the kernel's ephemeral range (Linux's default where /proc does not say). */
async function ephemeralRangeStart(): Promise<number> {
  const text = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '');
  const low = Number(text.trim().split(/\s+/)[0]);
  return Number.isInteger(low) && low > 1024 ? low : 32_768;
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
