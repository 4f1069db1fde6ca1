/**
 * Runs a driver program as a native child process: bounded output capture, an exit promise,
 * and a kill that escalates SIGTERM → SIGKILL and waits until the process is really gone.
 * (A local helper: the generic runner in src/peers/process.ts may replace it later.)
 */
import { spawn } from 'node:child_process';
import { ERROR_CODES, PeerError } from '../../errors.js';
import type { DriverRuntime } from './handle.js';

const MAX_LOG_BYTES = 256 * 1024;

class ByteRing {
  #chunks: Buffer[] = [];
  #size = 0;
  #dropped = 0;
  add(b: Buffer): void {
    this.#chunks.push(b);
    this.#size += b.length;
    while (this.#size > MAX_LOG_BYTES && this.#chunks.length > 1) {
      const first = this.#chunks.shift()!;
      this.#size -= first.length;
      this.#dropped += first.length;
    }
  }
  text(): string {
    const head = this.#dropped ? `[… ${this.#dropped} earlier bytes dropped]\n` : '';
    return head + Buffer.concat(this.#chunks).toString('utf8');
  }
}

export interface NativeSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly label: string;
}

export function runNative(spec: NativeSpec): DriverRuntime & { readonly pid: number | undefined } {
  const ring = new ByteRing();
  const child = spawn(spec.command, [...spec.args], {
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (b: Buffer) => ring.add(b));
  child.stderr.on('data', (b: Buffer) => ring.add(b));
  let exited = false;
  const gone = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      ring.add(Buffer.from(`\n[${spec.label}: exit code ${code} signal ${signal}]\n`));
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      exited = true;
      ring.add(Buffer.from(`\n[${spec.label}: spawn error ${err.message}]\n`));
      resolve({ code: null, signal: `spawn-error: ${err.message}` });
    });
  });
  let killing: Promise<void> | undefined;
  const kill = (): Promise<void> => {
    killing ??= (async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const t = await Promise.race([gone.then(() => 'gone'), new Promise((r) => setTimeout(() => r('late'), 1500))]);
      if (t === 'late' && !exited) {
        child.kill('SIGKILL');
        const t2 = await Promise.race([gone.then(() => 'gone'), new Promise((r) => setTimeout(() => r('late'), 3000))]);
        if (t2 === 'late') throw new PeerError(ERROR_CODES.HARNESS, spec.label, `pid ${child.pid} survived SIGKILL`, ring.text());
      }
    })();
    return killing;
  };
  return { pid: child.pid, logs: () => ring.text(), gone, kill };
}
