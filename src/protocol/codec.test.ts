/**
 * Codec properties (issue #2 item 5): every packet type in the table round-trips through
 * encodePacket → StreamDecoder, and any split of a valid stream decodes to the same events.
 * Arguments are generated per shape: NUL-free for every argument but the last; the last one
 * (data part, or the unterminated last argument) carries arbitrary bytes, NULs included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PACKETS, type PacketSpec } from './constants.js';
import { type DecoderEvent, StreamDecoder, decodeAll } from './decoder.js';
import { encodePacket } from './encoder.js';
import { type Packet, makePacket } from './packet.js';

const REAL_TYPES: readonly PacketSpec[] = PACKETS.filter((p) => p.magic !== 'NONE');

const nulFree = fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a.map((b) => (b === 0 ? 1 : b))));
const anyBytes = fc.oneof({ weight: 4, arbitrary: fc.uint8Array({ maxLength: 48 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1000, maxLength: 5000 }) }).map((a) => Buffer.from(a));

/** A well-formed packet of any type in the table, with arguments that respect its shape. */
const packetArb: fc.Arbitrary<Packet> = fc.constantFrom(...REAL_TYPES).chain((spec) => {
  const n = spec.args.length;
  const args = n === 0 ? fc.constant([] as Buffer[]) : fc.tuple(fc.array(nulFree, { minLength: n - 1, maxLength: n - 1 }), anyBytes).map(([head, last]) => [...head, last]);
  return fc.tuple(fc.constantFrom<'REQ' | 'RES'>('REQ', 'RES'), args).map(([magic, a]) => makePacket(magic, spec.type, a));
});

/** Split points for a stream of `length` bytes, as sorted unique cut offsets. */
function splitAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    parts.push(bytes.subarray(prev, p));
    prev = p;
  }
  parts.push(bytes.subarray(prev));
  return parts;
}

/** Comparable form of decoder events (buffers as hex, errors by code and offset). */
function eventKey(e: DecoderEvent): string {
  switch (e.kind) {
    case 'packet':
      return `P ${e.packet.magic} ${e.packet.type} ${e.packet.args.map((a) => a.toString('hex')).join(',')} @${e.frame.offset}`;
    case 'text':
      return `T ${e.raw.toString('hex')} @${e.offset}`;
    case 'error':
      return `E ${e.error.code} @${e.error.offset}`;
  }
}

function decodeChunks(chunks: readonly Buffer[]): DecoderEvent[] {
  const events: DecoderEvent[] = [];
  const d = new StreamDecoder((e) => events.push(e));
  for (const c of chunks) d.push(c);
  d.end();
  return events;
}

describe('codec - round trip', () => {
  it('every type in the table: encode then decode gives the same packet', () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        const events = decodeAll(encodePacket(p));
        expect(events).toHaveLength(1);
        const e = events[0]!;
        if (e.kind !== 'packet') throw new Error(`expected a packet, got ${eventKey(e)}`);
        expect(e.packet.magic).toBe(p.magic);
        expect(e.packet.type).toBe(p.type);
        expect(e.packet.args.map((a) => a.toString('hex'))).toEqual(p.args.map((a) => a.toString('hex')));
      }),
      { numRuns: 500 },
    );
  });

  it('covers every real type of the table at least once in 500 runs', () => {
    const seen = new Set<number>();
    fc.assert(
      fc.property(packetArb, (p) => void seen.add(p.type)),
      { numRuns: 500, seed: 42 },
    );
    expect([...seen].sort((a, b) => a - b)).toEqual(REAL_TYPES.map((s) => s.type));
  });

  it('a stream of packets split at arbitrary points decodes to the same events', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (packets, cuts) => {
        const stream = Buffer.concat(packets.map(encodePacket));
        const whole = decodeChunks([stream]).map(eventKey);
        expect(whole).toHaveLength(packets.length);
        expect(decodeChunks(splitAt(stream, cuts)).map(eventKey)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('byte-by-byte delivery decodes to the same events as one chunk', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { minLength: 1, maxLength: 3 }), (packets) => {
        const stream = Buffer.concat(packets.map(encodePacket));
        const bytes = [...stream].map((b) => Buffer.from([b]));
        expect(decodeChunks(bytes).map(eventKey)).toEqual(decodeChunks([stream]).map(eventKey));
      }),
      { numRuns: 50 },
    );
  });

  it('admin text lines interleaved with binary packets decode in order, at any split', () => {
    const line = fc.stringMatching(/^[a-z][a-z0-9 ]{0,30}$/).map((s) => Buffer.from(`${s}${s.length % 2 ? '\r\n' : '\n'}`, 'latin1'));
    const item = fc.oneof(
      packetArb.map((p) => ({ kind: 'packet' as const, bytes: encodePacket(p) })),
      line.map((b) => ({ kind: 'text' as const, bytes: b })),
    );
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (items, cuts) => {
        const stream = Buffer.concat(items.map((i) => i.bytes));
        const events = decodeChunks(splitAt(stream, cuts));
        expect(events.map((e) => e.kind)).toEqual(items.map((i) => i.kind));
        events.forEach((e, i) => {
          if (e.kind === 'text') expect(e.raw.equals(items[i]!.bytes)).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('codec - aliasing', () => {
  it('decoded packets do not change when the caller overwrites its chunk buffer', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { minLength: 2, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), (packets, cuts) => {
        const stream = Buffer.concat(packets.map(encodePacket));
        const expected = decodeChunks([Buffer.from(stream)]).map(eventKey);
        const events: DecoderEvent[] = [];
        const d = new StreamDecoder((e) => events.push(e));
        // One reusable buffer, refilled for every chunk, as a socket reader might do.
        const scratch = Buffer.alloc(stream.length);
        for (const part of splitAt(stream, cuts)) {
          part.copy(scratch);
          d.push(scratch.subarray(0, part.length));
          scratch.fill(0xee);
        }
        d.end();
        expect(events.map(eventKey)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
