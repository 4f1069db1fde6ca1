/**
 * A scripted stand-in server for the role unit tests: listens on 127.0.0.1:0, decodes what the
 * client or worker sends, and lets a test answer packet by packet (including wrong or missing
 * answers that no real server would give). Every wait has a deadline.
 */
import net from 'node:net';
import { ERROR_CODES, GearspecError, TimeoutError } from '../errors.js';
import { packetName } from '../protocol/constants.js';
import { StreamDecoder } from '../protocol/decoder.js';
import { encodePacket } from '../protocol/encoder.js';
import { describePacket, type Packet } from '../protocol/packet.js';
import { Wakeup } from '../wakeup.js';

export class ScriptedConnection {
  readonly socket: net.Socket;
  readonly received: Packet[] = [];
  #cursor = 0;
  readonly #wake = new Wakeup();
  #ended = false;

  constructor(socket: net.Socket) {
    this.socket = socket;
    const decoder = new StreamDecoder((e) => {
      if (e.kind === 'packet') this.received.push(e.packet);
      this.#wake.wake();
    });
    socket.on('data', (d: Buffer) => decoder.push(d));
    socket.on('close', () => {
      this.#ended = true;
      this.#wake.wake();
    });
    socket.on('error', () => undefined);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Next packet not yet taken; it must have type `type`. */
  async expect(type: number, timeoutMs = 2000): Promise<Packet> {
    const p = await this.next(timeoutMs);
    if (p.type !== type) throw new GearspecError(ERROR_CODES.UNEXPECTED_PACKET, `scripted peer expected ${packetName(type)}, got ${describePacket(p)}`);
    return p;
  }

  async next(timeoutMs = 2000): Promise<Packet> {
    const end = Date.now() + timeoutMs;
    while (this.#cursor >= this.received.length) {
      if (this.#ended) throw new GearspecError(ERROR_CODES.CONNECTION_CLOSED, 'scripted peer: connection closed');
      const left = end - Date.now();
      if (left <= 0) throw new TimeoutError('scripted peer waiting for a packet', timeoutMs);
      await this.#wake.sleep(left);
    }
    return this.received[this.#cursor++]!;
  }

  /** Resolves true when nothing new arrived for `ms`. */
  async quietFor(ms: number): Promise<boolean> {
    const before = this.received.length;
    await new Promise((r) => setTimeout(r, ms));
    return this.received.length === before;
  }

  send(...packets: Packet[]): void {
    this.socket.write(Buffer.concat(packets.map(encodePacket)));
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}

export class ScriptedPeer {
  readonly #server: net.Server;
  readonly #conns: ScriptedConnection[] = [];
  #taken = 0;
  readonly #wake = new Wakeup();

  private constructor(server: net.Server) {
    this.#server = server;
    server.on('connection', (s) => {
      this.#conns.push(new ScriptedConnection(s));
      this.#wake.wake();
    });
  }

  static async start(port = 0): Promise<ScriptedPeer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return new ScriptedPeer(server);
  }

  get port(): number {
    const a = this.#server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  readonly host = '127.0.0.1';

  async accept(timeoutMs = 2000): Promise<ScriptedConnection> {
    const end = Date.now() + timeoutMs;
    while (this.#taken >= this.#conns.length) {
      const left = end - Date.now();
      if (left <= 0) throw new TimeoutError('scripted peer waiting for a connection', timeoutMs);
      await this.#wake.sleep(left);
    }
    return this.#conns[this.#taken++]!;
  }

  /** Stop listening and drop every connection. */
  async close(): Promise<void> {
    for (const c of this.#conns) c.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
