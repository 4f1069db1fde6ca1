/**
 * Decoder robustness (issue #2 item 5): arbitrary byte streams either decode or yield the typed
 * ProtocolError (stable code, offset, preview), never any other exception; the decoder never
 * buffers more than its configured limits; and the outcome does not depend on how the stream
 * was split.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ProtocolError } from '../errors.js';
import { HEADER_SIZE } from './constants.js';
import { type DecoderEvent, type DecoderOptions, StreamDecoder } from './decoder.js';
import { encodeFrame } from './encoder.js';

const LIMITS: DecoderOptions = { maxPacketBytes: 64, maxTextLineBytes: 32 };
const STABLE_CODES = new Set<string>(Object.values(ERROR_CODES));

function cut(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

const key = (e: DecoderEvent): string =>
  e.kind === 'packet' ? `P${e.packet.type}:${e.packet.args.map((a) => a.toString('hex')).join(',')}` : e.kind === 'text' ? `T${e.raw.toString('hex')}` : `E${e.error.code}@${e.error.offset}`;

/** Feed chunks, checking after every push that nothing escaped and the buffer stayed bounded. */
function feed(chunks: readonly Buffer[], options: DecoderOptions): DecoderEvent[] {
  const events: DecoderEvent[] = [];
  const d = new StreamDecoder((e) => events.push(e), options);
  const bound = Math.max(options.maxPacketBytes!, options.maxTextLineBytes! + 1) + HEADER_SIZE;
  for (const c of chunks) {
    d.push(c);
    expect(d.bufferedBytes).toBeLessThanOrEqual(bound);
  }
  d.end();
  return events;
}

/** Streams that mix valid frames, near-valid frames and noise, so every decoder state is hit. */
const streamPiece = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  fc.tuple(fc.constantFrom<'REQ' | 'RES'>('REQ', 'RES'), fc.integer({ min: 0, max: 50 }), fc.uint8Array({ maxLength: 80 })).map(([m, t, b]) => encodeFrame(m, t, b)),
  fc.tuple(fc.integer({ min: 0, max: 45 }), fc.uint8Array({ maxLength: 20 }), fc.integer({ min: 0, max: 0xffffffff })).map(([t, b, size]) => encodeFrame('REQ', t, b, size)),
  fc.stringMatching(/^[a-z ]{0,40}\r?\n$/).map((s) => Buffer.from(s, 'latin1')),
  fc.constant(Buffer.from([0x00, 0x58, 0x59, 0x5a])),
);

describe('decoder - arbitrary input', () => {
  it('every event is a packet, a text line or a typed ProtocolError with a stable code, offset and preview', () => {
    fc.assert(
      fc.property(fc.array(streamPiece, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (pieces, cuts) => {
        const stream = Buffer.concat(pieces);
        for (const e of feed(cut(stream, cuts), LIMITS)) {
          if (e.kind !== 'error') continue;
          expect(e.error).toBeInstanceOf(ProtocolError);
          expect(STABLE_CODES.has(e.error.code)).toBe(true);
          expect(e.error.offset).toBeGreaterThanOrEqual(0);
          expect(e.error.offset).toBeLessThanOrEqual(stream.length);
          expect(typeof e.error.preview).toBe('string');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('the events do not depend on how the stream was split', () => {
    fc.assert(
      fc.property(fc.array(streamPiece, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (pieces, cuts) => {
        const stream = Buffer.concat(pieces);
        expect(feed(cut(stream, cuts), LIMITS).map(key)).toEqual(feed([stream], LIMITS).map(key));
      }),
      { numRuns: 1000 },
    );
  });

  it('pure noise never throws and never buffers past the limit, byte by byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (noise) => {
        const bytes = [...noise].map((b) => Buffer.from([b]));
        feed(bytes, LIMITS);
      }),
      { numRuns: 300 },
    );
  });

  it('a declared size over the limit fails before any body byte is buffered', () => {
    const events = feed([encodeFrame('REQ', 16, Buffer.alloc(0), 65)], LIMITS);
    expect(events.map(key)).toEqual([`E${ERROR_CODES.PACKET_TOO_LARGE}@0`]);
  });

  it('a fatal error stops decoding: later valid bytes produce nothing', () => {
    const events = feed([Buffer.from([0x00, 0x58, 0x59, 0x5a]), encodeFrame('REQ', 16, Buffer.from('hi'))], LIMITS);
    expect(events.map(key)).toEqual([`E${ERROR_CODES.BAD_MAGIC}@0`]);
  });

  it('a recoverable error (unknown type) is reported with its offset and decoding continues', () => {
    const a = encodeFrame('REQ', 99, Buffer.alloc(0));
    const events = feed([a, encodeFrame('REQ', 16, Buffer.from('hi'))], LIMITS);
    expect(events.map(key)).toEqual([`E${ERROR_CODES.UNKNOWN_TYPE}@0`, `P16:${Buffer.from('hi').toString('hex')}`]);
    const err = events[0]!.kind === 'error' ? events[0]!.error : undefined;
    expect(err?.recoverable).toBe(true);
  });

  it('a text line over the limit is a typed TEXT_LINE_TOO_LONG error at the line start', () => {
    const events = feed([Buffer.from('status\n'), Buffer.from('x'.repeat(40))], LIMITS);
    expect(events.map(key)).toEqual([`T${Buffer.from('status\n').toString('hex')}`, `E${ERROR_CODES.TEXT_LINE_TOO_LONG}@7`]);
  });

  it('a stream that ends inside a packet reports TRUNCATED at the packet start', () => {
    const frame = encodeFrame('REQ', 16, Buffer.from('hello'));
    const events = feed([Buffer.from('version\n'), frame.subarray(0, 14)], LIMITS);
    expect(events.map(key)).toEqual([`T${Buffer.from('version\n').toString('hex')}`, `E${ERROR_CODES.TRUNCATED}@8`]);
  });
});
