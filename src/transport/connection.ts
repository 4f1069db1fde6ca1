/**
 * A Gearman connection (dialled, or adopted from a listener) with deadlines on every wait: send packets, raw bytes or
 * admin lines; read decoded events one at a time. Everything sent and received goes to a WireLog.
 * Used by the reference client and worker, the certify runner, replay and the model suites.
 */
import net from 'node:net';
import { ConnectionClosedError, GearmanErrorReply, TimeoutError, ERROR_CODES, GearspecError, type ProtocolError } from '../errors.js';
import { adminReplyShape, encodeAdmin } from '../protocol/admin.js';
import { packetName, T } from '../protocol/constants.js';
import { type DecoderEvent, StreamDecoder } from '../protocol/decoder.js';
import { encodePacket } from '../protocol/encoder.js';
import { describePacket, type Packet } from '../protocol/packet.js';
import { WaitQueue } from '../wait-queue.js';
import { WireLog } from './wire-log.js';

export type ConnEvent =
  | { readonly kind: 'packet'; readonly packet: Packet }
  | { readonly kind: 'text'; readonly line: string }
  | { readonly kind: 'decode-error'; readonly error: ProtocolError }
  | { readonly kind: 'closed'; readonly reason: string }
  | { readonly kind: 'timeout'; readonly waitedMs: number };

export function describeEvent(e: ConnEvent): string {
  switch (e.kind) {
    case 'packet':
      return describePacket(e.packet);
    case 'text':
      return `text line ${JSON.stringify(e.line)}`;
    case 'decode-error':
      return `undecodable bytes: ${e.error.message}`;
    case 'closed':
      return `connection closed (${e.reason})`;
    case 'timeout':
      return `timeout after ${e.waitedMs} ms`;
  }
}

interface ConnectOptions {
  host: string;
  port: number;
  /** Deadline for the TCP connect. */
  connectTimeoutMs?: number;
  log?: WireLog;
  /** Label for this connection in a shared log. */
  label?: string;
  maxPacketBytes?: number;
}

export class GearmanConnection {
  readonly log: WireLog;
  readonly label: string | undefined;
  readonly #socket: net.Socket;
  readonly #decoder: StreamDecoder;
  readonly #queue = new WaitQueue<ConnEvent>((e) => e.kind === 'closed');
  #closedReason: string | undefined;

  private constructor(socket: net.Socket, options: ConnectOptions) {
    this.#socket = socket;
    this.log = options.log ?? new WireLog();
    this.label = options.label;
    this.#decoder = new StreamDecoder((e) => this.#onDecoded(e), { maxPacketBytes: options.maxPacketBytes ?? 256 * 1024 * 1024, zeroCopy: true });
    socket.on('data', (chunk: Buffer) => {
      this.log.bytes('recv', chunk, this.label);
      this.#decoder.push(chunk);
    });
    socket.on('error', (err) => this.#close(`socket error: ${err.message}`));
    socket.on('close', () => {
      this.#decoder.end();
      this.#close('closed by peer');
    });
    socket.setNoDelay(true);
  }

  static connect(options: ConnectOptions): Promise<GearmanConnection> {
    const timeoutMs = options.connectTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new GearspecError(ERROR_CODES.CONNECT_FAILED, `connect to ${options.host}:${options.port}: no answer after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new GearmanConnection(socket, options));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new GearspecError(ERROR_CODES.CONNECT_FAILED, `connect to ${options.host}:${options.port}: ${err.message}`, { cause: err }));
      });
    });
  }

  /**
   * Wrap a socket a listener accepted: gearspec playing the server to a real client or worker
   * library (library certification). Same deadlines and wire log as a dialled connection.
   */
  static adopt(socket: net.Socket, options: Omit<ConnectOptions, 'host' | 'port' | 'connectTimeoutMs'>): GearmanConnection {
    return new GearmanConnection(socket, { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0, ...options });
  }

  get closed(): boolean {
    return this.#closedReason !== undefined;
  }

  #onDecoded(e: DecoderEvent): void {
    let event: ConnEvent;
    if (e.kind === 'packet') {
      this.log.packet('recv', e.packet, this.label);
      event = { kind: 'packet', packet: e.packet };
    } else if (e.kind === 'text') {
      this.log.text('recv', e.line, this.label);
      event = { kind: 'text', line: e.line };
    } else {
      this.log.note(`decode error: ${e.error.message}`, this.label);
      event = { kind: 'decode-error', error: e.error };
    }
    this.#deliver(event);
  }

  #deliver(event: ConnEvent): void {
    this.#queue.push(event);
  }

  #close(reason: string): void {
    if (this.#closedReason !== undefined) return;
    this.#closedReason = reason;
    this.log.note(`connection ${reason}`, this.label);
    this.#deliver({ kind: 'closed', reason });
  }

  /**
   * Stop reading from the socket (a consumer that has stopped reading: the kernel buffers fill and
   * the peer's writes back up), and start again. Events already decoded stay queued.
   */
  pauseReading(): void {
    this.#socket.pause();
  }

  resumeReading(): void {
    this.#socket.resume();
  }

  /** Send a well-formed packet (argument rules enforced by the encoder). */
  send(packet: Packet): void {
    this.log.packet('send', packet, this.label);
    this.sendRaw(encodePacket(packet));
  }

  /** Send bytes as they are, optionally split into writes of `chop` bytes. */
  sendRaw(bytes: Uint8Array, chop = 0): void {
    if (this.#closedReason !== undefined) return;
    this.log.bytes('send', bytes, this.label);
    if (chop > 0) {
      for (let i = 0; i < bytes.length; i += chop) this.#socket.write(bytes.subarray(i, i + chop));
    } else this.#socket.write(bytes);
  }

  sendText(line: string, eol: '\n' | '\r\n' = '\n'): void {
    this.log.text('send', line, this.label);
    this.sendRaw(encodeAdmin(line, eol));
  }

  /**
   * Next event, or a `timeout` event once `timeoutMs` passes. After a close, every call returns
   * the `closed` event again, so loops always end.
   */
  next(timeoutMs: number): Promise<ConnEvent> {
    if (this.#queue.queued.length === 0 && this.#closedReason !== undefined) return Promise.resolve({ kind: 'closed', reason: this.#closedReason });
    const timeout = (): ConnEvent => {
      this.log.note(`no event within ${timeoutMs} ms`, this.label);
      return { kind: 'timeout', waitedMs: timeoutMs };
    };
    return this.#queue.next(timeoutMs, timeout, () => new Error('GearmanConnection.next() called while another next() is pending'));
  }

  /** Next packet; anything else (close, timeout, text, garbage) throws a typed error. */
  async nextPacket(timeoutMs: number, what = 'packet'): Promise<Packet> {
    const e = await this.next(timeoutMs);
    switch (e.kind) {
      case 'packet':
        return e.packet;
      case 'timeout':
        throw new TimeoutError(`waiting for ${what}`, e.waitedMs);
      case 'closed':
        throw new ConnectionClosedError(`connection closed while waiting for ${what} (${e.reason})`);
      case 'decode-error':
        throw e.error;
      case 'text':
        throw new GearspecError(ERROR_CODES.UNEXPECTED_PACKET, `expected ${what}, got text line ${JSON.stringify(e.line)}`);
    }
  }

  /** Next packet, which must be one of `types`; an ERROR packet becomes GearmanErrorReply. */
  async expect(types: readonly number[], timeoutMs: number): Promise<Packet> {
    const names = types.map(packetName).join(' or ');
    const p = await this.nextPacket(timeoutMs, names);
    if (types.includes(p.type)) return p;
    if (p.type === T.ERROR) throw new GearmanErrorReply(p.args[0]!.toString('latin1'), p.args[1]!.toString('latin1'));
    throw new GearspecError(ERROR_CODES.UNEXPECTED_PACKET, `expected ${names}, got ${describePacket(p)}`);
  }

  /** Send an admin command and read its whole reply: one line, or lines up to ".". */
  async admin(commandLine: string, timeoutMs: number, eol: '\n' | '\r\n' = '\n'): Promise<string[]> {
    this.sendText(commandLine, eol);
    const shape = adminReplyShape(commandLine);
    const lines: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = await this.next(Math.max(1, deadline - Date.now()));
      if (e.kind === 'text') {
        if (shape === 'line' || (lines.length === 0 && e.line.startsWith('ERR '))) return [e.line];
        if (e.line === '.') return lines;
        lines.push(e.line);
        continue;
      }
      if (e.kind === 'timeout') throw new TimeoutError(`waiting for the reply to admin command ${JSON.stringify(commandLine)}`, timeoutMs);
      if (e.kind === 'closed') throw new ConnectionClosedError(`connection closed during admin command ${JSON.stringify(commandLine)}`);
      if (e.kind === 'decode-error') throw e.error;
      throw new GearspecError(ERROR_CODES.UNEXPECTED_PACKET, `expected an admin reply to ${JSON.stringify(commandLine)}, got ${describePacket(e.packet)}`);
    }
  }

  /** Half-close our side; the peer sees EOF. */
  end(): void {
    this.#socket.end();
  }

  close(): void {
    this.#socket.destroy();
    this.#close('closed by us');
  }
}
