/**
 * One connection a client or worker library opened to the scripted server (the Stage): gearspec
 * plays the job server, reads what the library sends under a deadline, and answers with exact
 * packets or bytes — split, coalesced or malformed where a case needs it. Every packet the
 * library sends is checked against the protocol table (the request-side check); violations are
 * collected for the runner, which fails the case on any.
 *
 * Housekeeping requests a library may send at any time (ECHO_REQ, OPTION_REQ, SET_CLIENT_ID and
 * the ability packets) are answered the way gearmand answers them and recorded, unless the case
 * is waiting for that very type.
 */
import { packetName, SUBMIT_TYPES, T } from '../../protocol/constants.js';
import { encodePacket } from '../../protocol/encoder.js';
import { type Arg, describePacket, type Packet, res } from '../../protocol/packet.js';
import { type ConnEvent, describeEvent, type GearmanConnection } from '../../transport/connection.js';
import { CaseFailure } from '../failures.js';
import { checkRequestPacket, type RequestSender } from '../packet-check.js';

interface LibraryExpectOptions {
  /** Deadline for this wait (default: the run's per-read timeout). */
  readonly ms?: number;
  /** Extra condition on the packet; failing it is a CaseFailure. */
  readonly where?: (p: Packet) => boolean;
  /** Expected[] text for failures; defaults to the type names. */
  readonly expected?: readonly string[];
  /** Answer housekeeping packets while waiting (default true). */
  readonly housekeeping?: boolean;
}

/** A job the stage hands to a worker. */
export interface AssignedJob {
  readonly handle: Arg;
  readonly function: Arg;
  readonly data: Arg;
  /** Sent in JOB_ASSIGN_UNIQ / JOB_ASSIGN_ALL (default: empty). */
  readonly unique?: Arg;
  /** Sent in JOB_ASSIGN_ALL (default: empty). */
  readonly reducer?: Arg;
}

const GRABS: readonly number[] = [T.GRAB_JOB, T.GRAB_JOB_UNIQ, T.GRAB_JOB_ALL];
/** Which assign answers which grab (spec §4.5). */
export const ASSIGN_FOR_GRAB: Readonly<Record<number, number>> = { [T.GRAB_JOB]: T.JOB_ASSIGN, [T.GRAB_JOB_UNIQ]: T.JOB_ASSIGN_UNIQ, [T.GRAB_JOB_ALL]: T.JOB_ASSIGN_UNIQ };

export class LibraryConn {
  readonly label: string;
  /** Every packet the library sent on this connection, in order. */
  readonly received: Packet[] = [];
  /** Functions the library registered (CAN_DO / CAN_DO_TIMEOUT minus CANT_DO), in order. */
  readonly abilities: string[] = [];
  /** OPTION_REQ names, SET_CLIENT_ID values seen. */
  readonly options: string[] = [];
  readonly clientIds: string[] = [];
  readonly #conn: GearmanConnection;
  readonly #sender: RequestSender;
  readonly #timeoutMs: number;
  readonly #quietMs: number;
  readonly #onViolation: (text: string) => void;

  constructor(conn: GearmanConnection, init: { label: string; sender: RequestSender; timeoutMs: number; quietMs: number; onViolation: (text: string) => void }) {
    this.#conn = conn;
    this.label = init.label;
    this.#sender = init.sender;
    this.#timeoutMs = init.timeoutMs;
    this.#quietMs = init.quietMs;
    this.#onViolation = init.onViolation;
  }

  get closed(): boolean {
    return this.#conn.closed;
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Send a reply packet (\0RES magic) built from arguments. */
  send(type: number, ...args: Arg[]): void {
    this.#conn.send(res(type, ...args));
  }

  sendPacket(packet: Packet): void {
    this.#conn.send(packet);
  }

  /** Bytes as they are (a malformed packet, a trailing NUL…). */
  raw(bytes: Uint8Array): void {
    this.#conn.sendRaw(bytes);
  }

  /**
   * Packets encoded back to back, written in pieces cut at `cuts` (offsets into the joined
   * bytes), with `gapMs` between writes so that the library's reads see each piece apart.
   * `cuts` = 'every-byte' writes one byte at a time.
   */
  async split(packets: readonly Packet[], cuts: readonly number[] | 'every-byte', gapMs = 2): Promise<void> {
    const bytes = Buffer.concat(packets.map(encodePacket));
    const points = cuts === 'every-byte' ? Array.from({ length: bytes.length - 1 }, (_, i) => i + 1) : [...cuts].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
    let at = 0;
    for (const p of [...points, bytes.length]) {
      this.#conn.sendRaw(bytes.subarray(at, p));
      at = p;
      if (p < bytes.length) await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  /** Next event from the library (checked); `timeout` when nothing arrives in time. */
  async read(ms = this.#timeoutMs): Promise<ConnEvent> {
    const e = await this.#conn.next(ms);
    if (e.kind === 'packet') {
      this.received.push(e.packet);
      for (const v of checkRequestPacket(e.packet, this.#sender)) this.#onViolation(`[${this.label}] ${v}: ${describePacket(e.packet)}`);
    }
    if (e.kind === 'decode-error') this.#onViolation(`[${this.label}] the ${this.#sender} sent undecodable bytes: ${e.error.message}`);
    return e;
  }

  /** Answer a housekeeping packet; true when it was one. */
  #housekeep(p: Packet): boolean {
    const text = (i: number) => p.args[i]?.toString('utf8') ?? '';
    switch (p.type) {
      case T.ECHO_REQ:
        this.send(T.ECHO_RES, p.args[0] ?? '');
        return true;
      case T.OPTION_REQ:
        this.options.push(text(0));
        this.send(T.OPTION_RES, p.args[0] ?? '');
        return true;
      case T.SET_CLIENT_ID:
        this.clientIds.push(text(0));
        return true;
      case T.CAN_DO:
      case T.CAN_DO_TIMEOUT:
        this.abilities.push(text(0));
        return true;
      case T.CANT_DO: {
        const i = this.abilities.indexOf(text(0));
        if (i >= 0) this.abilities.splice(i, 1);
        return true;
      }
      case T.RESET_ABILITIES:
        this.abilities.length = 0;
        return true;
      default:
        return false;
    }
  }

  /** The next packet of one of `types`, answering housekeeping on the way. */
  async expect(types: number | readonly number[], options: LibraryExpectOptions = {}): Promise<Packet> {
    const list = typeof types === 'number' ? [types] : types;
    const expected = options.expected ?? [`${list.map(packetName).join(' or ')} from the ${this.#sender} on ${this.label}`];
    const deadline = Date.now() + (options.ms ?? this.#timeoutMs);
    for (;;) {
      const e = await this.read(Math.max(1, deadline - Date.now()));
      if (e.kind === 'packet' && list.includes(e.packet.type)) {
        if (options.where && !options.where(e.packet)) throw new CaseFailure(expected, describePacket(e.packet, 80));
        return e.packet;
      }
      if (e.kind === 'packet' && options.housekeeping !== false && this.#housekeep(e.packet)) continue;
      throw new CaseFailure(expected, actual(e));
    }
  }

  /** Nothing but housekeeping arrives for `ms` (default: the quiet window). */
  async expectNothing(what: string, ms = this.#quietMs): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      const e = await this.read(left);
      if (e.kind === 'timeout') return;
      if (e.kind === 'packet' && this.#housekeep(e.packet)) continue;
      throw new CaseFailure([`nothing from the ${this.#sender} on ${this.label} (${what})`], actual(e));
    }
  }

  /** Every event within `ms`, housekeeping answered, until `until` says enough or the peer closes. */
  async collect(ms: number, until?: (packets: readonly Packet[]) => boolean): Promise<{ packets: Packet[]; closed: boolean }> {
    const packets: Packet[] = [];
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return { packets, closed: false };
      const e = await this.read(left);
      if (e.kind === 'timeout') return { packets, closed: false };
      if (e.kind === 'closed') return { packets, closed: true };
      if (e.kind !== 'packet' || this.#housekeep(e.packet)) continue;
      packets.push(e.packet);
      if (until?.(packets)) return { packets, closed: false };
    }
  }

  /** The library closes this connection (EOF or reset) within `ms`. */
  async expectClose(what: string, ms = this.#timeoutMs): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const e = await this.read(Math.max(1, deadline - Date.now()));
      if (e.kind === 'closed') return;
      if (e.kind === 'packet' && this.#housekeep(e.packet)) continue;
      if (e.kind === 'packet') continue;
      throw new CaseFailure([`the ${this.#sender} closes ${this.label} (${what})`], actual(e));
    }
  }

  // ---- client side

  /** The next SUBMIT_* request. */
  expectSubmit(options: LibraryExpectOptions = {}): Promise<Packet> {
    return this.expect(SUBMIT_TYPES, options);
  }

  // ---- worker side

  /**
   * The worker's next grab. A PRE_SLEEP on the way is answered with NOOP (work is waiting), as a
   * server does when it has a job for the worker.
   */
  async expectGrab(options: LibraryExpectOptions = {}): Promise<Packet> {
    const deadline = Date.now() + (options.ms ?? this.#timeoutMs);
    for (;;) {
      const p = await this.expect([...GRABS, T.PRE_SLEEP], {
        ...options,
        ms: Math.max(1, deadline - Date.now()),
        expected: options.expected ?? [`GRAB_JOB, GRAB_JOB_UNIQ or GRAB_JOB_ALL (or PRE_SLEEP) from the worker on ${this.label}`],
      });
      if (p.type !== T.PRE_SLEEP) return p;
      this.send(T.NOOP);
    }
  }

  /** Answer grabs with NO_JOB until the worker says PRE_SLEEP (it is idle and waits for NOOP). */
  async expectSleep(options: LibraryExpectOptions = {}): Promise<void> {
    const deadline = Date.now() + (options.ms ?? this.#timeoutMs);
    for (;;) {
      const p = await this.expect([...GRABS, T.PRE_SLEEP], { ...options, ms: Math.max(1, deadline - Date.now()), expected: options.expected ?? [`PRE_SLEEP from the idle worker on ${this.label}`] });
      if (p.type === T.PRE_SLEEP) return;
      this.send(T.NO_JOB);
    }
  }

  /** The assign packet that answers `grab` (JOB_ASSIGN, JOB_ASSIGN_UNIQ; ALL → UNIQ without reducer). */
  assignFor(grab: Packet, job: AssignedJob): Packet {
    const type = ASSIGN_FOR_GRAB[grab.type] ?? T.JOB_ASSIGN;
    return assignPacket(type, job);
  }

  /** Hand `job` to the worker in the form that answers its grab. */
  assign(grab: Packet, job: AssignedJob): void {
    this.sendPacket(this.assignFor(grab, job));
  }

  end(): void {
    this.#conn.end();
  }

  close(): void {
    this.#conn.close();
  }
}

/** A JOB_ASSIGN, JOB_ASSIGN_UNIQ or JOB_ASSIGN_ALL carrying `job`. */
export function assignPacket(type: number, job: AssignedJob): Packet {
  switch (type) {
    case T.JOB_ASSIGN:
      return res(T.JOB_ASSIGN, job.handle, job.function, job.data);
    case T.JOB_ASSIGN_UNIQ:
      return res(T.JOB_ASSIGN_UNIQ, job.handle, job.function, job.unique ?? '', job.data);
    case T.JOB_ASSIGN_ALL:
      return res(T.JOB_ASSIGN_ALL, job.handle, job.function, job.unique ?? '', job.reducer ?? '', job.data);
    default:
      throw new Error(`assignPacket: ${packetName(type)} is not an assign type`);
  }
}

function actual(e: ConnEvent): string {
  return e.kind === 'packet' ? describePacket(e.packet, 80) : describeEvent(e);
}
