/** Spawning real peer programs with a deadline; everything started is killed in finally. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export function onPath(binary: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    try {
      accessSync(path.join(dir, binary), constants.X_OK);
      return true;
    } catch {
      // keep looking
    }
  }
  return false;
}

/** True when the command exits 0 within 10 s (used to detect optional modules and extensions). */
export function probe(command: string, args: readonly string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000, killSignal: 'SIGKILL' });
  return r.status === 0;
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface Running {
  readonly child: ChildProcess;
  /** Resolves when the process exits (or is killed at its deadline). */
  readonly done: Promise<Finished>;
  kill(): void;
}

/** Start a program; it is killed (SIGKILL) if still running after `timeoutMs`. */
export function start(command: string, args: readonly string[], timeoutMs: number): Running {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  const done = new Promise<Finished>((resolve) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${err.message}`, timedOut });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
  return { child, done, kill };
}

/** Run to completion with a deadline. */
export async function run(command: string, args: readonly string[], timeoutMs = 10_000): Promise<Finished> {
  const p = start(command, args, timeoutMs);
  try {
    return await p.done;
  } finally {
    p.kill();
  }
}
