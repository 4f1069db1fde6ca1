/**
 * A status line on stderr while a long command runs (soak). On a terminal it is rewritten in
 * place, at most once a second; otherwise (a log, a pipe, CI) it is a plain line at most every
 * PLAIN_EVERY_MS, so a log is not flooded. stdout stays the command's result alone.
 */
const TTY_EVERY_MS = 1000;
const PLAIN_EVERY_MS = 5000;

export class ProgressLine {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  #last = 0;
  #shown = false;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
  }

  update(text: string): void {
    const now = Date.now();
    if (now - this.#last < (this.#tty ? TTY_EVERY_MS : PLAIN_EVERY_MS)) return;
    this.#last = now;
    if (this.#tty) {
      this.#stream.write(`\r\x1b[2K${text.slice(0, (this.#stream.columns || 120) - 1)}`);
      this.#shown = true;
    } else this.#stream.write(`${text}\n`);
  }

  /** Ends the rewritten line, so that what follows starts on its own. */
  done(): void {
    if (this.#tty && this.#shown) this.#stream.write('\n');
    this.#shown = false;
  }
}
