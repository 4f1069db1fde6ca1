/** WORK_* packets relayed to a client, turned into job events. */
import { T } from '../protocol/constants.js';
import type { Packet } from '../protocol/packet.js';
import type { JobEvent } from './types.js';

const WORK_TYPES: ReadonlySet<number> = new Set([T.WORK_DATA, T.WORK_WARNING, T.WORK_STATUS, T.WORK_COMPLETE, T.WORK_FAIL, T.WORK_EXCEPTION]);

/**
 * The handle a WORK_* packet is about, or undefined for any other packet. gearmand turns a
 * WORK_EXCEPTION into WORK_FAIL with the handle plus a trailing NUL for clients without the
 * exceptions option (spec §4.9), so one trailing NUL on WORK_FAIL is not part of the handle.
 */
export function workHandle(p: Packet): string | undefined {
  if (!WORK_TYPES.has(p.type)) return undefined;
  let h = p.args[0]!;
  if (p.type === T.WORK_FAIL && h.length > 0 && h[h.length - 1] === 0) h = h.subarray(0, h.length - 1);
  return h.toString('latin1');
}

export function toJobEvent(p: Packet): JobEvent | undefined {
  switch (p.type) {
    case T.WORK_DATA:
      return { type: 'data', data: p.args[1]! };
    case T.WORK_WARNING:
      return { type: 'warning', data: p.args[1]! };
    case T.WORK_STATUS:
      return { type: 'status', numerator: p.args[1]!.toString('latin1'), denominator: p.args[2]!.toString('latin1') };
    case T.WORK_COMPLETE:
      return { type: 'complete', data: p.args[1]! };
    case T.WORK_FAIL:
      return { type: 'fail' };
    case T.WORK_EXCEPTION:
      return { type: 'exception', data: p.args[1]! };
    default:
      return undefined;
  }
}
