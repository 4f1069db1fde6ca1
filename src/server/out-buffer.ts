/**
 * Per-connection output batching. Packets are encoded straight into a shared slab and written to
 * the socket once per tick (ServerCore.flush), so a burst of replies costs one write syscall and
 * no per-packet Buffer allocation. Large bodies are passed by reference instead of copied.
 */
import type net from 'node:net';

const SLAB_BYTES = 64 * 1024;
/** Bodies at least this large are written by reference, not copied into the slab. */
const BY_REFERENCE_BYTES = 16 * 1024;
const RES_MAGIC = 0x00524553;

export class OutBuffer {
  #slab: Buffer = Buffer.allocUnsafe(SLAB_BYTES);
  /** Start of the bytes not yet handed to the socket. */
  #start = 0;
  #pos = 0;
  /** Finished segments waiting for the next flush, in order. */
  #chunks: Buffer[] = [];

  get pending(): boolean {
    return this.#pos > this.#start || this.#chunks.length > 0;
  }

  #reserve(n: number): void {
    if (this.#pos + n <= this.#slab.length) return;
    if (this.#pos > this.#start) this.#chunks.push(this.#slab.subarray(this.#start, this.#pos));
    this.#slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, n));
    this.#start = 0;
    this.#pos = 0;
  }

  /** A RES packet whose body is `parts` joined by single NULs. */
  packet(type: number, ...parts: readonly Uint8Array[]): void {
    let size = parts.length > 0 ? parts.length - 1 : 0;
    for (const p of parts) size += p.length;
    const last = parts.length > 0 ? parts[parts.length - 1]! : undefined;
    const byRef = last !== undefined && last.length >= BY_REFERENCE_BYTES;
    const copied = byRef ? size - last.length : size;
    this.#reserve(12 + copied);
    const s = this.#slab;
    let p = this.#pos;
    s.writeUInt32BE(RES_MAGIC, p);
    s.writeUInt32BE(type, p + 4);
    s.writeUInt32BE(size, p + 8);
    p += 12;
    const n = byRef ? parts.length - 1 : parts.length;
    for (let i = 0; i < n; i++) {
      if (i > 0) s[p++] = 0;
      s.set(parts[i]!, p);
      p += parts[i]!.length;
    }
    if (byRef) {
      if (n > 0) s[p++] = 0;
      this.#pos = p;
      this.#chunks.push(s.subarray(this.#start, p));
      this.#start = p;
      this.#chunks.push(Buffer.from(last.buffer, last.byteOffset, last.byteLength));
      return;
    }
    this.#pos = p;
  }

  /** Admin reply text (latin1: bytes of names are kept 1:1). */
  text(line: string): void {
    const n = Buffer.byteLength(line, 'latin1');
    this.#reserve(n);
    this.#slab.write(line, this.#pos, n, 'latin1');
    this.#pos += n;
  }

  /** Hand everything pending to the socket in one write (or one corked burst). */
  flush(socket: net.Socket): void {
    if (this.#chunks.length === 0) {
      if (this.#pos === this.#start) return;
      socket.write(this.#slab.subarray(this.#start, this.#pos));
      this.#start = this.#pos;
      return;
    }
    if (this.#pos > this.#start) this.#chunks.push(this.#slab.subarray(this.#start, this.#pos));
    this.#start = this.#pos;
    const chunks = this.#chunks;
    this.#chunks = [];
    socket.cork();
    for (const c of chunks) socket.write(c);
    socket.uncork();
  }

  discard(): void {
    this.#chunks = [];
    this.#start = this.#pos;
  }
}
