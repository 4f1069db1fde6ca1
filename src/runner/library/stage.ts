/**
 * The Stage: the job server a library under certification talks to, played by gearspec. It
 * listens on 127.0.0.1 (ephemeral port), hands each connection the library opens to the case as a
 * LibraryConn, and can go down (listener closed, every connection dropped) and come back on the
 * same port, so cases can see whether a library reconnects.
 */
import net from 'node:net';
import { GearmanConnection } from '../../transport/connection.js';
import type { WireLog } from '../../transport/wire-log.js';
import { CaseFailure } from '../failures.js';
import type { RequestSender } from '../packet-check.js';
import { LibraryConn } from './library-conn.js';
import { Wakeup } from '../../wakeup.js';

interface StageOptions {
  readonly log: WireLog;
  readonly sender: RequestSender;
  readonly timeoutMs: number;
  readonly quietMs: number;
  readonly onViolation: (text: string) => void;
}

export class Stage {
  readonly #options: StageOptions;
  readonly #pending: net.Socket[] = [];
  readonly #all: LibraryConn[] = [];
  #server: net.Server | undefined;
  #port = 0;
  readonly #wake = new Wakeup();
  #accepted = 0;

  private constructor(options: StageOptions) {
    this.#options = options;
  }

  static async open(options: StageOptions): Promise<Stage> {
    const s = new Stage(options);
    await s.up();
    return s;
  }

  get port(): number {
    return this.#port;
  }

  /** host:port for the library (GEARSPEC_SERVER). */
  get address(): string {
    return `127.0.0.1:${this.#port}`;
  }

  get listening(): boolean {
    return this.#server !== undefined;
  }

  /** Every connection accepted so far. */
  get connections(): readonly LibraryConn[] {
    return this.#all;
  }

  /**
   * Connections the library opened that no case accepted yet. A case can see that a library
   * opened one (e.g. a worker library starting a client connection of its own) without reading
   * it, so that nothing on it is checked as the role under certification.
   */
  get waiting(): number {
    return this.#pending.length;
  }

  /** Listen (again, on the same port after `down()`). */
  async up(): Promise<void> {
    if (this.#server) return;
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      this.#pending.push(socket);
      this.#wake.wake();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: this.#port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    if (addr && typeof addr === 'object') this.#port = addr.port;
    this.#server = server;
    this.#options.log.note(`stage listening on ${this.address}`);
  }

  /** The server goes away: stop listening and drop every connection (RST-free close). */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const c of this.#all) c.close();
    for (const s of this.#pending.splice(0)) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.#options.log.note('stage down: listener closed, connections dropped');
  }

  /** The next connection the library opens, within `ms`. */
  async accept(label?: string, ms = this.#options.timeoutMs): Promise<LibraryConn> {
    const deadline = Date.now() + ms;
    while (this.#pending.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new CaseFailure([`the ${this.#options.sender} connects to the server at ${this.address}`], `no connection within ${ms} ms`);
      await this.#wake.sleep(left);
    }
    const socket = this.#pending.shift()!;
    const name = label ?? `${this.#options.sender}#${++this.#accepted}`;
    const conn = new LibraryConn(GearmanConnection.adopt(socket, { log: this.#options.log, label: name }), {
      label: name,
      sender: this.#options.sender,
      timeoutMs: this.#options.timeoutMs,
      quietMs: this.#options.quietMs,
      onViolation: this.#options.onViolation,
    });
    this.#all.push(conn);
    this.#options.log.note(`${name} connected`);
    return conn;
  }

  /** Read what each connection sent but the case never read, so the packet check sees it too. */
  async drain(): Promise<void> {
    for (const c of this.#all) {
      for (let i = 0; i < 1000 && !c.closed; i++) {
        const e = await c.read(0);
        if (e.kind === 'timeout' || e.kind === 'closed') break;
      }
    }
  }

  async close(): Promise<void> {
    await this.down();
  }
}
