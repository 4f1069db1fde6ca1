/** Hex helpers for wire logs, previews and fixtures. */

export function toHex(bytes: Uint8Array, sep = ' '): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('hex')
    .replace(/(..)(?!$)/g, `$1${sep}`);
}

/** A bounded hex preview of `bytes` starting at `at`, for error messages. */
export function hexPreview(bytes: Uint8Array, at = 0, max = 16): string {
  const slice = bytes.subarray(at, at + max);
  return toHex(slice) + (bytes.length - at > max ? ' …' : '');
}

export function fromHex(text: string): Buffer {
  const clean = text.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new TypeError(`not hex: ${text.slice(0, 40)}`);
  return Buffer.from(clean, 'hex');
}

/** Printable ASCII (plus tab) without NULs: safe to show as text in reports and fixtures. */
export function isPrintable(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x09 && (b < 0x20 || b > 0x7e)) return false;
  return true;
}
