/** Admin commands that change state: maxqueue, cancel job, create function, drop function. */
import { T } from '../../protocol/constants.js';
import type { ServerCore } from '../core.js';
import type { ServerConnection } from '../server-connection.js';
import { incomplete } from './format.js';

/** atoi-like, negative → 0 (unlimited), as gearmand. */
function size(token: string | undefined): number {
  const m = /^\s*([+-]?\d+)/.exec(token ?? '');
  const n = m ? Number(m[1]) : 0;
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/**
 * `maxqueue F` (all unlimited), `maxqueue F N` (all N), `maxqueue F H N` (low unlimited),
 * `maxqueue F H N L`. Always `OK\r\n`. Unlike gearmand, a limit for a function not seen yet is
 * kept and applies once the function appears.
 */
export function maxQueue(core: ServerCore, conn: ServerConnection, tokens: readonly string[]): void {
  if (tokens.length < 2 || tokens[1] === '') return conn.text(incomplete('maxqueue'));
  const sizes = tokens.slice(2, 5).map(size);
  const limits: [number, number, number] =
    sizes.length === 0 ? [0, 0, 0] : sizes.length === 1 ? [sizes[0]!, sizes[0]!, sizes[0]!] : sizes.length === 2 ? [sizes[0]!, sizes[1]!, 0] : [sizes[0]!, sizes[1]!, sizes[2]!];
  const fn = core.store.functions.get(tokens[1]!);
  if (fn) fn.maxQueue = limits;
  else core.store.pendingMaxQueue.set(tokens[1]!, limits);
  conn.text('OK\r\n');
}

/**
 * `cancel job H`: WORK_FAIL(handle) to every foreground client and `OK\r\n`. A queued job is
 * removed at once (gearmand keeps it listed until a worker would take it); a running one stays
 * with its worker, whose result then goes nowhere.
 */
export function cancelJob(core: ServerCore, conn: ServerConnection, handle: string): void {
  const job = core.store.byHandle.get(handle);
  if (!job) return conn.text('ERR UNKNOWN_JOB\r\n');
  for (const c of job.clients) {
    c.packet(T.WORK_FAIL, job.handleBuf);
    c.listening.delete(job);
  }
  job.clients = [];
  if (job.state === 'running') job.orphaned = true;
  else core.finish(job);
  conn.text('OK\r\n');
}

/** The whole name is used (gearmand drops its last character when the line ends in a bare "\n"). */
export function createFunction(core: ServerCore, conn: ServerConnection, tokens: readonly string[]): void {
  if (tokens.length < 3 || tokens[1]!.toLowerCase() !== 'function' || tokens[2] === '') return conn.text(incomplete('create'));
  core.store.fn(tokens[2]!);
  conn.text('OK\r\n');
}

/** Refused while the function has workers or any job (gearmand checks only running jobs). */
export function dropFunction(core: ServerCore, conn: ServerConnection, tokens: readonly string[]): void {
  if (tokens.length !== 3 || tokens[1]!.toLowerCase() !== 'function') return conn.text(incomplete('drop'));
  const wanted = tokens[2]!.toLowerCase();
  for (const [name, fn] of core.store.functions) {
    if (name.toLowerCase() !== wanted) continue;
    if (fn.workers.size > 0 || fn.total > 0) return conn.text('ERR there are still connected workers or executing clients\r\n');
    core.store.functions.delete(name);
    return conn.text('OK\r\n');
  }
  conn.text('ERR function not found\r\n');
}
