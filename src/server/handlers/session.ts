/** Requests any connection may send: ECHO_REQ, OPTION_REQ, SET_CLIENT_ID, GET_STATUS, GET_STATUS_UNIQUE. */
import { LIMITS, T } from '../../protocol/constants.js';
import { ERR, ONE, ZERO } from '../replies.js';
import type { Handler } from './types.js';

const echo: Handler = (_core, conn, _args, body) => conn.packet(T.ECHO_RES, body);

/** Only `exceptions` exists; matched case-insensitively and echoed as sent, like gearmand. */
const option: Handler = (_core, conn, args) => {
  const name = args[0]!;
  if (name.length <= LIMITS.optionBytes && name.toString('latin1').toLowerCase() === 'exceptions') {
    conn.exceptions = true;
    return conn.packet(T.OPTION_RES, name);
  }
  conn.error(ERR.unknownOption);
};

/** Kept verbatim (spaces included), truncated to 127 bytes, as on gearmand. No reply. */
const setClientId: Handler = (_core, conn, args) => {
  conn.clientId = args[0]!.subarray(0, LIMITS.clientIdBytes).toString('latin1');
};

const text = (s: string): Buffer => Buffer.from(s, 'latin1');

const getStatus: Handler = (core, conn, args) => {
  const handle = args[0]!;
  const job = core.faults.wrongHandleStatus ? undefined : core.store.byHandle.get(handle.toString('latin1'));
  if (!job) return conn.packet(T.STATUS_RES, handle, ZERO, ZERO, ZERO, ZERO);
  conn.packet(T.STATUS_RES, handle, ONE, job.state === 'running' ? ONE : ZERO, text(job.numerator), text(job.denominator));
};

/** Answers with the unique echoed back (not the handle) and the count of waiting clients, like gearmand. */
const getStatusUnique: Handler = (core, conn, args) => {
  const unique = args[0]!;
  const job = core.store.byUnique(unique.toString('latin1'));
  if (!job) return conn.packet(T.STATUS_RES_UNIQUE, unique, ZERO, ZERO, ZERO, ZERO, ZERO);
  const running = job.state === 'running' ? ONE : ZERO;
  conn.packet(T.STATUS_RES_UNIQUE, unique, ONE, running, text(job.numerator), text(job.denominator), text(String(job.clients.length)));
};

export const SESSION_HANDLERS: Readonly<Record<number, Handler>> = {
  [T.ECHO_REQ]: echo,
  [T.OPTION_REQ]: option,
  [T.SET_CLIENT_ID]: setClientId,
  [T.GET_STATUS]: getStatus,
  [T.GET_STATUS_UNIQUE]: getStatusUnique,
};
