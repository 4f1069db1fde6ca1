/**
 * Does anything accept TCP connections at host:port? One probe for every caller: the CLI asks it
 * before talking to a server it was given (so an unreachable one is one line and exit 2), and the
 * interop runner asks it whether a server that a library failed on is going down (refused).
 */
import net from 'node:net';

export type Reach =
  | { readonly state: 'open' }
  /** Nothing listens there (ECONNREFUSED): the positive sign of a server that is gone. */
  | { readonly state: 'refused'; readonly why: string }
  /** No answer either way within the time given: a busy or blackholed host. */
  | { readonly state: 'timeout'; readonly why: string }
  | { readonly state: 'failed'; readonly why: string };

export function reach(host: string, port: number, ms: number): Promise<Reach> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (r: Reach): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ state: 'timeout', why: `no connection within ${ms} ms` }), ms);
    socket.once('connect', () => done({ state: 'open' }));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      done(
        e.code === 'ECONNREFUSED'
          ? { state: 'refused', why: 'connection refused (nothing listens there)' }
          : { state: 'failed', why: e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? `unknown host ${JSON.stringify(host)}` : e.message },
      ),
    );
  });
}
