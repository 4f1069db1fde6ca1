/** The request packet an action sends, given the model state (for job handles). */
import { T } from '../protocol/constants.js';
import { type Packet, req } from '../protocol/packet.js';
import type { Action } from './actions.js';
import { openConn, type ModelState } from './state.js';
import { epochArg, resolveJob } from './step.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** The packet for `action` on `slot`, 'skip' when the step has nothing to send, 'close' for a disconnect. */
export function requestFor(s: ModelState, slot: number, a: Action): Packet | 'skip' | 'close' {
  const connId = openConn(s, slot)?.id;
  switch (a.kind) {
    case 'close':
      return 'close';
    case 'submit':
      if (a.type === T.SUBMIT_JOB_EPOCH) return req(a.type, b(a.fn), b(a.unique), b(epochArg(a)), b(a.data));
      if (a.type === T.SUBMIT_REDUCE_JOB || a.type === T.SUBMIT_REDUCE_JOB_BACKGROUND) return req(a.type, b(a.fn), b(a.unique), b(a.reducer ?? 'r'), b(''), b(a.data));
      return req(a.type, b(a.fn), b(a.unique), b(a.data));
    case 'get-status': {
      const r = resolveJob(s, connId, a.job);
      return r === 'skip' ? 'skip' : req(T.GET_STATUS, b(r.handle));
    }
    case 'get-status-unique':
      return req(T.GET_STATUS_UNIQUE, b(a.unique));
    case 'echo':
      return req(T.ECHO_REQ, b(a.data));
    case 'option':
      return req(T.OPTION_REQ, b(a.name));
    case 'can-do':
      return req(T.CAN_DO, b(a.fn));
    case 'cant-do':
      return req(T.CANT_DO, b(a.fn));
    case 'reset-abilities':
      return req(T.RESET_ABILITIES);
    case 'pre-sleep':
      return req(T.PRE_SLEEP);
    case 'grab':
      return req(a.type);
    case 'work': {
      const r = resolveJob(s, connId, a.job);
      if (r === 'skip') return 'skip';
      if (a.type === T.WORK_STATUS) return req(a.type, b(r.handle), b(a.numerator ?? '0'), b(a.denominator ?? '0'));
      if (a.type === T.WORK_FAIL) return req(a.type, b(r.handle));
      return req(a.type, b(r.handle), b(a.data));
    }
  }
}
