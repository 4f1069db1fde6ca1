/** The handler table, indexed by packet type, and the types the server rejects as "not expected". */
import { PACKET_TYPE_LIMIT, T } from '../../protocol/constants.js';
import { SESSION_HANDLERS } from './session.js';
import { SUBMIT_HANDLERS } from './submit.js';
import type { Handler } from './types.js';
import { WORK_RESULT_HANDLERS } from './work-result.js';
import { WORKER_HANDLERS } from './worker.js';

export type { Handler } from './types.js';

export const HANDLERS: readonly (Handler | undefined)[] = (() => {
  const table: (Handler | undefined)[] = new Array<Handler | undefined>(PACKET_TYPE_LIMIT).fill(undefined);
  for (const part of [SUBMIT_HANDLERS, WORKER_HANDLERS, WORK_RESULT_HANDLERS, SESSION_HANDLERS]) {
    for (const [type, handler] of Object.entries(part)) table[Number(type)] = handler;
  }
  return table;
})();

/**
 * Response types, reserved numbers and unimplemented requests: gearmand answers
 * ERROR INVALID_COMMAND "Command not expected" and keeps the connection, and so do we.
 * SUBMIT_JOB_SCHED (35) is here because gearmand 1.1.20 never implemented it.
 */
export const NOT_EXPECTED: ReadonlySet<number> = new Set([
  5,
  T.NOOP,
  T.JOB_CREATED,
  T.NO_JOB,
  T.JOB_ASSIGN,
  T.ECHO_RES,
  T.ERROR,
  T.STATUS_RES,
  T.ALL_YOURS,
  T.OPTION_RES,
  T.JOB_ASSIGN_UNIQ,
  T.SUBMIT_JOB_SCHED,
  T.JOB_ASSIGN_ALL,
  T.STATUS_RES_UNIQUE,
]);
