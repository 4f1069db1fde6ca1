/**
 * Push-style streaming decoder for one Gearman byte stream (one direction of one connection).
 *
 * `push(chunk)` accepts any split or coalescing of the stream and emits, in order, one event per
 * binary packet or admin text line. At each message boundary the first byte decides: 0x00 starts
 * a 12-byte binary header, anything else starts a text line ending at "\n" (spec §1.4).
 *
 * It never trusts a declared size: a header whose size exceeds `maxPacketBytes` is an error
 * before any body byte is buffered, and a body is kept as the chunks that arrived (joined once,
 * when complete), so memory is bounded by what the peer really sent, up to the limit.
 */
import { ERROR_CODES, ProtocolError } from '../errors.js';
import { HEADER_SIZE, LIMITS, MAGIC, type Magic } from './constants.js';
import { hexPreview } from './hex.js';
import { type Frame, type Packet, frameToPacket } from './packet.js';

/**
 * The frame-level sink: called once per complete binary frame or admin line, with no per-message
 * objects. The server uses this directly (it splits arguments itself, per packet type); everyone
 * else uses StreamDecoder's events. `body` is a view that lives as long as the pushed chunk.
 */
interface FrameSink {
  frame(magic: Magic, type: number, body: Buffer, offset: number): void;
  text(line: string, raw: Buffer, offset: number): void;
  /** Always fatal here: nothing more is decoded after it. */
  error(error: ProtocolError): void;
}

export type DecoderEvent =
  | { readonly kind: 'packet'; readonly packet: Packet; readonly frame: Frame }
  | { readonly kind: 'text'; readonly line: string; readonly raw: Buffer; readonly offset: number }
  /** A malformed message. `frame` is present when the framing was intact (unknown type, bad args). */
  | { readonly kind: 'error'; readonly error: ProtocolError; readonly frame?: Frame };

export interface DecoderOptions {
  /** Largest body accepted; larger declared sizes are a fatal PACKET_TOO_LARGE. */
  maxPacketBytes?: number;
  /** Longest admin line accepted without a newline; longer is a fatal TEXT_LINE_TOO_LONG. */
  maxTextLineBytes?: number;
  /** Whether admin text lines are allowed at all (false: a non-zero first byte is BAD_MAGIC). */
  allowText?: boolean;
  /**
   * Keep views into pushed chunks instead of copying them. Only safe when the caller never
   * reuses a chunk after push() — true for Node socket 'data' chunks, which is where it pays:
   * copying every body was a large share of the reference server's time per job.
   */
  zeroCopy?: boolean;
}

type State = 'boundary' | 'header' | 'body' | 'text' | 'failed';

/** The state machine: framing only (magic, header, size limit, text lines). */
export class FrameDecoder {
  readonly #sink: FrameSink;
  readonly #maxPacket: number;
  readonly #maxLine: number;
  readonly #allowText: boolean;
  readonly #zeroCopy: boolean;
  #state: State = 'boundary';
  /** Stream offset of the next byte to be pushed. */
  #offset = 0;
  /** Stream offset where the current message started. */
  #messageStart = 0;
  readonly #header = Buffer.alloc(HEADER_SIZE);
  #headerFill = 0;
  #magic: Magic = 'REQ';
  #type = 0;
  #bodyRemaining = 0;
  #parts: Buffer[] = [];
  #partsLength = 0;

  constructor(sink: FrameSink, options: DecoderOptions = {}) {
    this.#sink = sink;
    this.#maxPacket = options.maxPacketBytes ?? LIMITS.maxPacketBytes;
    this.#maxLine = options.maxTextLineBytes ?? LIMITS.maxTextLineBytes;
    this.#allowText = options.allowText ?? true;
    this.#zeroCopy = options.zeroCopy ?? false;
  }

  get failed(): boolean {
    return this.#state === 'failed';
  }

  /** True when no partial message is buffered. */
  get atBoundary(): boolean {
    return this.#state === 'boundary';
  }

  /** Bytes held for a message not yet complete (bounded by the limits). */
  get bufferedBytes(): number {
    return this.#headerFill + this.#partsLength;
  }

  push(chunk: Uint8Array): void {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (buf.length > 0 && this.#state !== 'failed') {
      const used = this.#step(buf);
      this.#offset += used;
      buf = buf.subarray(used);
    }
  }

  /** The stream ended. A partial message is reported as TRUNCATED. */
  end(): void {
    if (this.#state === 'boundary' || this.#state === 'failed') return;
    const have = this.bufferedBytes;
    this.#fail(
      ERROR_CODES.TRUNCATED,
      `stream ended inside a ${this.#state === 'text' ? 'text line' : 'packet'} after ${have} bytes`,
      this.#messageStart,
      this.#state === 'text' ? Buffer.concat(this.#parts) : this.#header.subarray(0, this.#headerFill),
    );
  }

  /** Consume a prefix of `buf` and return how many bytes were used. */
  #step(buf: Buffer): number {
    switch (this.#state) {
      case 'boundary':
        this.#messageStart = this.#offset;
        if (buf[0] === 0) {
          this.#state = 'header';
          this.#headerFill = 0;
        } else if (this.#allowText) {
          this.#state = 'text';
          this.#parts = [];
          this.#partsLength = 0;
        } else {
          this.#fail(ERROR_CODES.BAD_MAGIC, 'expected a binary packet (first byte 0x00)', this.#offset, buf);
          return buf.length;
        }
        return 0;
      case 'header':
        return this.#readHeader(buf);
      case 'body':
        return this.#readBody(buf);
      case 'text':
        return this.#readText(buf);
      case 'failed':
        return buf.length;
    }
  }

  #readHeader(buf: Buffer): number {
    const take = Math.min(HEADER_SIZE - this.#headerFill, buf.length);
    buf.copy(this.#header, this.#headerFill, 0, take);
    const before = this.#headerFill;
    this.#headerFill += take;
    // Judge the magic as soon as its 4 bytes are in, so "\0XYZ" fails without waiting for 12.
    if (before < 4 && this.#headerFill >= 4) {
      const h = this.#header;
      // Byte compares: Buffer.equals showed up in the server profile.
      const ok = h[0] === 0 && h[1] === MAGIC.REQ[1] && h[2] === MAGIC.REQ[2];
      if (ok && h[3] === MAGIC.REQ[3]) this.#magic = 'REQ';
      else if (ok && h[3] === MAGIC.RES[3]) this.#magic = 'RES';
      else {
        const magic = h.subarray(0, 4);
        this.#fail(ERROR_CODES.BAD_MAGIC, `bad magic ${hexPreview(magic)} (expected 00 52 45 51 or 00 52 45 53)`, this.#messageStart, this.#header.subarray(0, this.#headerFill));
        return take;
      }
    }
    if (this.#headerFill < HEADER_SIZE) return take;
    this.#type = this.#header.readUInt32BE(4);
    const size = this.#header.readUInt32BE(8);
    if (size > this.#maxPacket) {
      this.#fail(ERROR_CODES.PACKET_TOO_LARGE, `header declares a ${size}-byte body, over the ${this.#maxPacket}-byte limit`, this.#messageStart, this.#header);
      return take;
    }
    this.#bodyRemaining = size;
    this.#parts = [];
    this.#partsLength = 0;
    this.#state = 'body';
    if (size === 0) this.#finishFrame();
    return take;
  }

  #readBody(buf: Buffer): number {
    const take = Math.min(this.#bodyRemaining, buf.length);
    this.#parts.push(this.#keep(buf.subarray(0, take)));
    this.#partsLength += take;
    this.#bodyRemaining -= take;
    if (this.#bodyRemaining === 0) this.#finishFrame();
    return take;
  }

  #finishFrame(): void {
    const parts = this.#parts;
    const body = parts.length === 1 ? parts[0]! : parts.length === 0 ? EMPTY : Buffer.concat(parts, this.#partsLength);
    parts.length = 0;
    this.#partsLength = 0;
    this.#headerFill = 0;
    this.#state = 'boundary';
    this.#sink.frame(this.#magic, this.#type, body, this.#messageStart);
  }

  #readText(buf: Buffer): number {
    const nl = buf.indexOf(0x0a);
    const take = nl < 0 ? buf.length : nl + 1;
    if (this.#partsLength + take > this.#maxLine + 1) {
      this.#fail(ERROR_CODES.TEXT_LINE_TOO_LONG, `admin text line longer than ${this.#maxLine} bytes without a newline`, this.#messageStart, Buffer.concat([...this.#parts, buf.subarray(0, 16)]));
      return take;
    }
    this.#parts.push(this.#keep(buf.subarray(0, take)));
    this.#partsLength += take;
    if (nl >= 0) {
      const raw = Buffer.concat(this.#parts, this.#partsLength);
      let end = raw.length - 1;
      if (end > 0 && raw[end - 1] === 0x0d) end--;
      const line = raw.subarray(0, end).toString('latin1');
      this.#parts = [];
      this.#partsLength = 0;
      this.#state = 'boundary';
      this.#sink.text(line, raw, this.#messageStart);
    }
    return take;
  }

  /** A slice that outlives push(): a view in zero-copy mode, else a copy (the caller may reuse its chunk). */
  #keep(slice: Buffer): Buffer {
    return this.#zeroCopy ? slice : Buffer.from(slice);
  }

  #fail(code: (typeof ERROR_CODES)[keyof typeof ERROR_CODES], message: string, offset: number, bytes: Uint8Array): void {
    this.#state = 'failed';
    this.#parts = [];
    this.#partsLength = 0;
    this.#sink.error(new ProtocolError(code, message, { offset, preview: hexPreview(bytes), recoverable: false }));
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * The event API: one DecoderEvent per packet (arguments split per the constants table), admin
 * line or malformed message. An unknown type or a short argument list is a recoverable error
 * event carrying the intact frame; framing errors are fatal.
 */
export class StreamDecoder extends FrameDecoder {
  constructor(sink: (event: DecoderEvent) => void, options: DecoderOptions = {}) {
    super(
      {
        frame(magic, type, body, offset) {
          const frame: Frame = { magic, type, body, offset };
          let packet: Packet;
          try {
            packet = frameToPacket(frame);
          } catch (e) {
            if (e instanceof ProtocolError) return sink({ kind: 'error', error: e, frame });
            throw e;
          }
          sink({ kind: 'packet', packet, frame });
        },
        text: (line, raw, offset) => sink({ kind: 'text', line, raw, offset }),
        error: (error) => sink({ kind: 'error', error }),
      },
      options,
    );
  }
}

/** Decode a complete buffer in one go; convenient for tests and fixtures. */
export function decodeAll(bytes: Uint8Array, options?: DecoderOptions): DecoderEvent[] {
  const events: DecoderEvent[] = [];
  const d = new StreamDecoder((e) => events.push(e), options);
  d.push(bytes);
  d.end();
  return events;
}
