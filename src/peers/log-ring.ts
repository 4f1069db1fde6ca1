/**
 * A bounded log buffer for a peer's stdout/stderr. A chatty peer (gearmand at --verbose=DEBUG)
 * must not grow the harness's memory without bound, and a failure report only needs the tail.
 */
export const DEFAULT_LOG_BYTES = 1024 * 1024;

export class LogRing {
  readonly #maxBytes: number;
  readonly #chunks: string[] = [];
  #bytes = 0;
  #dropped = 0;

  constructor(maxBytes = DEFAULT_LOG_BYTES) {
    this.#maxBytes = Math.max(1024, maxBytes);
  }

  /** Appends text; lines are prefixed with their source so interleaved streams stay readable. */
  append(source: string, chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.length === 0) return;
    const prefixed = source ? text.replace(/^(?=.)/gm, `[${source}] `) : text;
    this.#chunks.push(prefixed);
    this.#bytes += prefixed.length;
    while (this.#bytes > this.#maxBytes && this.#chunks.length > 1) {
      const head = this.#chunks.shift()!;
      this.#bytes -= head.length;
      this.#dropped += head.length;
    }
    // One giant chunk: keep only its tail.
    if (this.#bytes > this.#maxBytes) {
      const only = this.#chunks[0]!;
      const keep = only.slice(only.length - this.#maxBytes);
      this.#dropped += only.length - keep.length;
      this.#chunks[0] = keep;
      this.#bytes = keep.length;
    }
  }

  /** Everything kept, with a marker when older output was dropped. */
  text(): string {
    const body = this.#chunks.join('');
    return this.#dropped > 0 ? `[… ${this.#dropped} earlier characters dropped]\n${body}` : body;
  }

  /** The last `lines` lines, for error messages. */
  tail(lines = 20): string {
    const all = this.#chunks.join('').split('\n');
    if (all.at(-1) === '') all.pop();
    return all.slice(-lines).join('\n');
  }
}
