/**
 * Push-style dispatch on top of GearmanConnection: one reader loop per connection hands every
 * packet to a callback, and reports the end of the stream exactly once. The client and the worker
 * both need this (replies and job events arrive interleaved on one socket), while
 * GearmanConnection itself is pull-style with a single waiter.
 */
import { ConnectionClosedError, GearspecError, ERROR_CODES } from '../errors.js';
import type { GearmanConnection } from '../transport/connection.js';
import type { Packet } from '../protocol/packet.js';

interface PumpHandlers {
  /** Every decoded packet, in arrival order. */
  packet(packet: Packet): void;
  /** Called once when the stream can no longer be used: closed, or undecodable bytes. */
  end(reason: string, error: GearspecError): void;
}

/**
 * Start reading `conn` until it closes. Admin text lines are unexpected on a job connection and
 * end it (the stream would be out of step); a recoverable decode error (unknown type) is passed
 * on as the end too, because a role cannot know what the peer meant.
 */
export function startPump(conn: GearmanConnection, handlers: PumpHandlers): void {
  void (async () => {
    for (;;) {
      // No deadline here on purpose: this is the connection's idle read, not a wait for a reply.
      // Every wait for a reply has its own timer in the caller.
      const e = await conn.next(Number.POSITIVE_INFINITY);
      switch (e.kind) {
        case 'packet':
          try {
            handlers.packet(e.packet);
          } catch (err) {
            conn.log.note(`dispatch error: ${err instanceof Error ? err.message : String(err)}`, conn.label);
            const wrapped = err instanceof GearspecError ? err : new GearspecError(ERROR_CODES.HARNESS, `packet dispatch failed: ${String(err)}`, { cause: err });
            conn.close();
            handlers.end('dispatch failed', wrapped);
            return;
          }
          continue;
        case 'text':
          conn.close();
          handlers.end('unexpected text line', new GearspecError(ERROR_CODES.UNEXPECTED_PACKET, `server sent a text line on a job connection: ${JSON.stringify(e.line)}`));
          return;
        case 'decode-error':
          conn.close();
          handlers.end('undecodable bytes', e.error);
          return;
        case 'closed':
          handlers.end(e.reason, new ConnectionClosedError(`connection ${e.reason}`));
          return;
        case 'timeout':
          continue;
      }
    }
  })();
}
