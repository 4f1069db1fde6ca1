/**
 * The harness end of a driver's control connection: a loopback listener on an ephemeral port
 * that accepts exactly one driver, then a line reader that turns the driver's JSON lines into a
 * queue of typed events with deadline-bounded reads.
 */
import net from 'node:net';
import { ERROR_CODES, GearspecError, TimeoutError } from '../../errors.js';
import { LineSplitter } from '../../line-splitter.js';
import { WaitQueue } from '../../wait-queue.js';
import { type DriverCommand, type DriverEvent, encodeDriverCommand, parseDriverEvent } from './protocol.js';

/**
 * Accepts the one driver connection. Not a WaitQueue: a late accept rejects (TimeoutError) and the
 * wait also ends when the driver exits first (`abort`), neither of which an event read does.
 */
export class ControlListener {
  readonly #server: net.Server;
  readonly port: number;
  #pending: net.Socket[] = [];
  #waiter: ((s: net.Socket) => void) | undefined;

  private constructor(server: net.Server, port: number) {
    this.#server = server;
    this.port = port;
    server.on('connection', (s) => {
      const w = this.#waiter;
      if (w) {
        this.#waiter = undefined;
        w(s);
      } else this.#pending.push(s);
    });
  }

  static listen(): Promise<ControlListener> {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        if (addr === null || typeof addr === 'string') {
          server.close();
          reject(new GearspecError(ERROR_CODES.HARNESS, 'control listener has no TCP address'));
          return;
        }
        resolve(new ControlListener(server, addr.port));
      });
    });
  }

  /** First driver connection, or a TimeoutError; rejects early when `abort` settles first. */
  accept(timeoutMs: number, abort: Promise<string>): Promise<ControlConnection> {
    const ready = this.#pending.shift();
    if (ready) return Promise.resolve(new ControlConnection(ready));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new TimeoutError('waiting for the driver to connect to its control port', timeoutMs));
      }, timeoutMs);
      this.#waiter = (s) => {
        clearTimeout(timer);
        resolve(new ControlConnection(s));
      };
      abort.then(
        (why) => {
          clearTimeout(timer);
          this.#waiter = undefined;
          reject(new GearspecError(ERROR_CODES.PEER_EXITED, `driver exited before connecting (${why})`));
        },
        () => undefined,
      );
    });
  }

  close(): void {
    this.#server.close();
    for (const s of this.#pending) s.destroy();
    this.#pending = [];
  }
}

/** Bounded ring of recent control traffic, attached to failures. */
class TrafficLog {
  readonly #lines: string[] = [];
  constructor(readonly max = 200) {}
  add(line: string): void {
    this.#lines.push(line.length > 300 ? `${line.slice(0, 300)}… (${line.length} chars)` : line);
    if (this.#lines.length > this.max) this.#lines.shift();
  }
  render(): string {
    return this.#lines.join('\n');
  }
}

export class ControlConnection {
  readonly #socket: net.Socket;
  // `exited` is sticky so that every later read sees it too.
  readonly #queue = new WaitQueue<DriverEvent>((e) => e.event === 'exited');
  readonly traffic = new TrafficLog();
  readonly #lines = new LineSplitter();
  #closed = false;
  /** Resolves once the driver's side is gone (EOF or error). */
  readonly closed: Promise<void>;

  constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    let onClosed: () => void = () => undefined;
    this.closed = new Promise((r) => (onClosed = r));
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#closed = true;
      onClosed();
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  #onData(chunk: string): void {
    for (const line of this.#lines.push(chunk)) {
      if (line.trim() === '') continue;
      this.traffic.add(`<< ${line}`);
      let event: DriverEvent;
      try {
        event = parseDriverEvent(line);
      } catch (e) {
        event = { event: 'error', message: e instanceof Error ? e.message : String(e) };
      }
      this.push(event);
    }
  }

  /** Queue an event (also used by the harness for the synthetic `exited`). */
  push(event: DriverEvent): void {
    this.#queue.push(event);
  }

  send(cmd: DriverCommand): void {
    const line = encodeDriverCommand(cmd);
    this.traffic.add(`>> ${line.trimEnd()}`);
    if (!this.#closed) this.#socket.write(line);
  }

  /** Next event, or undefined once `timeoutMs` passes. */
  next(timeoutMs: number): Promise<DriverEvent | undefined> {
    return this.#queue.next(
      timeoutMs,
      () => undefined,
      () => new GearspecError(ERROR_CODES.HARNESS, 'ControlConnection.next() called while another read is pending'),
    );
  }

  close(): void {
    this.#socket.destroy();
  }
}
