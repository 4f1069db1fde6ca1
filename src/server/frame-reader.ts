/**
 * The server's own zero-copy stream parser. Same rules as the shared StreamDecoder
 * (src/protocol/decoder.ts): a 0x00 at a message boundary starts a 12-byte header, anything else
 * an admin line ending at "\n"; bad magic, a declared size over the limit, or an over-long line
 * are fatal. It differs only in cost: a body that lies inside one chunk is handed out as a view
 * of that chunk (no copy, no Frame/Packet objects), because the server handles ~6 packets per job
 * and per-packet garbage was a fifth of its CPU. Consumers must copy what they keep (submit does).
 * A differential test (frame-reader.test.ts) checks it against StreamDecoder on arbitrary splits.
 */
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { HEADER_SIZE } from '../protocol/constants.js';

const REQ = 0x00524551;
const RES = 0x00524553;

export interface FrameSink {
  /** One complete binary packet; `body` is only valid during the call unless copied. */
  packet(magic: 'REQ' | 'RES', type: number, body: Buffer): void;
  /** One admin line without its "\n" / "\r\n", as latin1. */
  text(line: string): void;
  /** The stream cannot be parsed further (or ended mid-message); nothing more is emitted. */
  fatal(code: ErrorCode, message: string): void;
}

type Mode = 'scan' | 'body' | 'text' | 'failed';

export class FrameReader {
  readonly #sink: FrameSink;
  readonly #maxPacket: number;
  readonly #maxLine: number;
  #mode: Mode = 'scan';
  /** Bytes of an incomplete header (fewer than 12), kept between chunks. */
  #head: Buffer | undefined;
  /** Text line collected across chunks (bounded by maxTextLineBytes). */
  #parts: Buffer[] = [];
  #partsLength = 0;
  /**
   * Body collected across chunks: a buffer that grows by doubling as bytes arrive, so memory is
   * at most twice what the peer really sent (never the declared size up front) and a body
   * trickled in one-byte reads costs one copy per byte, not one object per read.
   */
  #body: Buffer = Buffer.alloc(0);
  #bodyLength = 0;
  #bodyRemaining = 0;
  #magic: 'REQ' | 'RES' = 'REQ';
  #type = 0;

  constructor(sink: FrameSink, limits: { maxPacketBytes: number; maxTextLineBytes: number }) {
    this.#sink = sink;
    this.#maxPacket = limits.maxPacketBytes;
    this.#maxLine = limits.maxTextLineBytes;
  }

  get failed(): boolean {
    return this.#mode === 'failed';
  }

  /** Bytes held for a message not yet complete. */
  get bufferedBytes(): number {
    return (this.#head?.length ?? 0) + this.#partsLength + this.#body.length;
  }

  push(chunk: Buffer): void {
    let buf = chunk;
    let off = 0;
    if (this.#mode === 'body') {
      off = this.#continueBody(buf);
      if ((this.#mode as Mode) !== 'scan') return;
    } else if (this.#mode === 'text') {
      off = this.#continueText(buf);
      if (this.#mode === 'text' || this.#mode === 'failed') return;
    } else if (this.#mode === 'failed') return;
    if (this.#head) {
      buf = Buffer.concat([this.#head, buf.subarray(off)]);
      off = 0;
      this.#head = undefined;
    }
    this.#scan(buf, off);
  }

  /** The peer closed the stream. */
  end(): void {
    if (this.#mode === 'failed') return;
    if (this.#mode !== 'scan' || this.#head) this.#fail(ERROR_CODES.TRUNCATED, 'stream ended inside a message');
  }

  #scan(buf: Buffer, off: number): void {
    const sink = this.#sink;
    const len = buf.length;
    while (off < len) {
      if (buf[off] !== 0) {
        off = this.#line(buf, off);
        if (this.#mode !== 'scan') return;
        continue;
      }
      const avail = len - off;
      if (avail < HEADER_SIZE) {
        if (avail >= 4 && !this.#magicOk(buf.readUInt32BE(off))) return;
        this.#head = Buffer.from(buf.subarray(off)); // tiny; the chunk itself is not retained
        return;
      }
      const magic = buf.readUInt32BE(off);
      if (!this.#magicOk(magic)) return;
      const type = buf.readUInt32BE(off + 4);
      const size = buf.readUInt32BE(off + 8);
      if (size > this.#maxPacket) return this.#fail(ERROR_CODES.PACKET_TOO_LARGE, `header declares a ${size}-byte body, over the ${this.#maxPacket}-byte limit`);
      const start = off + HEADER_SIZE;
      if (len - start >= size) {
        off = start + size;
        sink.packet(magic === REQ ? 'REQ' : 'RES', type, buf.subarray(start, off));
        if (this.#mode === 'failed') return;
        continue;
      }
      this.#magic = magic === REQ ? 'REQ' : 'RES';
      this.#type = type;
      this.#mode = 'body';
      this.#body = Buffer.allocUnsafe(Math.min(size, Math.max(64 * 1024, 2 * (len - start))));
      this.#bodyLength = 0;
      this.#bodyRemaining = size;
      this.#continueBody(buf.subarray(start));
      return;
    }
  }

  #magicOk(magic: number): boolean {
    if (magic === REQ || magic === RES) return true;
    this.#fail(ERROR_CODES.BAD_MAGIC, `bad magic 0x${magic.toString(16).padStart(8, '0')}`);
    return false;
  }

  /** Returns the offset after the bytes used. */
  #continueBody(buf: Buffer): number {
    const take = Math.min(this.#bodyRemaining, buf.length);
    const need = this.#bodyLength + take;
    if (need > this.#body.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.#bodyLength + this.#bodyRemaining, Math.max(need, this.#body.length * 2)));
      this.#body.copy(grown, 0, 0, this.#bodyLength);
      this.#body = grown;
    }
    buf.copy(this.#body, this.#bodyLength, 0, take);
    this.#bodyLength = need;
    this.#bodyRemaining -= take;
    if (this.#bodyRemaining === 0) {
      const body = this.#body.subarray(0, this.#bodyLength);
      this.#body = Buffer.alloc(0);
      this.#bodyLength = 0;
      this.#mode = 'scan';
      this.#sink.packet(this.#magic, this.#type, body);
    }
    return take;
  }

  /** A text line starting at `off`; returns the offset after it (or buf.length when incomplete). */
  #line(buf: Buffer, off: number): number {
    const nl = buf.indexOf(0x0a, off);
    if (nl < 0) {
      if (buf.length - off > this.#maxLine + 1) {
        this.#fail(ERROR_CODES.TEXT_LINE_TOO_LONG, `admin text line longer than ${this.#maxLine} bytes without a newline`);
        return buf.length;
      }
      this.#mode = 'text';
      this.#parts = [Buffer.from(buf.subarray(off))];
      this.#partsLength = buf.length - off;
      return buf.length;
    }
    if (nl + 1 - off > this.#maxLine + 1) {
      this.#fail(ERROR_CODES.TEXT_LINE_TOO_LONG, `admin text line longer than ${this.#maxLine} bytes`);
      return buf.length;
    }
    this.#emitLine(buf, off, nl);
    return nl + 1;
  }

  #continueText(buf: Buffer): number {
    const nl = buf.indexOf(0x0a);
    const take = nl < 0 ? buf.length : nl + 1;
    if (this.#partsLength + take > this.#maxLine + 1) {
      this.#fail(ERROR_CODES.TEXT_LINE_TOO_LONG, `admin text line longer than ${this.#maxLine} bytes without a newline`);
      return buf.length;
    }
    // Copy while incomplete so a slow line does not pin whole chunks.
    this.#parts.push(nl < 0 ? Buffer.from(buf.subarray(0, take)) : buf.subarray(0, take));
    this.#partsLength += take;
    if (nl < 0) return take;
    const line = Buffer.concat(this.#parts, this.#partsLength);
    this.#parts = [];
    this.#partsLength = 0;
    this.#mode = 'scan';
    this.#emitLine(line, 0, line.length - 1);
    return take;
  }

  #emitLine(buf: Buffer, start: number, nl: number): void {
    const end = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl;
    this.#sink.text(buf.toString('latin1', start, end));
  }

  #fail(code: ErrorCode, message: string): void {
    this.#mode = 'failed';
    this.#parts = [];
    this.#partsLength = 0;
    this.#body = Buffer.alloc(0);
    this.#bodyLength = 0;
    this.#head = undefined;
    this.#sink.fatal(code, message);
  }
}
