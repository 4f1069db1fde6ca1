/**
 * Routes each message: binary packets to their handler by type (arguments split per the
 * constants table, never past the body), admin lines to the admin commands, and unparseable
 * streams to a clean close. A bad packet never takes down anything but, at worst, its own
 * connection.
 */
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { PACKETS, PACKET_TYPE_LIMIT, T } from '../protocol/constants.js';
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

/**
 * Worker result packets whose missing trailing arguments are read as empty instead of refused:
 * Perl's Gearman::Worker sends WORK_COMPLETE / DATA / WARNING / EXCEPTION without the separator
 * when the data is "" or "0", and WORK_STATUS without the denominator (README.md, "Tolerated
 * library quirks"). gearmand answers no ERROR to these; an ERROR would make that worker die.
 */
const PAD_MISSING: ReadonlySet<number> = new Set([T.WORK_COMPLETE, T.WORK_DATA, T.WORK_WARNING, T.WORK_EXCEPTION, T.WORK_STATUS]);
const NUL = Buffer.from([0]);

/** The arguments there are, then empty ones up to n, and the body re-encoded with every separator. */
function padArgs(body: Buffer, n: number): { args: Buffer[]; body: Buffer } {
  const args: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < n - 1; i++) {
    const nul = body.indexOf(0, start);
    if (nul < 0) break;
    args.push(body.subarray(start, nul));
    start = nul + 1;
  }
  args.push(body.subarray(start));
  while (args.length < n) args.push(Buffer.alloc(0));
  const parts: Buffer[] = [];
  for (const [i, a] of args.entries()) parts.push(...(i > 0 ? [NUL, a] : [a]));
  return { args, body: Buffer.concat(parts) };
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
  if (args) return handler(core, conn, args, body);
  if (!PAD_MISSING.has(type)) return conn.error(ERR.missingArguments);
  const padded = padArgs(body, n);
  handler(core, conn, padded.args, padded.body);
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
