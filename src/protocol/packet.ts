/** Packets as values, and the argument rules of each type (derived from constants.ts). */
import { ERROR_CODES, ProtocolError } from '../errors.js';
import { type Magic, packetName, packetSpec, T } from './constants.js';
import { hexPreview } from './hex.js';

/** One binary packet. `args` holds one Buffer per argument in the table, data part last. */
export interface Packet {
  readonly magic: Magic;
  readonly type: number;
  readonly args: readonly Buffer[];
}

/** A complete binary frame before its body is split into arguments. */
export interface Frame {
  readonly magic: Magic;
  readonly type: number;
  readonly body: Buffer;
  /** Stream offset of the frame's first byte. */
  readonly offset: number;
}

export type Arg = Buffer | string | number;

export function toBuffer(arg: Arg): Buffer {
  if (Buffer.isBuffer(arg)) return arg;
  return Buffer.from(typeof arg === 'number' ? String(arg) : arg, 'utf8');
}

export function makePacket(magic: Magic, type: number, args: readonly Arg[] = []): Packet {
  return { magic, type, args: args.map(toBuffer) };
}
export const req = (type: number, ...args: Arg[]): Packet => makePacket('REQ', type, args);
export const res = (type: number, ...args: Arg[]): Packet => makePacket('RES', type, args);

/**
 * Split a body into the type's arguments: the first n-1 end at a NUL, the last runs to the end
 * of the body (and may hold NULs, as in gearmand for both shapes). Never reads past the body,
 * unlike gearmand 1.1.20 (spec §1.2).
 */
export function splitArgs(frame: Frame): Buffer[] {
  const spec = packetSpec(frame.type);
  if (!spec) {
    throw new ProtocolError(ERROR_CODES.UNKNOWN_TYPE, `unknown packet type ${frame.type}`, { offset: frame.offset, preview: hexPreview(frame.body), recoverable: true });
  }
  const n = spec.args.length;
  if (n === 0) {
    if (frame.body.length > 0) {
      throw new ProtocolError(ERROR_CODES.WRONG_ARGUMENT_COUNT, `${spec.name} takes no arguments but has a ${frame.body.length}-byte body`, {
        offset: frame.offset,
        preview: hexPreview(frame.body),
        recoverable: true,
      });
    }
    return [];
  }
  const args: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < n - 1; i++) {
    const nul = frame.body.indexOf(0, start);
    if (nul < 0) {
      throw new ProtocolError(ERROR_CODES.SHORT_ARGUMENTS, `${spec.name} needs ${n} arguments (${spec.args.join(', ')}) but its body has only ${i + 1}`, {
        offset: frame.offset,
        preview: hexPreview(frame.body),
        recoverable: true,
      });
    }
    args.push(frame.body.subarray(start, nul));
    start = nul + 1;
  }
  args.push(frame.body.subarray(start));
  return args;
}

export function frameToPacket(frame: Frame): Packet {
  return { magic: frame.magic, type: frame.type, args: splitArgs(frame) };
}

/** Argument by table name, e.g. arg(p, 'handle'). Throws on a name the type does not have. */
export function arg(packet: Packet, name: string): Buffer {
  const spec = packetSpec(packet.type);
  const i = spec ? spec.args.indexOf(name) : -1;
  if (i < 0 || i >= packet.args.length) throw new TypeError(`${packetName(packet.type)} has no argument ${name}`);
  return packet.args[i]!;
}

const BYTE_NAMES: Readonly<Record<number, string>> = { 0: 'NUL', 9: 'TAB', 10: 'LF', 13: 'CR' };
const isPrintable = (b: number): boolean => b >= 0x20 && b < 0x7f;

/**
 * One argument for a person: printable runs quoted and other bytes named between them
 * (`"H:vm:142"+NUL`), because a handle or a function name with one stray byte is still text and
 * hex hides what it says; an argument that is mostly bytes (a payload) stays hex.
 */
function showArg(a: Buffer, maxArg: number): string {
  const cut = a.subarray(0, maxArg);
  const printable = cut.reduce((n, b) => n + (isPrintable(b) ? 1 : 0), 0);
  if (cut.length > 0 && printable < cut.length / 2) return `0x${hexPreview(a, 0, Math.floor(maxArg / 3)).replace(/ /g, '')}`;
  const parts: string[] = [];
  let run = '';
  for (const b of cut) {
    if (isPrintable(b)) {
      run += String.fromCharCode(b);
      continue;
    }
    if (run) parts.push(JSON.stringify(run));
    run = '';
    parts.push(BYTE_NAMES[b] ?? `0x${b.toString(16).padStart(2, '0')}`);
  }
  if (run || parts.length === 0) parts.push(JSON.stringify(run));
  return parts.join('+');
}

/** One-line readable description, for logs and failure messages. */
export function describePacket(packet: Packet, maxArg = 40): string {
  const spec = packetSpec(packet.type);
  const parts = packet.args.map((a, i) => {
    const label = spec?.args[i] ?? `arg${i}`;
    return `${label}=${showArg(a, maxArg)}${a.length > maxArg ? `(${a.length}B)` : ''}`;
  });
  return `${packet.magic} ${packetName(packet.type)}(${parts.join(', ')})`;
}

export { T };
