/** Admin list commands: workers, status, prioritystatus, show jobs, show unique jobs. Each ends with ".\n". */
import type { ServerCore } from '../core.js';
import type { ServerConnection } from '../server-connection.js';

/** Every connection, clients and admin ones included, like gearmand: `fd ip client-id : f1 f2`. */
export function workers(core: ServerCore, conn: ServerConnection): void {
  let out = '';
  for (const c of core.connections) {
    out += `${c.fd} ${c.ip} ${c.clientId} :`;
    for (const fn of c.abilities.keys()) out += ` ${fn.name}`;
    out += '\n';
  }
  conn.text(`${out}.\n`);
}

/**
 * A function name as the TAB-separated listings print it: a TAB, CR or LF inside a name would
 * split or end its row (interop-bugs #24: the Perl client's prefix feature puts a TAB into every
 * name), so those and the backslash are escaped C-style (spec §3.2, "Names in listings").
 */
const LISTING_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\r': '\\r', '\n': '\\n' };
const listed = (name: string): string => name.replace(/[\\\t\r\n]/g, (c) => LISTING_ESCAPES[c] ?? c);

/** Every function seen (until dropped): name, queued+running, running, registered workers. */
export function status(core: ServerCore, conn: ServerConnection): void {
  let out = '';
  for (const fn of core.store.functions.values()) out += `${listed(fn.name)}\t${fn.total}\t${fn.running}\t${fn.workers.size}\n`;
  conn.text(`${out}.\n`);
}

/** Queued (not running) jobs per priority: name, high, normal, low, workers. */
export function priorityStatus(core: ServerCore, conn: ServerConnection): void {
  let out = '';
  for (const fn of core.store.functions.values()) out += `${listed(fn.name)}\t${fn.queued[0]}\t${fn.queued[1]}\t${fn.queued[2]}\t${fn.workers.size}\n`;
  conn.text(`${out}.\n`);
}

/** handle, retries, ignore (orphaned), queued (1 for background jobs, as gearmand's builtin queue). */
export function showJobs(core: ServerCore, conn: ServerConnection): void {
  let out = '';
  for (const job of core.store.byHandle.values()) out += `${job.handle}\t${job.retries}\t${job.orphaned ? 1 : 0}\t${job.background ? 1 : 0}\n`;
  conn.text(`${out}.\n`);
}

/** One unique per job; an empty unique gives an empty line, as on gearmand. */
export function showUniqueJobs(core: ServerCore, conn: ServerConnection): void {
  let out = '';
  for (const job of core.store.byHandle.values()) out += `${job.unique.toString('latin1')}\n`;
  conn.text(`${out}.\n`);
}
