/**
 * A Probe is one harness connection to the server under test, with verifiers that read under a
 * per-read deadline and turn anything unexpected into a CaseFailure naming every acceptable
 * outcome. Every packet the server sends through it is checked against the
 * protocol table; violations are collected for the runner, which fails the case on any.
 */
import { ConnectionClosedError, GearmanErrorReply, type GearspecError, ProtocolError, TimeoutError } from '../errors.js';
import { adminReplyShape, parseErrLine } from '../protocol/admin.js';
import { isUnknownCommandError, packetName, T } from '../protocol/constants.js';
import { describePacket, type Arg, type Packet, req } from '../protocol/packet.js';
import { type ConnEvent, describeEvent, GearmanConnection } from '../transport/connection.js';
import type { WireLog } from '../transport/wire-log.js';
import { CaseFailure, Unsupported } from './failures.js';
import { checkServerPacket } from './packet-check.js';

interface ProbeOptions {
  host: string;
  port: number;
  label: string;
  log: WireLog;
  timeoutMs: number;
  quietMs: number;
  onViolation: (text: string) => void;
}

interface ExpectOptions {
  /** Deadline for this read (default: the run's per-read timeout). */
  ms?: number;
  /** Packet types to skip silently while waiting (e.g. NOOP on a worker). */
  skip?: readonly number[];
  /** Extra condition on the packet; failing it is a CaseFailure. */
  where?: (p: Packet) => boolean;
  /** Expected[] text for failures; defaults to the type names. */
  expected?: readonly string[];
}

/** ERROR codes that mean "this server does not implement that packet type" (spec §2). */
export const isUnsupportedError = isUnknownCommandError;

/** `ERR` codes that mean "no such admin command" (spec §3.2, §3.3). */
export function isUnknownAdminCommand(line: string): boolean {
  const err = parseErrLine(line);
  return err !== undefined && err.code.toLowerCase() === 'unknown_command';
}

export class Probe {
  readonly label: string;
  readonly #conn: GearmanConnection;
  readonly #timeoutMs: number;
  readonly #quietMs: number;
  readonly #onViolation: (text: string) => void;

  private constructor(conn: GearmanConnection, options: ProbeOptions) {
    this.#conn = conn;
    this.label = options.label;
    this.#timeoutMs = options.timeoutMs;
    this.#quietMs = options.quietMs;
    this.#onViolation = options.onViolation;
  }

  static async open(options: ProbeOptions): Promise<Probe> {
    try {
      const conn = await GearmanConnection.connect({ host: options.host, port: options.port, log: options.log, label: options.label, connectTimeoutMs: options.timeoutMs * 2 });
      return new Probe(conn, options);
    } catch (e) {
      throw new CaseFailure([`TCP connection to ${options.host}:${options.port} accepted`], `connect failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  get closed(): boolean {
    return this.#conn.closed;
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  send(type: number, ...args: Arg[]): void {
    this.#conn.send(req(type, ...args));
  }

  /** Become a slow consumer: read nothing more until `resumeReading`. */
  pauseReading(): void {
    this.#conn.pauseReading();
  }

  resumeReading(): void {
    this.#conn.resumeReading();
  }

  sendPacket(packet: Packet): void {
    this.#conn.send(packet);
  }

  raw(bytes: Uint8Array, chop = 0): void {
    this.#conn.sendRaw(bytes, chop);
  }

  text(line: string, eol: '\n' | '\r\n' = '\n'): void {
    this.#conn.sendText(line, eol);
  }

  /** Next event (checked); `timeout` when nothing arrives in time. */
  async read(ms = this.#timeoutMs): Promise<ConnEvent> {
    const e = await this.#conn.next(ms);
    if (e.kind === 'packet') for (const v of checkServerPacket(e.packet)) this.#onViolation(`[${this.label}] ${v}: ${describePacket(e.packet)}`);
    if (e.kind === 'decode-error') this.#onViolation(`[${this.label}] server sent undecodable bytes: ${e.error.message}`);
    return e;
  }

  /** The next packet, which must be one of `types`. */
  async expect(types: number | readonly number[], options: ExpectOptions = {}): Promise<Packet> {
    const list = typeof types === 'number' ? [types] : types;
    const expected = options.expected ?? [`${list.map(packetName).join(' or ')} on ${this.label}`];
    const deadline = Date.now() + (options.ms ?? this.#timeoutMs);
    for (;;) {
      const e = await this.read(Math.max(1, deadline - Date.now()));
      if (e.kind === 'packet' && options.skip?.includes(e.packet.type)) continue;
      if (e.kind === 'packet' && list.includes(e.packet.type)) {
        if (options.where && !options.where(e.packet)) throw new CaseFailure(expected, describePacket(e.packet, 80));
        return e.packet;
      }
      throw new CaseFailure(expected, this.#actual(e));
    }
  }

  /**
   * Like expect, but an ERROR saying the type is not implemented becomes Unsupported(feature),
   * so an optional type is graded `unsupported` rather than failed.
   */
  async expectOrUnsupported(types: number | readonly number[], feature: string, options: ExpectOptions = {}): Promise<Packet> {
    const list = typeof types === 'number' ? [types] : types;
    const p = await this.expect([...list, T.ERROR], { ...options, where: undefined, expected: options.expected ?? [`${list.map(packetName).join(' or ')} on ${this.label}`] });
    if (p.type === T.ERROR && !list.includes(T.ERROR)) {
      const code = p.args[0]!.toString('latin1');
      const text = p.args[1]!.toString('latin1');
      if (isUnsupportedError(code, text)) throw new Unsupported(feature, describePacket(p, 80));
      throw new CaseFailure(options.expected ?? [`${list.map(packetName).join(' or ')} on ${this.label}`], describePacket(p, 80));
    }
    if (options.where && !options.where(p)) throw new CaseFailure(options.expected ?? [`${list.map(packetName).join(' or ')} on ${this.label}`], describePacket(p, 80));
    return p;
  }

  /** An ERROR packet; returns [code, text]. */
  async expectError(options: ExpectOptions = {}): Promise<[string, string]> {
    const p = await this.expect(T.ERROR, { expected: [`ERROR packet on ${this.label}`], ...options });
    return [p.args[0]!.toString('latin1'), p.args[1]!.toString('latin1')];
  }

  /** Nothing arrives for `ms` (default: the quiet window). */
  async expectNothing(what: string, ms = this.#quietMs, skip: readonly number[] = []): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      const e = await this.read(left);
      if (e.kind === 'timeout') return;
      if (e.kind === 'packet' && skip.includes(e.packet.type)) continue;
      throw new CaseFailure([`no reply on ${this.label} (${what})`], this.#actual(e));
    }
  }

  /** Collect every event for `ms`: for cases that grade a set of possible observations. */
  async collect(ms: number, until?: (events: readonly ConnEvent[]) => boolean): Promise<ConnEvent[]> {
    const out: ConnEvent[] = [];
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return out;
      const e = await this.read(left);
      if (e.kind === 'timeout') return out;
      out.push(e);
      if (e.kind === 'closed') return out;
      if (until?.(out)) return out;
    }
  }

  /** One text line. */
  async expectLine(what: string, ms = this.#timeoutMs): Promise<string> {
    const e = await this.read(ms);
    if (e.kind === 'text') return e.line;
    throw new CaseFailure([`a text reply line to ${what} on ${this.label}`], this.#actual(e));
  }

  /** Send an admin command and read its reply (one line, or the list up to "."). */
  async admin(line: string, eol: '\n' | '\r\n' = '\n'): Promise<string[]> {
    this.text(line, eol);
    const shape = adminReplyShape(line);
    const lines: string[] = [];
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      const e = await this.read(Math.max(1, deadline - Date.now()));
      if (e.kind !== 'text')
        throw new CaseFailure(
          [`${shape === 'list' ? 'a list ending in "."' : 'one reply line'} for admin ${JSON.stringify(line)}`],
          `${this.#actual(e)}${lines.length ? ` after ${lines.length} lines` : ''}`,
        );
      if (shape === 'line' || (lines.length === 0 && e.line.startsWith('ERR '))) return [e.line];
      if (e.line === '.') return lines;
      lines.push(e.line);
    }
  }

  /** Prove the connection is still usable: ECHO round trip. */
  async expectAlive(what = 'connection still usable'): Promise<void> {
    const token = `alive-${Date.now() % 100000}`;
    this.send(T.ECHO_REQ, token);
    await this.expect(T.ECHO_RES, { expected: [`ECHO_RES "${token}" on ${this.label} (${what})`], where: (p) => p.args[0]!.toString('latin1') === token });
  }

  /** Half-close (the server sees EOF). */
  end(): void {
    this.#conn.end();
  }

  close(): void {
    this.#conn.close();
  }

  #actual(e: ConnEvent): string {
    return e.kind === 'packet' ? describePacket(e.packet, 80) : describeEvent(e);
  }
}

/** Map a typed transport error seen by a case into a server-attributed failure. */
export function transportFailure(e: GearspecError): CaseFailure | undefined {
  if (e instanceof TimeoutError || e instanceof ConnectionClosedError || e instanceof ProtocolError || e instanceof GearmanErrorReply)
    return new CaseFailure(['the reply the case waited for'], e.message);
  return undefined;
}
