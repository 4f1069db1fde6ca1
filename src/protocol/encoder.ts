/** Packet encoder. `encodePacket` enforces the table's argument rules; `encodeFrame` does not. */
import { ERROR_CODES, ProtocolError } from '../errors.js';
import { HEADER_SIZE, MAGIC, type Magic, packetName, packetSpec } from './constants.js';
import type { Packet } from './packet.js';

/** Raw frame: any magic bytes, any type, any body. For deliberately bad input. */
export function encodeFrame(magic: Magic | Uint8Array, type: number, body: Uint8Array, declaredSize = body.length): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE + body.length);
  Buffer.from(typeof magic === 'string' ? MAGIC[magic] : magic).copy(out, 0, 0, 4);
  out.writeUInt32BE(type >>> 0, 4);
  out.writeUInt32BE(declaredSize >>> 0, 8);
  Buffer.from(body.buffer, body.byteOffset, body.byteLength).copy(out, HEADER_SIZE);
  return out;
}

/** Join arguments with single NULs (no NUL after the last). */
export function joinArgs(args: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  args.forEach((a, i) => {
    if (i > 0) parts.push(Buffer.from([0]));
    parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  });
  return Buffer.concat(parts);
}

export function encodePacket(packet: Packet): Buffer {
  const spec = packetSpec(packet.type);
  if (!spec) throw new ProtocolError(ERROR_CODES.UNKNOWN_TYPE, `cannot encode unknown type ${packet.type}`, { offset: 0 });
  if (packet.args.length !== spec.args.length) {
    throw new ProtocolError(ERROR_CODES.WRONG_ARGUMENT_COUNT, `${spec.name} takes ${spec.args.length} arguments (${spec.args.join(', ')}), got ${packet.args.length}`, { offset: 0 });
  }
  for (let i = 0; i < packet.args.length - 1; i++) {
    if (packet.args[i]!.includes(0)) {
      throw new ProtocolError(ERROR_CODES.NUL_IN_ARGUMENT, `${packetName(packet.type)} argument ${spec.args[i]} contains a NUL byte; only the last argument may`, { offset: 0 });
    }
  }
  return encodeFrame(packet.magic, packet.type, joinArgs(packet.args));
}
