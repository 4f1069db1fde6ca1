/**
 * One accepted socket: its decoder, its batched output, and the per-connection protocol state
 * (client id, options, registered functions, sleep state, jobs held and listened to).
 * Protocol decisions live in dispatch.ts and the handlers; this file only moves bytes.
 */
import type net from 'node:net';
import type { ErrorCode } from '../errors.js';
import { T } from '../protocol/constants.js';
import { FrameDecoder } from '../protocol/decoder.js';
import type { FunctionEntry, Job } from './job.js';
import { OutBuffer } from './out-buffer.js';
import { ERR, type ErrorReply } from './replies.js';

/** What a connection needs from the server around it. */
export interface ConnectionHost {
  onPacket(conn: ServerConnection, magic: 'REQ' | 'RES', type: number, body: Buffer): void;
  onText(conn: ServerConnection, line: string): void;
  onFatal(conn: ServerConnection, code: ErrorCode, message: string): void;
  onInternalError(conn: ServerConnection, err: unknown): void;
  onClose(conn: ServerConnection): void;
  markDirty(conn: ServerConnection): void;
}

/** Stop reading from a peer that does not read its own replies past this many buffered bytes. */
const PAUSE_BYTES = 4 * 1024 * 1024;
/** After a fatal protocol error, wait this long for the peer to close before destroying. */
const LINGER_MS = 2000;

/** How many handles a connection remembers having ended (tolerance for late result packets). */
const ENDED_RING = 8;

let nextId = 1;

export class ServerConnection {
  readonly id = nextId++;
  readonly socket: net.Socket;
  /** File descriptor for the `workers` listing (gearmand prints the fd); falls back to the id. */
  readonly fd: number;
  readonly ip: string;
  clientId = '-';
  exceptions: boolean;
  /** Registered functions → CAN_DO_TIMEOUT in ms (0 = none), in registration order. */
  readonly abilities = new Map<FunctionEntry, number>();
  sleeping = false;
  /** A NOOP went out since the last GRAB_JOB*: at most one wake-up per sleep. */
  noopSent = false;
  readonly holding = new Set<Job>();
  readonly listening = new Set<Job>();
  /**
   * Handles of the last jobs this connection ended itself (WORK_COMPLETE / FAIL / EXCEPTION), a
   * small ring: a late WORK_* for one of them is dropped silently instead of answered with an
   * ERROR (Perl's Gearman::Worker follows a WORK_EXCEPTION with a WORK_FAIL; see README.md).
   */
  readonly #ended: (string | undefined)[] = new Array<string | undefined>(ENDED_RING).fill(undefined);
  #endedAt = 0;
  readonly out = new OutBuffer();
  closed = false;
  dirty = false;
  /** Hard cap on bytes queued to a peer that never reads; past it the connection is dropped. */
  readonly #maxBacklog: number;
  readonly #host: ConnectionHost;
  readonly #reader: FrameDecoder;
  #closing = false;

  constructor(socket: net.Socket, host: ConnectionHost, limits: { maxPacketBytes: number; maxTextLineBytes: number; exceptions: boolean }) {
    this.socket = socket;
    this.#host = host;
    this.exceptions = limits.exceptions;
    this.#maxBacklog = Math.max(256 * 1024 * 1024, limits.maxPacketBytes * 4);
    const handle = (socket as unknown as { _handle?: { fd?: unknown } })._handle;
    this.fd = typeof handle?.fd === 'number' && handle.fd >= 0 ? handle.fd : this.id;
    this.ip = (socket.remoteAddress ?? '-').replace(/^::ffff:/, '');
    // The shared decoder's frame-level API: zero-copy views, no per-packet objects.
    this.#reader = new FrameDecoder(
      {
        frame: (magic, type, body) => {
          try {
            host.onPacket(this, magic, type, body);
          } catch (err) {
            this.#internalError(err);
          }
        },
        text: (line) => {
          try {
            host.onText(this, line);
          } catch (err) {
            this.#internalError(err);
          }
        },
        error: (error) => host.onFatal(this, error.code, error.message),
      },
      { maxPacketBytes: limits.maxPacketBytes, maxTextLineBytes: limits.maxTextLineBytes, zeroCopy: true },
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (!this.#closing) this.#reader.push(chunk);
    });
    socket.on('drain', () => {
      if (!this.closed && !this.#closing) socket.resume();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (!this.#closing) this.#reader.end();
      this.#markClosed();
    });
  }

  /** This connection sent the terminal result of `handle`. */
  noteEnded(handle: string): void {
    this.#ended[this.#endedAt] = handle;
    this.#endedAt = (this.#endedAt + 1) % ENDED_RING;
  }

  /** This connection itself ended `handle` recently (see `noteEnded`). */
  endedRecently(handle: string): boolean {
    return this.#ended.includes(handle);
  }

  get label(): string {
    return `${this.ip}#${this.id}`;
  }

  packet(type: number, ...parts: readonly Uint8Array[]): void {
    if (this.closed || this.#closing) return;
    this.out.packet(type, ...parts);
    if (!this.dirty) this.#host.markDirty(this);
  }

  error(reply: ErrorReply): void {
    this.packet(T.ERROR, reply.code, reply.text);
  }

  text(line: string): void {
    if (this.closed || this.#closing) return;
    this.out.text(line);
    if (!this.dirty) this.#host.markDirty(this);
  }

  /** Called once per tick by the server for every connection with pending output. */
  flush(): void {
    this.dirty = false;
    if (this.closed || this.#closing) {
      this.out.discard();
      return;
    }
    this.out.flush(this.socket);
    const backlog = this.socket.writableLength;
    if (backlog > this.#maxBacklog) this.socket.destroy();
    else if (backlog > PAUSE_BYTES && !this.#closing) this.socket.pause();
  }

  /**
   * Stop taking input, send what is pending, half-close, and destroy if the peer lingers. Used
   * after an unrecoverable framing error and by admin `shutdown`.
   */
  closeGracefully(): void {
    if (this.closed || this.#closing) return;
    this.flush(); // the last replies (an ERROR, the shutdown OK) go out before the half-close
    this.#closing = true;
    this.socket.resume(); // keep draining (and discarding) input so the peer can read our reply
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  destroy(): void {
    this.socket.destroy();
    this.#markClosed();
  }

  /**
   * A bug in a handler must not take the whole server down: report it on this connection only
   * (ERROR SERVER_ERROR) and close it; every other connection keeps being served.
   */
  #internalError(err: unknown): void {
    this.#host.onInternalError(this, err);
    this.error(ERR.internal);
    this.closeGracefully();
  }

  #markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.out.discard();
    this.#host.onClose(this);
  }
}
