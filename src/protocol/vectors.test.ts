/**
 * Table-driven wire vectors from gearspec's spec (docs/spec.md; exact bytes observed on C
 * gearmand 1.1.20 and Perl Gearman::Server 1.130). Each vector runs whole, byte by byte, and
 * at split points chosen by fast-check; vectors for requests also re-encode to the same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { T } from './constants.js';
import { type DecoderEvent, StreamDecoder } from './decoder.js';
import { encodePacket } from './encoder.js';
import { fromHex } from './hex.js';
import { makePacket } from './packet.js';

interface Vector {
  readonly name: string;
  readonly hex: string;
  /** Expected events: a packet (magic, type, args as latin1) or a text line. */
  readonly events: readonly ({ magic: 'REQ' | 'RES'; type: number; args: readonly string[] } | { line: string })[];
}

const VECTORS: readonly Vector[] = [
  {
    name: 'SUBMIT_JOB reverse, empty unique, data test (§1.1)',
    hex: '00 52 45 51 00 00 00 07 00 00 00 0d 72 65 76 65 72 73 65 00 00 74 65 73 74',
    events: [{ magic: 'REQ', type: T.SUBMIT_JOB, args: ['reverse', '', 'test'] }],
  },
  { name: 'GRAB_JOB, empty body (§1.1)', hex: '00 52 45 51 00 00 00 09 00 00 00 00', events: [{ magic: 'REQ', type: T.GRAB_JOB, args: [] }] },
  {
    name: 'C STATUS_RES for a queued job (§5 row 1)',
    hex: '00 52 45 53 00 00 00 14 00 00 00 0e 48 3a 76 6d 3a 31 00 31 00 30 00 30 00 30',
    events: [{ magic: 'RES', type: T.STATUS_RES, args: ['H:vm:1', '1', '0', '0', '0'] }],
  },
  {
    name: 'Perl STATUS_RES with empty progress (§5 row 1)',
    hex: '00 52 45 53 00 00 00 14 00 00 00 0c 48 3a 76 6d 3a 31 00 31 00 30 00 00',
    events: [{ magic: 'RES', type: T.STATUS_RES, args: ['H:vm:1', '1', '0', '', ''] }],
  },
  { name: 'Perl WORK_FAIL on worker death (§5 row 2)', hex: '00 52 45 53 00 00 00 0e 00 00 00 07 48 3a 76 6d 3a 32 30', events: [{ magic: 'RES', type: T.WORK_FAIL, args: ['H:vm:20'] }] },
  {
    name: 'C WORK_FAIL with trailing NUL for an exception (§5 row 3)',
    hex: '00 52 45 53 00 00 00 0e 00 00 00 08 48 3a 76 6d 3a 32 37 00',
    events: [{ magic: 'RES', type: T.WORK_FAIL, args: ['H:vm:27\0'] }],
  },
  {
    name: 'WORK_EXCEPTION request (§5 row 3)',
    hex: '00 52 45 51 00 00 00 19 00 00 00 0c 48 3a 76 6d 3a 32 37 00 62 6f 6f 6d',
    events: [{ magic: 'REQ', type: T.WORK_EXCEPTION, args: ['H:vm:27', 'boom'] }],
  },
  { name: 'OPTION_REQ bogus (§5 row 4)', hex: '00 52 45 51 00 00 00 1a 00 00 00 05 62 6f 67 75 73', events: [{ magic: 'REQ', type: T.OPTION_REQ, args: ['bogus'] }] },
  {
    name: 'Perl ERROR unknown_option with empty text (§5 row 4)',
    hex: '00 52 45 53 00 00 00 13 00 00 00 0f 75 6e 6b 6e 6f 77 6e 5f 6f 70 74 69 6f 6e 00',
    events: [{ magic: 'RES', type: T.ERROR, args: ['unknown_option', ''] }],
  },
  { name: 'ECHO_REQ with RES magic (§5 row 5)', hex: '00 52 45 53 00 00 00 10 00 00 00 02 68 69', events: [{ magic: 'RES', type: T.ECHO_REQ, args: ['hi'] }] },
  {
    name: 'WORK_COMPLETE for an unknown handle (§5 row 10)',
    hex: '00 52 45 51 00 00 00 0d 00 00 00 0e 48 3a 6e 6f 68 6f 73 74 3a 37 37 37 00 78',
    events: [{ magic: 'REQ', type: T.WORK_COMPLETE, args: ['H:nohost:777', 'x'] }],
  },
  {
    name: 'C ERROR JOB_NOT_FOUND (§4.13)',
    hex: `00 52 45 53 00 00 00 13 00 00 00 30 ${Buffer.from('JOB_NOT_FOUND\0Job given in work result not found').toString('hex')}`,
    events: [{ magic: 'RES', type: T.ERROR, args: ['JOB_NOT_FOUND', 'Job given in work result not found'] }],
  },
  { name: 'Perl ERROR not_worker (§4.13)', hex: '00 52 45 53 00 00 00 13 00 00 00 0b 6e 6f 74 5f 77 6f 72 6b 65 72 00', events: [{ magic: 'RES', type: T.ERROR, args: ['not_worker', ''] }] },
  {
    name: 'OPTION_RES exceptions (§4.9)',
    hex: `00 52 45 53 00 00 00 1b 00 00 00 0a ${Buffer.from('exceptions').toString('hex')}`,
    events: [{ magic: 'RES', type: T.OPTION_RES, args: ['exceptions'] }],
  },
  { name: 'GET_STATUS with a 6-byte handle (§5 row 1)', hex: '00 52 45 51 00 00 00 0f 00 00 00 06 48 3a 76 6d 3a 31', events: [{ magic: 'REQ', type: T.GET_STATUS, args: ['H:vm:1'] }] },
  { name: 'unknown type 99 with empty body (§5 row 7) is a recoverable error', hex: '00 52 45 51 00 00 00 63 00 00 00 00', events: [] },
  { name: 'text version reply, C (§5 row 23)', hex: '4f 4b 20 31 2e 31 2e 32 30 2b 64 73 0a', events: [{ line: 'OK 1.1.20+ds' }] },
  { name: 'text version reply, Perl (§5 row 23)', hex: '76 31 2e 31 33 30 2e 31 0a', events: [{ line: 'v1.130.1' }] },
  {
    name: 'text ERR with CRLF (§5 row 24)',
    hex: Buffer.from('ERR UNKNOWN_COMMAND Unknown+server+commandfoo\r\n').toString('hex'),
    events: [{ line: 'ERR UNKNOWN_COMMAND Unknown+server+commandfoo' }],
  },
  { name: 'C workers list, idle admin connection (§5 row 26)', hex: '33 37 20 31 32 37 2e 30 2e 30 2e 31 20 2d 20 3a 0a 2e 0a', events: [{ line: '37 127.0.0.1 - :' }, { line: '.' }] },
  {
    name: 'three text commands, a binary ECHO, then text again (§1.4)',
    hex: Buffer.concat([Buffer.from('status\nworkers\nversion\n'), fromHex('00 52 45 51 00 00 00 10 00 00 00 02 68 69'), Buffer.from('status\n')]).toString('hex'),
    events: [{ line: 'status' }, { line: 'workers' }, { line: 'version' }, { magic: 'REQ', type: T.ECHO_REQ, args: ['hi'] }, { line: 'status' }],
  },
];

function decode(chunks: readonly Buffer[]): DecoderEvent[] {
  const out: DecoderEvent[] = [];
  const d = new StreamDecoder((e) => out.push(e));
  for (const c of chunks) d.push(c);
  d.end();
  return out;
}

function check(v: Vector, events: readonly DecoderEvent[]): void {
  const good = events.filter((e) => e.kind !== 'error');
  expect(
    good.map((e) => (e.kind === 'packet' ? { magic: e.packet.magic, type: e.packet.type, args: e.packet.args.map((a) => a.toString('latin1')) } : e.kind === 'text' ? { line: e.line } : null)),
  ).toEqual(v.events);
  // Only the deliberately unknown type produces an error event, and it is recoverable.
  for (const e of events) if (e.kind === 'error') expect(e.error.recoverable).toBe(true);
}

function splits(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const pts = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of pts) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

describe('wire vectors from the spec (docs/spec.md)', () => {
  for (const v of VECTORS) {
    const bytes = fromHex(v.hex);
    it(`${v.name} - whole`, () => check(v, decode([bytes])));
    it(`${v.name} - byte by byte`, () => check(v, decode([...bytes].map((b) => Buffer.from([b])))));
    it(`${v.name} - fast-check split points`, () => {
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => check(v, decode(splits(bytes, cuts)))),
        { numRuns: 100 },
      );
    });
    const only = v.events.length === 1 ? v.events[0] : undefined;
    if (only && 'type' in only) {
      it(`${v.name} - re-encodes to the same bytes`, () => {
        expect(
          encodePacket(
            makePacket(
              only.magic,
              only.type,
              only.args.map((a) => Buffer.from(a, 'latin1')),
            ),
          ).toString('hex'),
        ).toBe(bytes.toString('hex'));
      });
    }
  }
});
