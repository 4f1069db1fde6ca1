/**
 * Routes each message: binary packets to their handler by type (arguments split per the
 * constants table, never past the body), admin lines to the admin commands, and unparseable
 * streams to a clean close. A bad packet never takes down anything but, at worst, its own
 * connection.
 */
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { PACKETS, PACKET_TYPE_LIMIT } from '../protocol/constants.js';
import { runAdmin } from './admin/commands.js';
import type { ServerCore } from './core.js';
import { HANDLERS, NOT_EXPECTED } from './handlers/index.js';
import { ERR } from './replies.js';
import type { ServerConnection } from './server-connection.js';

/** Argument count per type (0 for unknown), from the constants table. */
const ARG_COUNT: readonly number[] = PACKETS.map((p) => p.args.length);
const NO_ARGS: readonly Buffer[] = [];

/** First n-1 arguments end at a NUL, the last runs to the end of the body; undefined when too few NULs. */
function splitArgs(body: Buffer, n: number): Buffer[] | undefined {
  const args: Buffer[] = new Array<Buffer>(n);
  let start = 0;
  for (let i = 0; i < n - 1; i++) {
    const nul = body.indexOf(0, start);
    if (nul < 0) return undefined;
    args[i] = body.subarray(start, nul);
    start = nul + 1;
  }
  args[n - 1] = body.subarray(start);
  return args;
}

export function dispatchPacket(core: ServerCore, conn: ServerConnection, magic: 'REQ' | 'RES', type: number, body: Buffer): void {
  if (magic !== 'REQ') return conn.error(ERR.invalidMagic);
  if (NOT_EXPECTED.has(type)) return conn.error(ERR.notExpected);
  const handler = type < PACKET_TYPE_LIMIT ? HANDLERS[type] : undefined;
  if (!handler) return conn.error(ERR.unknownType);
  const n = ARG_COUNT[type]!;
  if (n === 0) {
    if (body.length > 0) return conn.error(ERR.unexpectedArguments);
    return handler(core, conn, NO_ARGS, body);
  }
  const args = splitArgs(body, n);
  if (!args) return conn.error(ERR.missingArguments);
  handler(core, conn, args, body);
}

export function dispatchText(core: ServerCore, conn: ServerConnection, line: string): void {
  runAdmin(core, conn, line);
}

/** Framing lost: say why in one ERROR packet, then close this connection only. */
export function dispatchFatal(core: ServerCore, conn: ServerConnection, code: ErrorCode, message: string): void {
  if (code === ERROR_CODES.TRUNCATED) return; // the peer closed mid-message; the socket is already going away
  core.log(`connection ${conn.label}: ${message}; closing it`);
  if (code === ERROR_CODES.BAD_MAGIC) conn.error(ERR.badMagic);
  else if (code === ERROR_CODES.PACKET_TOO_LARGE) conn.error(ERR.packetTooLarge);
  else if (code === ERROR_CODES.TEXT_LINE_TOO_LONG) conn.error(ERR.lineTooLong);
  conn.closeGracefully();
}
