/**
 * The payloads driver-check sends and how it compares what comes back. Payloads travel as base64
 * in both directions, so a mismatch is explained by its likely cause (text re-encoding, double
 * encoding, the base64 text passed on undecoded, a truncation) rather than only as "different".
 */
import { b64, unb64 } from '../../peers/drivers/protocol.js';

/** Every byte value 0x00-0xff once, in order. */
export const ALL_BYTES: Buffer = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A deterministic byte pattern of any length (all values, no runs). */
export function pattern(length: number, seed = 7): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  return out;
}

interface NamedPayload {
  readonly name: string;
  readonly bytes: Buffer;
}

/**
 * Payloads whose base64 form exercises every corner of the encoding: both padding lengths, the
 * `+` and `/` characters, bytes that are line breaks or quotes in text, and a line longer than
 * any fixed read buffer. None is empty or the one character "0" (libraries that cannot send those
 * are a library matter, covered by `gearspec interop`, not a driver fault).
 */
export const BASE64_CASES: readonly NamedPayload[] = [
  { name: '1 byte, "==" padding', bytes: Buffer.from([0xfb]) },
  { name: '2 bytes, "=" padding', bytes: Buffer.from([0xff, 0xff]) },
  { name: '3 bytes, "+" and "/"', bytes: Buffer.from([0xfb, 0xef, 0xff]) },
  { name: 'NUL, CR, LF, quote and backslash', bytes: Buffer.from('\0\r\n"\\\0', 'latin1') },
  { name: '70,000 bytes', bytes: pattern(70_000) },
];

/** True when `text` is canonical standard base64 (RFC 4648 alphabet, `=` padding, no whitespace). */
function isCanonicalBase64(text: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 && unb64(text).toString('base64') === text;
}

const hex = (b: number | undefined): string => (b === undefined ? 'nothing' : `0x${b.toString(16).padStart(2, '0')}`);

/** Short rendering of bytes for messages: text when it is mostly text, else length and hex. */
export function showBytes(bytes: Buffer): string {
  const printable = bytes.filter((b) => b >= 0x20 && b < 0x7f).length;
  if (printable === bytes.length && bytes.length <= 40) return JSON.stringify(bytes.toString('latin1'));
  if (bytes.length <= 80 && printable >= bytes.length * 0.8) return JSON.stringify(bytes.toString('latin1'));
  const head = bytes.subarray(0, 12).toString('hex').replace(/(..)/g, '$1 ').trim();
  return `${bytes.length} bytes [${head}${bytes.length > 12 ? ' …' : ''}]`;
}

/**
 * Undefined when `got` (base64 from the driver) carries exactly `expected`; else what is wrong,
 * with the most likely cause.
 */
export function payloadMismatch(expected: Buffer, got: string): string | undefined {
  if (!isCanonicalBase64(got)) {
    const shown = got.length > 40 ? `${got.slice(0, 40)}…` : got;
    return `the payload ${JSON.stringify(shown)} is not standard base64 (alphabet A-Z a-z 0-9 + /, "=" padding, no line breaks)`;
  }
  const bytes = unb64(got);
  if (bytes.equals(expected)) return undefined;
  if (bytes.equals(Buffer.from(expected.toString('latin1'), 'utf8'))) return `the bytes were re-encoded as UTF-8 text (${expected.length} bytes became ${bytes.length}); treat payloads as raw bytes`;
  if (bytes.toString('latin1') === b64(expected)) return 'the payload is the base64 text itself: it was passed on without decoding (or encoded twice)';
  if (Buffer.from(bytes.toString('latin1'), 'base64').equals(expected) && bytes.length > expected.length) return 'the payload was base64-encoded twice';
  if (bytes.length < expected.length && expected.subarray(0, bytes.length).equals(bytes)) {
    return `only the first ${bytes.length} of ${expected.length} bytes arrived${expected[bytes.length] === 0 ? ' (cut at a NUL byte: a C string function was used on binary data)' : ''}`;
  }
  if (bytes.length === expected.length + 1 && bytes.subarray(0, expected.length).equals(expected)) return `one extra byte ${hex(bytes[expected.length])} was appended`;
  const i = firstDifference(expected, bytes);
  const lengths = bytes.length === expected.length ? `the right length (${bytes.length} bytes)` : `${bytes.length} bytes instead of ${expected.length}`;
  return `${lengths}; first difference at byte ${i}: expected ${hex(expected[i])}, got ${hex(bytes[i])}`;
}

/** The offset of the first byte where `got` differs from `expected` (the shorter length when one is a prefix of the other). */
export function firstDifference(expected: Uint8Array, got: Uint8Array): number {
  let i = 0;
  while (i < got.length && i < expected.length && got[i] === expected[i]) i++;
  return i;
}
