/**
 * The benchmark's load generator: raw Gearman packets through the project codec (encodeFrame to
 * build, StreamDecoder to parse), no client/worker library and no wire log, so that the generator
 * costs as little CPU as possible and is the same for every server.
 *
 * - `clients` connections each keep `inFlight` foreground SUBMIT_JOB (normal priority, empty
 *   unique: never coalesced) outstanding; the payload carries a sequence number and the send time
 *   is kept per sequence, so latency is submit → WORK_COMPLETE seen by the client.
 * - `workers` connections run the classic loop: CAN_DO, GRAB_JOB → JOB_ASSIGN → WORK_COMPLETE
 *   (echoing the data) + GRAB_JOB in one write; NO_JOB → PRE_SLEEP; NOOP → GRAB_JOB.
 * - Replies produced while handling one socket read are joined into one write.
 */
import net from 'node:net';
import { T } from '../../src/protocol/constants.js';
import { StreamDecoder, type DecoderEvent } from '../../src/protocol/decoder.js';
import { encodeFrame } from '../../src/protocol/encoder.js';

export interface LoadOptions {
  host: string;
  port: number;
  clients: number;
  inFlight: number;
  workers: number;
  /** Payload bytes per job (at least 8: the sequence number). */
  payloadBytes: number;
  functionName: string;
  connectTimeoutMs: number;
}

export interface LoadWindow {
  readonly completed: number;
  readonly elapsedMs: number;
  readonly latenciesMs: Float64Array;
  /** Completions whose echoed data did not match what was sent (should be 0). */
  readonly mismatches: number;
  /** Protocol surprises: ERROR packets, decode errors, unexpected types. */
  readonly errors: readonly string[];
  /** Generator CPU time over the window, as % of one core. */
  readonly generatorCpuPercent: number;
  /** Per completed job over the window: wake-up traffic and socket reads, which say how much
   * sleeping/waking the server's scheduling caused (each NOOP costs a GRAB and usually a NO_JOB). */
  readonly perJob: { readonly noops: number; readonly noJobs: number; readonly reads: number; readonly packetsIn: number };
}

const REQ = 'REQ' as const;
const GRAB = encodeFrame(REQ, T.GRAB_JOB, Buffer.alloc(0));
const PRE_SLEEP = encodeFrame(REQ, T.PRE_SLEEP, Buffer.alloc(0));

function connect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`connect ${host}:${port}: no answer after ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.setNoDelay(true);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Collects writes made while one read is handled, and sends them as one buffer. */
function batcher(sock: net.Socket): { push(b: Buffer): void; flush(): void } {
  let out: Buffer[] = [];
  return {
    push: (b) => void out.push(b),
    flush: () => {
      if (out.length === 0 || sock.destroyed) return;
      sock.write(out.length === 1 ? out[0]! : Buffer.concat(out));
      out = [];
    },
  };
}

export class LoadGenerator {
  readonly #o: LoadOptions;
  readonly #sockets: net.Socket[] = [];
  readonly #fnPrefix: Buffer;
  /** Send time of every outstanding job, by sequence number. */
  readonly #sent = new Map<number, number>();
  #seq = 0;
  #running = false;
  #recording = false;
  #completed = 0;
  #mismatches = 0;
  #latencies: number[] = [];
  #errors: string[] = [];
  #noops = 0;
  #noJobs = 0;
  #reads = 0;
  #packetsIn = 0;

  constructor(options: LoadOptions) {
    if (options.payloadBytes < 8) throw new Error('payloadBytes must be at least 8');
    this.#o = options;
    this.#fnPrefix = Buffer.from(`${options.functionName}\0\0`, 'latin1');
  }

  #error(what: string): void {
    if (this.#errors.length < 20) this.#errors.push(what);
  }

  async start(): Promise<void> {
    const o = this.#o;
    for (let i = 0; i < o.workers; i++) this.#startWorker(await connect(o.host, o.port, o.connectTimeoutMs));
    const clients: net.Socket[] = [];
    for (let i = 0; i < o.clients; i++) clients.push(await connect(o.host, o.port, o.connectTimeoutMs));
    this.#running = true;
    for (const c of clients) this.#startClient(c);
  }

  #track(sock: net.Socket, onEvent: (e: DecoderEvent, out: ReturnType<typeof batcher>) => void): ReturnType<typeof batcher> {
    this.#sockets.push(sock);
    const out = batcher(sock);
    const decoder = new StreamDecoder((e) => onEvent(e, out), { allowText: false });
    sock.on('data', (chunk: Buffer) => {
      this.#reads++;
      decoder.push(chunk);
      out.flush();
    });
    sock.on('error', (e) => this.#running && this.#error(`socket error: ${e.message}`));
    sock.on('close', () => this.#running && this.#error('server closed a connection during the run'));
    return out;
  }

  #startWorker(sock: net.Socket): void {
    const out = this.#track(sock, (e, o) => {
      if (e.kind !== 'packet') return this.#error(`worker: ${e.kind === 'error' ? e.error.message : 'text'}`);
      this.#packetsIn++;
      const p = e.packet;
      switch (p.type) {
        case T.JOB_ASSIGN: {
          // WORK_COMPLETE(handle, data): handle NUL data, echoing the job's data unchanged.
          const handle = p.args[0]!;
          const data = p.args[2]!;
          const body = Buffer.allocUnsafe(handle.length + 1 + data.length);
          handle.copy(body, 0);
          body[handle.length] = 0;
          data.copy(body, handle.length + 1);
          o.push(encodeFrame(REQ, T.WORK_COMPLETE, body));
          if (this.#running) o.push(GRAB);
          return;
        }
        case T.NO_JOB:
          this.#noJobs++;
          o.push(PRE_SLEEP);
          return;
        case T.NOOP:
          this.#noops++;
          if (this.#running) o.push(GRAB);
          return;
        default:
          this.#error(`worker got packet type ${p.type}${p.type === T.ERROR ? ` ${p.args[0]!.toString()} ${p.args[1]!.toString()}` : ''}`);
      }
    });
    out.push(encodeFrame(REQ, T.CAN_DO, Buffer.from(this.#o.functionName, 'latin1')));
    out.push(GRAB);
    out.flush();
  }

  #submitFrame(): Buffer {
    const seq = ++this.#seq;
    const payload = Buffer.alloc(this.#o.payloadBytes, 0x61);
    payload.writeUInt32BE(seq >>> 0, 0);
    payload.writeUInt32BE(Math.floor(seq / 2 ** 32), 4);
    this.#sent.set(seq, performance.now());
    return encodeFrame(REQ, T.SUBMIT_JOB, Buffer.concat([this.#fnPrefix, payload]));
  }

  #startClient(sock: net.Socket): void {
    const out = this.#track(sock, (e, o) => {
      if (e.kind !== 'packet') return this.#error(`client: ${e.kind === 'error' ? e.error.message : 'text'}`);
      this.#packetsIn++;
      const p = e.packet;
      if (p.type === T.JOB_CREATED) return;
      if (p.type !== T.WORK_COMPLETE) {
        this.#error(`client got packet type ${p.type}${p.type === T.ERROR ? ` ${p.args[0]!.toString()} ${p.args[1]!.toString()}` : ''}`);
        return;
      }
      const data = p.args[1]!;
      const seq = data.length >= 8 ? data.readUInt32BE(0) + data.readUInt32BE(4) * 2 ** 32 : -1;
      const t0 = this.#sent.get(seq);
      if (t0 === undefined || data.length !== this.#o.payloadBytes) {
        this.#mismatches++;
      } else {
        this.#sent.delete(seq);
        if (this.#recording) {
          this.#completed++;
          this.#latencies.push(performance.now() - t0);
        }
      }
      if (this.#running) o.push(this.#submitFrame());
    });
    for (let i = 0; i < this.#o.inFlight; i++) out.push(this.#submitFrame());
    out.flush();
  }

  /** Count completions for `durationMs` and return the window's figures. */
  async measure(durationMs: number): Promise<LoadWindow> {
    this.#completed = 0;
    this.#latencies = [];
    this.#mismatches = 0;
    const counts0 = { noops: this.#noops, noJobs: this.#noJobs, reads: this.#reads, packetsIn: this.#packetsIn };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    this.#recording = true;
    await new Promise((r) => setTimeout(r, durationMs));
    this.#recording = false;
    const elapsedMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const per = (n: number): number => (this.#completed > 0 ? n / this.#completed : Number.NaN);
    return {
      perJob: { noops: per(this.#noops - counts0.noops), noJobs: per(this.#noJobs - counts0.noJobs), reads: per(this.#reads - counts0.reads), packetsIn: per(this.#packetsIn - counts0.packetsIn) },
      completed: this.#completed,
      elapsedMs,
      latenciesMs: Float64Array.from(this.#latencies),
      mismatches: this.#mismatches,
      errors: [...this.#errors],
      generatorCpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    };
  }

  /** Stop submitting and drop every connection. */
  stop(): void {
    this.#running = false;
    for (const s of this.#sockets.splice(0)) s.destroy();
    this.#sent.clear();
  }
}
