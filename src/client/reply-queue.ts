/**
 * Requests waiting for their reply, in the order they were sent. Both gearmand and Perl
 * Gearman::Server answer one connection's requests in order, so the oldest pending request owns
 * the next reply packet (JOB_CREATED, STATUS_RES, ECHO_RES, OPTION_RES or ERROR). Each entry has its
 * own deadline; a missed deadline means the reply stream can no longer be trusted, so the owner
 * is told to drop the connection.
 */
import { GearmanErrorReply, GearspecError, ERROR_CODES, TimeoutError } from '../errors.js';
import { packetName, T } from '../protocol/constants.js';
import { describePacket, type Packet } from '../protocol/packet.js';

/** Packet types that answer a client request (everything else is a job event). */
export const REPLY_TYPES: ReadonlySet<number> = new Set([T.JOB_CREATED, T.STATUS_RES, T.STATUS_RES_UNIQUE, T.ECHO_RES, T.OPTION_RES, T.ERROR]);

interface Pending {
  readonly what: string;
  readonly accepts: readonly number[];
  /** Runs synchronously inside dispatch, so state the reply creates exists before the next packet. */
  readonly accept: (p: Packet) => void;
  readonly reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

export class ReplyQueue {
  readonly #pending: Pending[] = [];
  readonly #onDeadlineMissed: (error: TimeoutError) => void;

  constructor(onDeadlineMissed: (error: TimeoutError) => void) {
    this.#onDeadlineMissed = onDeadlineMissed;
  }

  get size(): number {
    return this.#pending.length;
  }

  /**
   * Register a request just sent. Its reply is turned into a value by `map`, synchronously, as
   * soon as it is dispatched; rejects on ERROR (GearmanErrorReply), on a map error, or at the deadline.
   */
  wait<R>(what: string, accepts: readonly number[], timeoutMs: number, map: (p: Packet) => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const accept = (p: Packet): void => {
        try {
          resolve(map(p));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      };
      const entry: Pending = { what, accepts, accept, reject, timer: undefined };
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        const error = new TimeoutError(`waiting for ${accepts.map(packetName).join(' or ')} in reply to ${what}`, timeoutMs);
        reject(error);
        this.#onDeadlineMissed(error);
      }, timeoutMs);
      this.#pending.push(entry);
    });
  }

  /**
   * Hand a reply packet to the oldest request. Returns an error when the packet cannot be a reply
   * to it (the stream is out of step), or undefined.
   */
  dispatch(packet: Packet): GearspecError | undefined {
    const head = this.#pending.shift();
    if (!head) return new GearspecError(ERROR_CODES.UNEXPECTED_PACKET, `unsolicited ${describePacket(packet)}: no request is waiting for a reply`);
    if (head.timer) clearTimeout(head.timer);
    if (head.accepts.includes(packet.type)) {
      head.accept(packet);
      return undefined;
    }
    if (packet.type === T.ERROR) {
      head.reject(new GearmanErrorReply(packet.args[0]!.toString('latin1'), packet.args[1]!.toString('latin1')));
      return undefined;
    }
    const error = new GearspecError(ERROR_CODES.UNEXPECTED_PACKET, `expected ${head.accepts.map(packetName).join(' or ')} in reply to ${head.what}, got ${describePacket(packet)}`);
    head.reject(error);
    return error;
  }

  /** Fail every pending request (connection gone). */
  failAll(error: Error): void {
    for (const p of this.#pending.splice(0)) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(error);
    }
  }
}
