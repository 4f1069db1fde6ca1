/**
 * The wire-schema check applied to every packet a server sends (after the MCP conformance suite's
 * `wire-schema-valid` check): RES magic, a known type the server may send, and the table's argument count.
 * The decoder already rejects bodies with too few NULs; this adds what it lets through.
 */
import { packetName, packetSpec } from '../protocol/constants.js';
import type { Packet } from '../protocol/packet.js';

/** Violations of the protocol table by one server packet; empty when it is well formed. */
export function checkServerPacket(packet: Packet): string[] {
  const out: string[] = [];
  const spec = packetSpec(packet.type);
  const name = packetName(packet.type);
  if (packet.magic !== 'RES') out.push(`${name} sent with \\0${packet.magic} magic; a server sends only \\0RES (spec §1.1)`);
  if (!spec) {
    out.push(`unknown packet type ${packet.type} (spec §2)`);
    return out;
  }
  if (spec.magic !== 'RES' && spec.magic !== 'BOTH') out.push(`${name} is a request type; a server never sends it (spec §2)`);
  if (packet.args.length !== spec.args.length) out.push(`${name} has ${packet.args.length} arguments, the table says ${spec.args.length} (${spec.args.join(', ')})`);
  // For "n" shapes the last argument runs to the end of the body; a NUL in it means the server
  // sent more arguments than the type has (e.g. a trailing NUL after the handle).
  if (!spec.data && spec.args.length > 0) {
    const last = packet.args[packet.args.length - 1];
    if (last?.includes(0)) out.push(`${name} has extra NUL-separated bytes after its last argument ${spec.args[spec.args.length - 1]} (more arguments than the table's ${spec.args.length})`);
  }
  return out;
}

/** Who sent a request packet: decides which request types are in place. */
export type RequestSender = 'client' | 'worker';

const SENDER_DIRECTIONS: Readonly<Record<RequestSender, readonly string[]>> = {
  client: ['client->server', 'any->server'],
  worker: ['worker->server', 'any->server', 'worker<->client'],
};

/**
 * Violations of the protocol table by one packet a client or worker library sent (the
 * request-side check): \0REQ magic, a known type that this role may send, the table's argument
 * count, and no NUL inside a last argument that is not a data part. Empty when well formed.
 */
export function checkRequestPacket(packet: Packet, sender: RequestSender): string[] {
  const out: string[] = [];
  const spec = packetSpec(packet.type);
  const name = packetName(packet.type);
  if (packet.magic !== 'REQ') out.push(`${name} sent with \\0${packet.magic} magic; a ${sender} sends only \\0REQ (spec §1.1)`);
  if (!spec) {
    out.push(`unknown packet type ${packet.type} (spec §2)`);
    return out;
  }
  if (spec.magic === 'RES') out.push(`${name} is a server reply type; a ${sender} never sends it (spec §2)`);
  else if (!SENDER_DIRECTIONS[sender].includes(spec.direction)) out.push(`${name} is sent by a ${spec.direction.split('->')[0]}, not by a ${sender} (spec §2)`);
  if (packet.args.length !== spec.args.length) out.push(`${name} has ${packet.args.length} arguments, the table says ${spec.args.length} (${spec.args.join(', ')})`);
  if (!spec.data && spec.args.length > 0) {
    const last = packet.args[packet.args.length - 1];
    if (last?.includes(0)) out.push(`${name} has extra NUL-separated bytes after its last argument ${spec.args[spec.args.length - 1]} (more arguments than the table's ${spec.args.length})`);
  }
  return out;
}
