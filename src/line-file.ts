/**
 * A file written one line at a time, each with its own synchronous write, so at every moment it
 * holds whole lines: a process killed with SIGKILL, or stopped by a full disk, loses at most the
 * line being written, and nothing is held in memory. Created with its first line.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export class LineFile {
  readonly path: string;
  #fd: number | undefined;

  constructor(path: string) {
    this.path = path;
  }

  get opened(): boolean {
    return this.#fd !== undefined;
  }

  /** Appends `line` and a newline (the file is created, with its folders, on the first). */
  write(line: string): void {
    if (this.#fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.#fd = openSync(this.path, 'w');
    }
    writeSync(this.#fd, `${line}\n`);
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}
