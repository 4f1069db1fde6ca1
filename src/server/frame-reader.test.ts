import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { T } from '../protocol/constants.js';
import { StreamDecoder } from '../protocol/decoder.js';
import { encodeFrame } from '../protocol/encoder.js';
import { FrameReader } from './frame-reader.js';

type Event = { kind: 'packet'; magic: string; type: number; body: string } | { kind: 'text'; line: string } | { kind: 'fatal'; code: ErrorCode };

const LIMITS = { maxPacketBytes: 4096, maxTextLineBytes: 64 };

function viaReader(chunks: readonly Buffer[], end = true): Event[] {
  const out: Event[] = [];
  const r = new FrameReader(
    {
      // Copy: bodies are views that are only valid during the call.
      packet: (magic, type, body) => out.push({ kind: 'packet', magic, type, body: body.toString('hex') }),
      text: (line) => out.push({ kind: 'text', line }),
      fatal: (code) => out.push({ kind: 'fatal', code }),
    },
    LIMITS,
  );
  for (const c of chunks) r.push(c);
  if (end) r.end();
  return out;
}

/** The shared decoder's view of the same stream, in the same event vocabulary. */
function viaDecoder(chunks: readonly Buffer[]): Event[] {
  const out: Event[] = [];
  const d = new StreamDecoder((e) => {
    if (e.kind === 'text') out.push({ kind: 'text', line: e.line });
    else if (e.kind === 'packet') out.push({ kind: 'packet', magic: e.frame.magic, type: e.frame.type, body: e.frame.body.toString('hex') });
    else if (e.frame) out.push({ kind: 'packet', magic: e.frame.magic, type: e.frame.type, body: e.frame.body.toString('hex') });
    else out.push({ kind: 'fatal', code: e.error.code });
  }, LIMITS);
  for (const c of chunks) d.push(c);
  d.end();
  return out;
}

function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(last, p));
    last = p;
  }
  chunks.push(bytes.subarray(last));
  return chunks.filter((c) => c.length > 0);
}

const message = fc.oneof(
  fc.record({ type: fc.integer({ min: 0, max: 60 }), body: fc.uint8Array({ maxLength: 300 }), res: fc.boolean() }).map(({ type, body, res }) => encodeFrame(res ? 'RES' : 'REQ', type, body)),
  fc.stringMatching(/^[a-z][a-z ]{0,40}$/).map((line) => Buffer.from(`${line}\r\n`)),
  fc.constantFrom(Buffer.from('status\n'), Buffer.from('\n'), Buffer.from('x'.repeat(70) + '\n'), encodeFrame('REQ', T.ECHO_REQ, Buffer.alloc(0), 5000), Buffer.from('0058595a00000010', 'hex')),
);

describe('FrameReader', () => {
  it('agrees with the shared StreamDecoder on any messages at any split points', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), (messages, cuts) => {
        const bytes = Buffer.concat(messages);
        expect(viaReader(split(bytes, cuts))).toEqual(viaDecoder(split(bytes, cuts)));
      }),
      { numRuns: 400 },
    );
  });

  it('hands out a one-chunk body without copying', () => {
    const chunk = encodeFrame('REQ', T.ECHO_REQ, Buffer.from('abc'));
    let seen: Buffer | undefined;
    const r = new FrameReader({ packet: (_m, _t, body) => (seen = body), text: () => {}, fatal: () => {} }, LIMITS);
    r.push(chunk);
    expect(seen?.buffer).toBe(chunk.buffer);
  });

  it('reports fatal errors: bad magic, oversize header, long line, truncation', () => {
    expect(viaReader([Buffer.from('0058595a', 'hex')])).toEqual([{ kind: 'fatal', code: ERROR_CODES.BAD_MAGIC }]);
    expect(viaReader([encodeFrame('REQ', 16, Buffer.alloc(0), 0xffffffff)])).toEqual([{ kind: 'fatal', code: ERROR_CODES.PACKET_TOO_LARGE }]);
    expect(viaReader([Buffer.alloc(100, 0x61)])).toEqual([{ kind: 'fatal', code: ERROR_CODES.TEXT_LINE_TOO_LONG }]);
    expect(viaReader([Buffer.from('0052455100', 'hex')])).toEqual([{ kind: 'fatal', code: ERROR_CODES.TRUNCATED }]);
    expect(viaReader([encodeFrame('REQ', 16, Buffer.from('ab')).subarray(0, 13)])).toEqual([{ kind: 'fatal', code: ERROR_CODES.TRUNCATED }]);
  });

  it('keeps memory proportional to what arrived when a large body trickles in', () => {
    const r = new FrameReader({ packet: () => {}, text: () => {}, fatal: () => {} }, { maxPacketBytes: 64 * 1024 * 1024, maxTextLineBytes: 64 });
    r.push(encodeFrame('REQ', T.ECHO_REQ, Buffer.alloc(0), 60 * 1024 * 1024));
    for (let i = 0; i < 1000; i++) r.push(Buffer.from([i & 0xff]));
    expect(r.bufferedBytes).toBeLessThanOrEqual(128 * 1024);
    for (let i = 0; i < 200; i++) r.push(Buffer.alloc(64 * 1024));
    expect(r.bufferedBytes).toBeLessThanOrEqual(2 * (1000 + 200 * 64 * 1024));
  });
});
