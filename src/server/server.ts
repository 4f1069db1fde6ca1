/**
 * The listening socket and the server's lifecycle: start (with a typed error when the port cannot
 * be bound), close (idempotent), and admin `shutdown [graceful]`.
 */
import net from 'node:net';
import { ERROR_CODES, PeerError } from '../errors.js';
import { ServerCore } from './core.js';
import { type ReferenceServerOptions, resolveOptions } from './options.js';
import { ServerConnection } from './server-connection.js';

export interface ReferenceServer {
  readonly host: string;
  readonly port: number;
  /** host:port */
  readonly address: string;
  /** Resolves once the server has stopped: close(), admin `shutdown`, or a finished graceful drain. */
  readonly closed: Promise<void>;
  /** Stop listening, drop every connection and timer. Idempotent. */
  close(): Promise<void>;
}

class RunningServer implements ReferenceServer {
  readonly host: string;
  readonly port: number;
  readonly address: string;
  readonly closed: Promise<void>;
  readonly #core: ServerCore;
  readonly #listener: net.Server;
  #resolveClosed!: () => void;
  #closing: Promise<void> | undefined;

  constructor(core: ServerCore, listener: net.Server, host: string, port: number) {
    this.#core = core;
    this.#listener = listener;
    this.host = host;
    this.port = port;
    this.address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    core.onShutdownRequest = (graceful) => this.#shutdown(graceful);
  }

  close(): Promise<void> {
    this.#closing ??= this.#stop(false);
    return this.#closing;
  }

  #shutdown(graceful: boolean): void {
    if (!graceful || this.#core.store.jobCount === 0) {
      this.#closing ??= this.#stop(true);
      return;
    }
    // Graceful: refuse new connections and new jobs; close once the last job ends (core.finish).
    this.#core.draining = true;
    this.#listener.close();
  }

  /** `polite`: let pending replies (the shutdown `OK`) reach their peers before the sockets go. */
  async #stop(polite: boolean): Promise<void> {
    const core = this.#core;
    const listenerClosed = new Promise<void>((resolve) => this.#listener.close(() => resolve()));
    const sockets = [...core.connections].map((c) => new Promise<void>((resolve) => (c.closed ? resolve() : c.socket.once('close', () => resolve()))));
    for (const c of [...core.connections]) {
      if (polite) c.closeGracefully();
      else c.destroy();
    }
    for (const job of core.store.byHandle.values()) {
      if (job.timer) clearTimeout(job.timer);
      job.timer = undefined;
    }
    await Promise.all([listenerClosed, ...sockets]);
    core.log('reference server stopped');
    this.#resolveClosed();
  }
}

export async function startReferenceServer(options?: ReferenceServerOptions): Promise<ReferenceServer> {
  const resolved = resolveOptions(options);
  const core = new ServerCore(resolved);
  const listener = net.createServer({ noDelay: true }, (socket) => {
    if (resolved.keepaliveMs !== undefined) socket.setKeepAlive(true, resolved.keepaliveMs);
    const conn = new ServerConnection(socket, core, {
      maxPacketBytes: resolved.maxPacketBytes,
      maxTextLineBytes: resolved.maxTextLineBytes,
      exceptions: resolved.exceptionsByDefault,
    });
    if (socket.destroyed) return;
    core.connections.add(conn);
    core.log(`connection ${conn.label} opened (fd ${conn.fd})`);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      reject(new PeerError(ERROR_CODES.PEER_START_FAILED, 'reference server', `cannot listen on ${resolved.host}:${resolved.port}: ${err.message}`, '', { cause: err }));
    };
    listener.once('error', onError);
    listener.listen({ host: resolved.host, port: resolved.port }, () => {
      listener.off('error', onError);
      resolve();
    });
  });
  listener.on('error', (err) => core.log(`listener error: ${err.message}`));
  const bound = listener.address() as net.AddressInfo;
  core.log(`reference server listening on ${resolved.host}:${bound.port}`);
  return new RunningServer(core, listener, resolved.host, bound.port);
}
