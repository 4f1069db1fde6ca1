/**
 * How a gearspec process ends (README, "Exit codes"). main.ts installs this once per run; the
 * commands use `onStop` (they can finish early on a signal) and `limitRun` (they have a budget).
 *
 * - **Every command ends.** Once a command's promise settles, the process should exit by itself.
 *   If it is still alive GRACE_MS later (a socket, server, child or timer someone left open), the
 *   pending resources are listed on stderr and the process exits: with the command's own code
 *   when that was already non-zero (its verdict stands), otherwise 2 (gearspec misbehaved).
 * - **Budgets bound the run.** A command with a budget (`fuzz --budget`, `record --duration`)
 *   arms `limitRun`; GRACE_MS past it the same report is printed and the process exits 2.
 * - **Signals.** SIGINT/SIGTERM call the command's stop handlers (serve closes its port, record
 *   writes its recording), and the command then ends with its own exit code; a command without
 *   one ends at once with 128 + the signal number (130, 143). A second signal, or a stop that
 *   takes longer than GRACE_MS, ends the process (the report says what was still pending).
 * - **The launcher's parent.** `npx gearspec …` runs npm, which runs `/bin/sh -c 'gearspec …'`,
 *   which runs us. npm passes SIGINT/SIGTERM on to that sh only; dash dies of SIGTERM without
 *   passing it on (and holds SIGINT until its child ends), so `kill <npx pid>` used to leave the
 *   real gearspec running with the port open. There is no pipe from npm to us (stdio is
 *   inherited) and Node has no PR_SET_PDEATHSIG, so the robust signal left is our parent
 *   process changing: when sh dies, the kernel re-parents us (to init or a subreaper). Under a
 *   package manager (npm_lifecycle_event is set: npx, npm exec, npm run, yarn, pnpm) we poll
 *   process.ppid (a getppid(2) call) twice a second with an unref'd timer, and treat a change as
 *   SIGTERM. It is not done otherwise, so `nohup gearspec serve &` keeps running after its shell
 *   exits; GEARSPEC_WATCH_PARENT=1 forces it on, =0 off.
 *
 * Every timer here is unref'd: none of them keeps a process alive on its own.
 */
import { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** How long a finished (or stopped, or over-budget) command may take to let the process exit. */
export const GRACE_MS = 5_000;
/** How often the launcher's parent is checked (see the module comment). */
const PARENT_POLL_MS = 500;

const SIGNAL_NUMBER = { SIGINT: 2, SIGTERM: 15 } as const;
type StopSignal = keyof typeof SIGNAL_NUMBER;

/** A command's way to finish early: close the server, write the recording, … */
type StopHandler = (why: string) => void;

interface Installed {
  readonly name: string;
  readonly write: (line: string) => void;
  stopping: boolean;
  /** Armed by a stop request; finish() replaces it with its own. */
  stopTimer?: NodeJS.Timeout;
}

let installed: Installed | undefined;
const stopHandlers = new Set<StopHandler>();

/**
 * Registers what a command does on SIGINT/SIGTERM (or when its launcher's parent dies); returns
 * the function that removes it. Without main.ts (commands run in-process by tests) nothing calls it.
 */
export function onStop(handler: StopHandler): () => void {
  stopHandlers.add(handler);
  return () => void stopHandlers.delete(handler);
}

/** A deadline a command can push back (fuzz: each finding adds time to shrink and record it). */
interface RunLimit {
  extend(ms: number): void;
  clear(): void;
}

/**
 * Bounds a running command: if it is still running GRACE_MS after `budgetMs` (plus every
 * `extend`), the pending resources are listed and the process exits 2. A no-op outside main.ts.
 */
export function limitRun(budgetMs: number, what: string): RunLimit {
  const life = installed;
  if (!life) return { extend: () => undefined, clear: () => undefined };
  const started = Date.now();
  let total = budgetMs;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(
      () => {
        life.write(`gearspec ${life.name}: still running ${GRACE_MS / 1000} s after its budget (${what}, ${formatMs(total)} in all)${pendingReport()}`);
        process.exit(2);
      },
      total + GRACE_MS - (Date.now() - started),
    );
    timer.unref();
  };
  arm();
  return {
    extend(ms) {
      total += ms;
      arm();
    },
    clear() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * Installs the signal handlers and the parent watch for command `name` (main.ts, once). Stdout
 * and stderr write errors (EPIPE: the reader went away) are ignored from here on: there is
 * nowhere left to report them, and they must not stop `record` from writing its recording.
 */
export function installLifecycle(name: string): void {
  if (installed) return;
  const write = (line: string): void => void process.stderr.write(`${line}\n`);
  const life: Installed = { name, write, stopping: false };
  installed = life;
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  for (const sig of Object.keys(SIGNAL_NUMBER) as StopSignal[]) process.on(sig, () => requestStop(sig, `received ${sig}`));
  watchParent((why) => {
    write(`gearspec ${name}: ${why}; stopping as on SIGTERM`);
    requestStop('SIGTERM', why);
  });
}

function requestStop(sig: StopSignal, why: string): void {
  const life = installed!;
  const code = 128 + SIGNAL_NUMBER[sig];
  if (life.stopping) {
    life.write(`gearspec ${life.name}: ${why} again; ending now${pendingReport()}`);
    process.exit(code);
  }
  life.stopping = true;
  if (stopHandlers.size === 0) {
    // Nothing to finish gracefully: interrupted. Peers gearspec started go with us (execa cleanup).
    life.write(`gearspec ${life.name}: interrupted (${why})`);
    process.exit(code);
  }
  for (const handler of [...stopHandlers]) handler(why);
  life.stopTimer = setTimeout(() => {
    life.write(`gearspec ${life.name}: did not stop within ${GRACE_MS / 1000} s of ${why}${pendingReport()}`);
    process.exit(2);
  }, GRACE_MS);
  life.stopTimer.unref();
}

/** See the module comment: a change of parent under a package manager counts as SIGTERM. */
function watchParent(stop: (why: string) => void): void {
  const setting = process.env.GEARSPEC_WATCH_PARENT;
  const wanted = setting === '1' || (setting !== '0' && process.env.npm_lifecycle_event !== undefined);
  if (!wanted) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop(`its parent process ${parent} is gone (npm passes SIGTERM only to its \`sh -c\`, which does not pass it on)`);
  }, PARENT_POLL_MS);
  timer.unref();
}

/**
 * The process is done with the command's result: exit with `code` once the event loop is empty,
 * or GRACE_MS from now with the pending resources listed (code, or 2 when code was 0).
 */
export function finish(code: number): void {
  process.exitCode = code;
  const life = installed;
  if (!life) return;
  if (life.stopTimer) clearTimeout(life.stopTimer);
  const timer = setTimeout(() => {
    const final = code === 0 ? 2 : code;
    life.write(`gearspec ${life.name}: the command finished (exit ${code}) but the process was still running ${GRACE_MS / 1000} s later${pendingReport()}\ngearspec ${life.name}: exit ${final}`);
    process.exit(final);
  }, GRACE_MS);
  timer.unref();
}

const formatMs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

function addressText(a: string | net.AddressInfo | null): string {
  if (!a) return '?';
  if (typeof a === 'string') return a;
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/**
 * What keeps the process alive, as "; pending: …" lines: listening servers, connections and
 * child processes by name (Node's handle list), then every active resource by type
 * (process.getActiveResourcesInfo(), which counts timers too). Unref'd handles and stdio are left out.
 */
function pendingReport(): string {
  const lines: string[] = [];
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const skip = new Set<unknown>([process.stdin, process.stdout, process.stderr]);
  for (const h of handles) if (h instanceof ChildProcess) for (const s of h.stdio) skip.add(s);
  for (const h of handles) {
    if (skip.has(h)) continue;
    if (typeof (h as { hasRef?: () => boolean }).hasRef === 'function' && !(h as { hasRef: () => boolean }).hasRef()) continue;
    if (h instanceof net.Server) lines.push(`a server listening on ${addressText(h.address())}`);
    else if (h instanceof net.Socket) {
      if (h.remotePort !== undefined) lines.push(`a TCP connection ${h.localAddress ?? '?'}:${h.localPort ?? '?'} -> ${h.remoteAddress ?? '?'}:${h.remotePort}`);
      else if (h.connecting) lines.push('a TCP connection being opened');
      else lines.push('a socket or pipe');
    } else if (h instanceof ChildProcess) lines.push(`child process ${h.pid ?? '?'} (${h.spawnargs.join(' ').slice(0, 200)})`);
  }
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  const resources = [...counts].map(([r, n]) => (n > 1 ? `${r} ×${n}` : r)).join(', ');
  if (resources) lines.push(`active resources: ${resources}`);
  return lines.length > 0 ? `; pending:\n${lines.map((l) => `  ${l}`).join('\n')}` : '; nothing is listed as pending';
}
