/**
 * Runs one external program as a peer (a server, or a client/worker driver): spawn with execa,
 * keep a bounded log of stdout/stderr, wait for readiness under a deadline raced against the
 * process exiting, and stop it by the pid we started (SIGTERM, then SIGKILL after a grace period).
 * Every failed start leaves no process behind and throws a PeerError carrying the log.
 */
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { within } from '../deadline.js';
import { ERROR_CODES, PeerError, errorMessage } from '../errors.js';
import { DEFAULT_LOG_BYTES, LogRing } from './log-ring.js';
import { type ProcessExit, describeExit, raceReady, withLogTail } from './peer-start.js';
import { StopOnce } from './stop-once.js';

export { type ProcessExit, describeExit } from './peer-start.js';

interface ReadyContext {
  readonly pid: number;
  /** Aborted when the start is abandoned (deadline passed, or the process exited). */
  readonly signal: AbortSignal;
  logs(): string;
}

interface RunProcessOptions {
  /** Label for logs and errors, e.g. "gearmand". */
  name: string;
  /** Absolute path, or a name looked up on PATH. */
  command: string;
  args?: readonly string[];
  /** Added to the harness's environment (undefined removes a variable). */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** Deadline for spawn + `ready`. Default 10 s. */
  startupTimeoutMs?: number;
  /** Resolves when the program is usable; rejects to fail the start. Default: spawned is ready. */
  ready?: (ctx: ReadyContext) => Promise<void>;
  /** Time between SIGTERM and SIGKILL on stop. Default 2 s. */
  stopGraceMs?: number;
  logMaxBytes?: number;
  /** Appended to the "not installed" error, e.g. "install Debian package gearman-job-server". */
  missingHint?: string;
}

export interface ProcessHandle extends AsyncDisposable {
  readonly name: string;
  readonly pid: number;
  /** Resolves (never rejects) when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Set once the process has exited. */
  readonly exit: ProcessExit | undefined;
  logs(): string;
  /** Idempotent and serialised: every call returns the same promise. */
  stop(): Promise<ProcessExit>;
}

const DEFAULT_STARTUP_MS = 10_000;
const DEFAULT_GRACE_MS = 2_000;
/** After SIGKILL the kernel reaps promptly; past this something is badly wrong. */
const KILL_WAIT_MS = 5_000;

/** Resolves a command to an executable path, or undefined when it is not installed. */
export async function findExecutable(command: string): Promise<string | undefined> {
  const candidates = command.includes('/')
    ? [command]
    : (process.env.PATH ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

class RunningProcess extends StopOnce<ProcessExit> implements ProcessHandle {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  #exit: ProcessExit | undefined;
  readonly #log: LogRing;
  readonly #graceMs: number;

  constructor(name: string, pid: number, exited: Promise<ProcessExit>, log: LogRing, graceMs: number) {
    super();
    this.name = name;
    this.pid = pid;
    this.#log = log;
    this.#graceMs = graceMs;
    this.exited = exited.then((e) => (this.#exit = e));
  }

  get exit(): ProcessExit | undefined {
    return this.#exit;
  }

  logs(): string {
    return this.#log.text();
  }

  protected async stopNow(): Promise<ProcessExit> {
    if (this.#exit) return this.#exit;
    this.#signal('SIGTERM');
    // C gearmand ignores SIGTERM while it is still retrying bind(); SIGKILL settles it.
    if (!(await this.#exitWithin(this.#graceMs))) {
      this.#log.append('harness', `no exit ${this.#graceMs} ms after SIGTERM; sending SIGKILL\n`);
      this.#signal('SIGKILL');
      if (!(await this.#exitWithin(KILL_WAIT_MS))) {
        throw new PeerError(ERROR_CODES.HARNESS, this.name, `pid ${this.pid} still running ${KILL_WAIT_MS} ms after SIGKILL`, this.logs());
      }
    }
    return this.#exit!;
  }

  #signal(sig: NodeJS.Signals): void {
    try {
      process.kill(this.pid, sig);
    } catch {
      // ESRCH: it is already gone; `exited` settles on its own.
    }
  }

  async #exitWithin(ms: number): Promise<boolean> {
    return (
      (await within(
        this.exited.then(() => true),
        ms,
      )) ?? false
    );
  }
}

/** Spawns the program and waits until it is ready; see the module comment. */
export async function runProcess(options: RunProcessOptions): Promise<ProcessHandle> {
  const { name } = options;
  const executable = await findExecutable(options.command);
  if (!executable) {
    const hint = options.missingHint ? `; ${options.missingHint}` : '';
    throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, name, `${options.command} is not installed or not executable${hint}`);
  }
  const log = new LogRing(options.logMaxBytes ?? DEFAULT_LOG_BYTES);
  const child = execa(executable, [...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    // execa kills the child if the harness itself exits (a crashed vitest worker leaves nothing).
    cleanup: true,
  });
  child.stdout?.on('data', (c: Buffer) => log.append('stdout', c));
  child.stderr?.on('data', (c: Buffer) => log.append('stderr', c));
  // reject:false resolves even on failure; catch anyway so nothing is ever unhandled.
  void Promise.resolve(child).catch(() => undefined);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      log.append('harness', `process ${describeExit({ code, signal })}\n`);
      resolve({ code, signal });
    });
  });
  const spawned = await new Promise<{ ok: true } | { ok: false; error: Error }>((resolve) => {
    child.once('spawn', () => resolve({ ok: true }));
    child.once('error', (error) => resolve({ ok: false, error }));
  });
  if (!spawned.ok || child.pid === undefined) {
    const cause = spawned.ok ? new Error('no pid') : spawned.error;
    throw withLogTail(ERROR_CODES.PEER_START_FAILED, name, `could not spawn ${executable}: ${errorMessage(cause)}`, log.text(), cause);
  }
  const handle = new RunningProcess(name, child.pid, exited, log, options.stopGraceMs ?? DEFAULT_GRACE_MS);
  log.append('harness', `started ${executable} ${(options.args ?? []).join(' ')} as pid ${child.pid}\n`);
  const { ready } = options;
  if (!ready) return handle;
  try {
    await raceReady(handle, options.startupTimeoutMs ?? DEFAULT_STARTUP_MS, (signal) => ready({ pid: handle.pid, signal, logs: () => handle.logs() }));
    return handle;
  } catch (error) {
    await handle.stop().catch((e: unknown) => log.append('harness', `cleanup failed: ${errorMessage(e)}\n`));
    // One code for every failed start; the cause keeps the specific error (timeout, early exit, port in use).
    throw withLogTail(ERROR_CODES.PEER_START_FAILED, name, `did not become ready: ${errorMessage(error)}`, handle.logs(), error);
  }
}
