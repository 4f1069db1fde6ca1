/** Shared by the peers layer's tests: is a pid alive, does a port accept connections. */
import net from 'node:net';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function acceptsConnections(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => done(false), timeoutMs);
    function done(ok: boolean): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    }
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Holds 127.0.0.1:<ephemeral> with a plain listener that never answers, to provoke conflicts. */
export async function occupyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  // Read (and drop) what comes, so that a peer's close is seen and `close()` does not wait on a
  // connection the peer has long left: a readiness probe that met this port before its server
  // exited (its pid unreadable in /proc, so the owner unknown) connects here.
  const server = net.createServer((s) => s.on('error', () => undefined).resume());
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The pid a process runner wrote into its log ("as pid N"). */
export function pidFromLog(log: string): number | undefined {
  const m = /as pid (\d+)/.exec(log);
  return m ? Number(m[1]) : undefined;
}
