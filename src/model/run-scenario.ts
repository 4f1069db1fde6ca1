/**
 * Runs one scenario against a live server over sockets and checks every step against the model.
 * After each step a barrier (an ECHO on the acting connection, then on every other open one)
 * collects exactly what the step caused: servers process one connection's packets in order and
 * relay from one processing thread, so a relay caused by step N lands before the barrier echo.
 * A disconnect is complete once `workers` no longer lists the connection's client id.
 */
import { T } from '../protocol/constants.js';
import { describePacket, type Packet, req } from '../protocol/packet.js';
import { GearmanConnection } from '../transport/connection.js';
import type { WireLog } from '../transport/wire-log.js';
import { errorMessage } from '../errors.js';
import { describeStep, type Step } from './actions.js';
import { ModelChecker, type Mismatch } from './checker.js';
import type { SeenPacket } from './expect.js';
import type { ModelProfile } from './profiles.js';

export interface Target {
  readonly host: string;
  readonly port: number;
}

interface RunOptions {
  readonly profile: ModelProfile;
  /** Deadline for each barrier answer. */
  readonly timeoutMs?: number;
  /** Unique per run: names client ids so disconnects can be observed. */
  readonly runId: string;
  /** Record every byte (for debugging); off while fuzzing for speed. */
  readonly log?: WireLog;
  /** Every packet sent/received and every disconnect, in order (for shrunk fixtures). */
  readonly onExchange?: (item: Exchange) => void;
  /** Called before step `index` (0-based) sends anything (steps the model skips are not announced). */
  readonly onStep?: (index: number) => void;
}

/** One transcript item; `conn` numbers connections from 1 in the order they were opened. */
export type Exchange =
  | { readonly conn: number; readonly dir: 'c2s' | 's2c'; readonly packet: Packet }
  /** We closed a connection (a close step), or the server closed one under us (`reason` says how). */
  | { readonly conn: number; readonly close: 'client' | 'server'; readonly reason?: string };

export interface ScenarioResult {
  readonly ok: boolean;
  readonly stepsRun: number;
  readonly mismatch?: Mismatch;
  /** A harness problem (cannot connect, timeout, server closed): also a failure, labelled. */
  readonly error?: string;
  /** What each step produced, for differential comparison. */
  readonly observed: readonly { readonly step: Step; readonly seen: Readonly<Record<number, readonly SeenPacket[]>> }[];
}

interface Slot {
  conn: GearmanConnection;
  clientId: string;
  /** Transcript connection number. */
  n: number;
  /** The server closed it (reported to onExchange). */
  serverClosed?: boolean;
}

const toSeen = (p: { type: number; args: readonly Buffer[] }): SeenPacket => ({ type: p.type, args: p.args.map((a) => a.toString('latin1')) });

export class ScenarioRunner {
  readonly target: Target;
  #admin: GearmanConnection | undefined;
  #adminUsable = true;
  #barrier = 0;
  /**
   * Set by close(), for good. A run can outlive the caller's interest in it: fast-check's
   * interruptAfterTimeLimit races the property against a timer and returns while the scenario
   * is still running. close() then destroys that run's connections, and no connection is opened
   * after it (before, such a run could open the admin connection again after close() and hold
   * the process open forever: `gearspec fuzz` stayed alive after its summary).
   */
  #closed = false;
  /** Connections of runs in flight (closed by close()). */
  readonly #live = new Set<GearmanConnection>();

  constructor(target: Target) {
    this.target = target;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#admin?.close();
    this.#admin = undefined;
    for (const conn of this.#live) conn.close();
    this.#live.clear();
  }

  /** Opens a connection for this runner; none once the runner is closed. */
  async #connect(options: Parameters<typeof GearmanConnection.connect>[0]): Promise<GearmanConnection> {
    if (this.#closed) throw new Error('the scenario runner was closed');
    const conn = await GearmanConnection.connect(options);
    if (this.#closed) {
      conn.close();
      throw new Error('the scenario runner was closed');
    }
    this.#live.add(conn);
    return conn;
  }

  #drop(conn: GearmanConnection): void {
    conn.close();
    this.#live.delete(conn);
  }

  async run(steps: readonly Step[], options: RunOptions): Promise<ScenarioResult> {
    const timeoutMs = options.timeoutMs ?? 3000;
    const checker = new ModelChecker(options.profile);
    const slots = new Map<number, Slot>();
    const observed: { step: Step; seen: Record<number, SeenPacket[]> }[] = [];
    let generation = 0;
    let i = 0;
    try {
      for (; i < steps.length; i++) {
        const st = steps[i]!;
        const request = checker.request(st);
        if (request === 'skip') continue;
        options.onStep?.(i);
        const seen: Record<number, SeenPacket[]> = {};
        if (request === 'close') {
          const slot = slots.get(st.conn);
          if (slot) {
            slots.delete(st.conn);
            this.#drop(slot.conn);
            options.onExchange?.({ conn: slot.n, close: 'client' });
            await this.#awaitGone(slot.clientId, timeoutMs);
          }
        } else {
          let slot = slots.get(st.conn);
          if (!slot) {
            const clientId = `gs-${options.runId}-${st.conn}-${++generation}`;
            const conn = await this.#connect({ host: this.target.host, port: this.target.port, connectTimeoutMs: timeoutMs, ...(options.log ? { log: options.log } : {}), label: `c${st.conn}` });
            slot = { conn, clientId, n: generation };
            slots.set(st.conn, slot);
            this.#send(slot, req(T.SET_CLIENT_ID, clientId), options);
          }
          this.#send(slot, request, options);
          seen[st.conn] = await this.#collect(slot, this.#sendBarrier(slot, options), timeoutMs, options);
        }
        // Other connections: echo all at once, then collect each up to its echo.
        const others = [...slots.entries()].filter(([s]) => !(request !== 'close' && s === st.conn));
        const tokens = others.map(([, slot]) => this.#sendBarrier(slot, options));
        for (let k = 0; k < others.length; k++) seen[others[k]![0]] = await this.#collect(others[k]![1], tokens[k]!, timeoutMs, options);
        observed.push({ step: st, seen });
        const mismatch = checker.observe(st, seen);
        if (mismatch) return { ok: false, stepsRun: i + 1, mismatch, observed };
      }
      return { ok: true, stepsRun: steps.length, observed };
    } catch (e) {
      // A server that closed one connection under us may be going down: give the others a moment
      // to close too, so the transcript shows every connection it dropped.
      if (options.onExchange && [...slots.values()].some((s) => s.serverClosed)) {
        await Promise.all([...slots.values()].filter((s) => !s.serverClosed).map((s) => this.#awaitServerClose(s, Math.min(300, timeoutMs), options)));
      }
      const st = steps[Math.min(i, steps.length - 1)];
      return { ok: false, stepsRun: i + 1, error: `${st ? describeStep(st) : 'setup'}: ${errorMessage(e)}`, observed };
    } finally {
      for (const slot of slots.values()) this.#drop(slot.conn);
    }
  }

  #send(slot: Slot, packet: Packet, options: RunOptions): void {
    slot.conn.send(packet);
    options.onExchange?.({ conn: slot.n, dir: 'c2s', packet });
  }

  #sendBarrier(slot: Slot, options: RunOptions): string {
    const token = `gs-barrier-${++this.#barrier}`;
    this.#send(slot, req(T.ECHO_REQ, token), options);
    return token;
  }

  /** Packets received up to the ECHO_RES carrying `token`. */
  async #collect(slot: Slot, token: string, timeoutMs: number, options: RunOptions): Promise<SeenPacket[]> {
    const out: SeenPacket[] = [];
    const conn = slot.conn;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = await conn.next(Math.max(1, deadline - Date.now()));
      if (e.kind === 'packet') {
        options.onExchange?.({ conn: slot.n, dir: 's2c', packet: e.packet });
        if (e.packet.type === T.ECHO_RES && e.packet.args[0]!.toString('latin1') === token) return out;
        out.push(toSeen(e.packet));
        continue;
      }
      if (e.kind === 'timeout')
        throw new Error(
          `no answer to the barrier ECHO within ${timeoutMs} ms (received so far: ${out.map((p) => describePacket({ magic: 'RES', type: p.type, args: p.args.map((a) => Buffer.from(a, 'latin1')) })).join(', ') || 'nothing'})`,
        );
      if (e.kind === 'closed') {
        slot.serverClosed = true;
        options.onExchange?.({ conn: slot.n, close: 'server', reason: e.reason });
        throw new Error(`server closed connection ${conn.label ?? ''} (${e.reason})`);
      }
      if (e.kind === 'text') throw new Error(`unexpected text line ${JSON.stringify(e.line)} on ${conn.label ?? ''}`);
      throw e.error;
    }
  }

  /** Records what arrives on `slot` until the server closes it or `waitMs` passes. */
  async #awaitServerClose(slot: Slot, waitMs: number, options: RunOptions): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const e = await slot.conn.next(Math.max(1, deadline - Date.now()));
      if (e.kind === 'timeout') return;
      if (e.kind === 'packet') options.onExchange?.({ conn: slot.n, dir: 's2c', packet: e.packet });
      if (e.kind === 'closed') {
        slot.serverClosed = true;
        options.onExchange?.({ conn: slot.n, close: 'server', reason: e.reason });
        return;
      }
    }
  }

  /** Wait until the server has processed a disconnect: its client id leaves the `workers` list. */
  async #awaitGone(clientId: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#closed) throw new Error('the scenario runner was closed');
      if (!this.#adminUsable) {
        await new Promise((r) => setTimeout(r, 50));
        return;
      }
      try {
        this.#admin ??= await this.#connect({ host: this.target.host, port: this.target.port, connectTimeoutMs: timeoutMs, label: 'admin' });
        const lines = await this.#admin.admin('workers', timeoutMs);
        if (lines.length === 1 && lines[0]!.startsWith('ERR')) {
          this.#adminUsable = false;
          continue;
        }
        if (!lines.some((l) => l.split(' ').includes(clientId))) return;
      } catch {
        this.#admin?.close();
        this.#admin = undefined;
        this.#adminUsable = false;
        continue;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`server still lists ${clientId} ${timeoutMs} ms after the disconnect`);
  }
}
