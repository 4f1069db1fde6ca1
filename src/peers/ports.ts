/**
 * Ephemeral loopback ports for peers that cannot report the port they bound (gearmand takes
 * `-p PORT`, it has no "port 0, tell me" mode). There is a window between closing our probe
 * socket and the peer binding; callers detect a lost race and retry with a new port.
 */
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
