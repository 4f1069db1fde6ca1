/**
 * Which SUBMIT_* packet a submit becomes, and its arguments. Combinations no packet expresses
 * (a foreground epoch job, a high-priority reduce job) are refused before anything is sent.
 */
import { ERROR_CODES, InputError } from '../errors.js';
import { submitTypeFor, T } from '../protocol/constants.js';
import { req, type Packet } from '../protocol/packet.js';
import type { SubmitOptions } from './types.js';

export interface SubmitPlan {
  readonly packet: Packet;
  readonly background: boolean;
}

export function planSubmit(o: SubmitOptions): SubmitPlan {
  const data = o.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(o.data) ? o.data : Buffer.from(o.data, 'utf8');
  const unique = o.unique ?? '';
  const priority = o.priority ?? 'normal';
  if (typeof o.function !== 'string') throw new InputError(ERROR_CODES.USAGE, 'submit.function', 'a function name is required');
  if (o.epoch !== undefined && o.reducer !== undefined) {
    throw new InputError(ERROR_CODES.USAGE, 'submit', 'epoch and reducer cannot be combined: no SUBMIT_* packet carries both');
  }
  if (o.epoch !== undefined) {
    if (!Number.isInteger(o.epoch) || o.epoch < 0) throw new InputError(ERROR_CODES.USAGE, 'submit.epoch', `must be a non-negative integer of seconds, got ${o.epoch}`);
    // SUBMIT_JOB_EPOCH is background-only and normal priority in gearmand (spec §4.11).
    if (o.background === false) throw new InputError(ERROR_CODES.USAGE, 'submit.epoch', 'epoch jobs are always background; background: false cannot be honoured');
    if (priority !== 'normal') throw new InputError(ERROR_CODES.USAGE, 'submit.epoch', `epoch jobs run at normal priority; ${priority} cannot be honoured`);
    return { packet: req(T.SUBMIT_JOB_EPOCH, o.function, unique, String(o.epoch), data), background: true };
  }
  if (o.reducer !== undefined) {
    if (priority !== 'normal') throw new InputError(ERROR_CODES.USAGE, 'submit.reducer', `reduce jobs run at normal priority; ${priority} cannot be honoured`);
    const background = o.background ?? false;
    // Four NUL-terminated arguments before the data, as gearmand requires; the PROTOCOL file's
    // three-argument form makes gearmand swallow the next packet (spec §2 notes).
    const type = background ? T.SUBMIT_REDUCE_JOB_BACKGROUND : T.SUBMIT_REDUCE_JOB;
    return { packet: req(type, o.function, unique, o.reducer, o.aggregator ?? '', data), background };
  }
  const background = o.background ?? false;
  return { packet: req(submitTypeFor(priority, background), o.function, unique, data), background };
}
