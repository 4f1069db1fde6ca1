/**
 * Lines out of a stream of text, whatever its chunking. Each chunk is scanned once and a line's
 * pieces are joined once: the obvious `buffer += chunk; buffer.indexOf('\n')` rescans and recopies
 * the whole pending line for every chunk, which for a driver's 1 MiB payload (1.4 MB of base64 on
 * one line, in 64 KiB chunks) was a third of the harness's CPU in the interop matrix.
 */
export class LineSplitter {
  #pieces: string[] = [];

  /** The lines `chunk` completes, without their newline (or a carriage return before it). */
  push(chunk: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      this.#pieces.push(chunk.slice(start, nl));
      const line = this.#pieces.length === 1 ? this.#pieces[0]! : this.#pieces.join('');
      lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
      this.#pieces = [];
      start = nl + 1;
    }
    if (start < chunk.length) this.#pieces.push(start === 0 ? chunk : chunk.slice(start));
    return lines;
  }
}
