/**
 * Just enough of the MySQL client/server protocol for a queue store gearspec runs itself with
 * --skip-grant-tables (mariadb-store.ts): the server's greeting (readiness) and one statement
 * after a password-less login (reset). Packets are a 3-byte little-endian length, a sequence
 * number and the payload; a payload starting 0x00 is OK, 0xff is ERR (code, `#`, SQL state,
 * message).
 */
import { storeExchange } from './store-exchange.js';

const PROTOCOL_VERSION = 10;
const OK = 0x00;
const ERR = 0xff;
const COM_QUERY = 0x03;
// CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION: a 4.1 login, no database, no plugin.
const CAPABILITIES = 0x0001 | 0x0200 | 0x8000;
const UTF8MB4_GENERAL_CI = 45;
const MAX_PACKET = 16 * 1024 * 1024;

/** The payloads of the whole packets at the front of `reply`. */
function payloads(reply: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 4 <= reply.length; ) {
    const len = reply.readUIntLE(at, 3);
    if (at + 4 + len > reply.length) break;
    out.push(reply.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

function packet(sequence: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUIntLE(payload.length, 0, 3);
  head[3] = sequence;
  return Buffer.concat([head, payload]);
}

/** An ERR payload's words: `ERROR 1146 (42S02): Table ... doesn't exist`. */
function errText(p: Buffer): string {
  const code = p.length >= 3 ? p.readUInt16LE(1) : 0;
  const state = p[3] === 0x23 ? p.subarray(4, 9).toString('latin1') : '';
  const message = p.subarray(p[3] === 0x23 ? 9 : 3).toString('utf8');
  return `ERROR ${code}${state ? ` (${state})` : ''}: ${message}`;
}

/** Readiness: the server greets a new connection with protocol version 10 (an ERR greeting is not ready). */
export async function mysqlGreeting(_host: string, port: number): Promise<string> {
  const reply = await storeExchange(port, Buffer.alloc(0), (r) => payloads(r).length >= 1, 'the MySQL greeting', 2000);
  const greeting = payloads(reply)[0]!;
  if (greeting[0] === ERR) throw new Error(`the server greeted with ${errText(greeting)}`);
  if (greeting[0] !== PROTOCOL_VERSION) throw new Error(`greeting with protocol version ${greeting[0]}, not ${PROTOCOL_VERSION}`);
  return '';
}

/** Logs in as `user` with no password and runs one statement; rejects with the server's error. */
export async function mysqlQuery(port: number, user: string, sql: string): Promise<void> {
  const login = Buffer.alloc(32);
  login.writeUInt32LE(CAPABILITIES, 0);
  login.writeUInt32LE(MAX_PACKET, 4);
  login[8] = UTF8MB4_GENERAL_CI;
  const response = Buffer.concat([login, Buffer.from(`${user}\0`, 'utf8'), Buffer.from([0])]);
  const query = Buffer.concat([Buffer.from([COM_QUERY]), Buffer.from(sql, 'utf8')]);
  // The login answers the greeting (sequence 1); the query starts a new command (sequence 0). Both
  // go at once: the server reads the query once the login is done.
  const done = (r: Buffer): boolean => {
    const ps = payloads(r);
    return ps.length >= 3 || ps.slice(1).some((p) => p[0] === ERR) || ps[0]?.[0] === ERR;
  };
  const ps = payloads(await storeExchange(port, Buffer.concat([packet(1, response), packet(0, query)]), done, sql, 2000));
  const error = ps.find((p) => p[0] === ERR);
  if (error) throw new Error(`${sql}: ${errText(error)}`);
  if (ps[2]?.[0] !== OK) throw new Error(`${sql}: answered ${ps[2]?.toString('latin1') ?? 'nothing'}`);
}
