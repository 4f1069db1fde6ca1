/**
 * Leave a server as gearspec found it. Every command that sends traffic to a server it did not
 * start leaves queued jobs (background jobs, and foreground jobs whose client went away: gearmand
 * keeps those) and function names behind. Afterwards the command drains its own jobs — a worker
 * that registers for each of its functions, grabs every job and fails it — and drops its function
 * names where the server can (`drop function`). Only functions the command recognises as its own
 * (its run token) are touched; what cannot be removed is reported, never hidden.
 */
import { parseShowJobsRows, parseStatusRows, type StatusRow } from '../protocol/admin.js';
import { T } from '../protocol/constants.js';
import { req } from '../protocol/packet.js';
import { GearmanConnection } from '../transport/connection.js';
import { errorMessage } from '../errors.js';
import type { WireEntry } from '../transport/wire-log.js';

interface CleanupTarget {
  readonly host: string;
  readonly port: number;
}

interface CleanupOptions {
  /** True for a function name this run created (its run token), never for anyone else's. */
  readonly ours: (fn: string) => boolean;
  /** Per-reply deadline in ms. */
  readonly timeoutMs: number;
  /**
   * Handles of jobs this run created (JOB_CREATED): a job no worker can take yet (an epoch job
   * scheduled for later) is cancelled by handle where the server has `cancel job`.
   */
  readonly handles?: readonly string[];
}

export interface CleanupReport {
  /** Jobs grabbed and failed. */
  readonly drained: number;
  /** Jobs cancelled by handle (`cancel job`). */
  readonly cancelled: number;
  /** Function names the server forgot after `drop function`. */
  readonly dropped: number;
  /** Our functions the server still lists, with what they still hold. */
  readonly left: readonly StatusRow[];
  /** Why something could not be removed (no admin protocol, no `drop function`, …). */
  readonly notes: readonly string[];
}

/** Most jobs one drain takes: a run that queued more than this is not something gearspec did. */
const MAX_DRAIN = 100_000;
/** How long the server may take to notice the drain's worker left (its workers count). */
const SETTLE_MS = 2000;

async function withConnection<R>(target: CleanupTarget, timeoutMs: number, use: (c: GearmanConnection) => Promise<R>): Promise<R> {
  const c = await GearmanConnection.connect({ host: target.host, port: target.port, connectTimeoutMs: timeoutMs, label: 'cleanup' });
  try {
    return await use(c);
  } finally {
    c.close();
  }
}

async function ourRows(target: CleanupTarget, options: CleanupOptions): Promise<StatusRow[]> {
  const lines = await withConnection(target, options.timeoutMs, (c) => c.admin('status', options.timeoutMs));
  if (lines.length === 1 && lines[0]!.startsWith('ERR ')) throw new Error(`status answered ${JSON.stringify(lines[0])}`);
  return parseStatusRows(lines).filter((r) => options.ours(r.function));
}

/** Grab every queued job of `functions` and fail it; returns how many were taken. */
async function drain(target: CleanupTarget, functions: readonly string[], timeoutMs: number): Promise<number> {
  return withConnection(target, timeoutMs, async (c) => {
    for (const fn of functions) c.send(req(T.CAN_DO, fn));
    let taken = 0;
    while (taken < MAX_DRAIN) {
      c.send(req(T.GRAB_JOB));
      let p = await c.expect([T.JOB_ASSIGN, T.NO_JOB, T.NOOP], timeoutMs);
      while (p.type === T.NOOP) p = await c.expect([T.JOB_ASSIGN, T.NO_JOB, T.NOOP], timeoutMs);
      if (p.type === T.NO_JOB) break;
      c.send(req(T.WORK_FAIL, p.args[0]!));
      taken++;
    }
    // An ECHO answered after the last WORK_FAIL: the server has read every one of them.
    c.send(req(T.ECHO_REQ, 'cleanup'));
    await c.expect([T.ECHO_RES], timeoutMs);
    return taken;
  });
}

/** `drop function` for each name; undefined when the server has no such command. */
async function dropFunctions(target: CleanupTarget, functions: readonly string[], timeoutMs: number): Promise<number | undefined> {
  return withConnection(target, timeoutMs, async (c) => {
    let dropped = 0;
    for (const fn of functions) {
      // A name the text protocol cannot carry (empty, spaces, line breaks) cannot be dropped.
      if (!/^[!-~]+$/.test(fn)) continue;
      const [line = ''] = await c.admin(`drop function ${fn}`, timeoutMs);
      if (line === 'OK') dropped++;
      else if (/unknown|not supported|invalid command/i.test(line)) return undefined;
    }
    return dropped;
  });
}

/**
 * `cancel job` for each of `handles` the server still holds; how many it then no longer lists
 * (gearmand answers OK for a job scheduled for later yet keeps it), or undefined when the server
 * has neither `show jobs` nor `cancel job`.
 */
async function cancelJobs(target: CleanupTarget, handles: ReadonlySet<string>, timeoutMs: number): Promise<number | undefined> {
  return withConnection(target, timeoutMs, async (c) => {
    const listed = async (): Promise<string[] | undefined> => {
      const lines = await c.admin('show jobs', timeoutMs);
      return lines.length === 1 && lines[0]!.startsWith('ERR ')
        ? undefined
        : parseShowJobsRows(lines)
            .map((r) => r.handle)
            .filter((h) => handles.has(h));
    };
    const held = await listed();
    if (held === undefined) return undefined;
    for (const handle of held) {
      const [line = ''] = await c.admin(`cancel job ${handle}`, timeoutMs);
      if (line.startsWith('ERR ')) return undefined;
    }
    const still = (await listed()) ?? [];
    return held.length - still.length;
  });
}

/** Handles of the jobs a wire log shows being created (a summary cut short is skipped). */
export function createdHandles(wire: readonly WireEntry[]): string[] {
  const out: string[] = [];
  for (const e of wire) {
    const m = e.dir === 'recv' && e.summary !== undefined ? /^RES JOB_CREATED\(handle=("(?:[^"\\]|\\.)*")\)$/.exec(e.summary) : null;
    if (m) out.push(JSON.parse(m[1]!) as string);
  }
  return out;
}

function commonPrefix(names: readonly string[]): string {
  let prefix = names[0] ?? '';
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** Remove what a run left on a server it did not start; never throws (a failure is a note). */
async function cleanUpServer(target: CleanupTarget, options: CleanupOptions): Promise<CleanupReport> {
  const notes: string[] = [];
  let rows: StatusRow[];
  try {
    rows = await ourRows(target, options);
  } catch (err) {
    return { drained: 0, cancelled: 0, dropped: 0, left: [], notes: [`could not list the server's functions (admin "status": ${errorMessage(err)}); any jobs this run queued are still there`] };
  }
  let drained = 0;
  const queued = rows.filter((r) => r.total > 0).map((r) => r.function);
  if (queued.length > 0) {
    try {
      drained = await drain(target, queued, options.timeoutMs);
    } catch (err) {
      notes.push(`draining stopped: ${errorMessage(err)}`);
    }
  }
  let dropped = 0;
  let cancelled = 0;
  const deadline = Date.now() + SETTLE_MS;
  try {
    // The server may still count the drain's worker for a moment: wait (bounded) until it does not.
    for (rows = await ourRows(target, options); rows.some((r) => r.workers > 0) && Date.now() < deadline; rows = await ourRows(target, options)) {
      await new Promise((ok) => setTimeout(ok, 50));
    }
    if (rows.some((r) => r.total > 0) && options.handles?.length) {
      const n = await cancelJobs(target, new Set(options.handles), options.timeoutMs);
      if (n === undefined) notes.push('the server has no "cancel job" command for the jobs no worker can take yet');
      else cancelled = n;
      rows = await ourRows(target, options);
    }
    const idle = rows.filter((r) => r.total === 0 && r.workers <= 0).map((r) => r.function);
    if (idle.length > 0) {
      const n = await dropFunctions(target, idle, options.timeoutMs);
      if (n === undefined) notes.push(`the server has no "drop function" command, so it keeps listing ${idle.length} function name(s) this run used`);
      else dropped = n;
      const droppable = idle.filter((fn) => /^[!-~]+$/.test(fn)).length;
      if (n !== undefined && n < droppable) notes.push(`the server refused "drop function" for ${droppable - n} function name(s)`);
    }
    rows = await ourRows(target, options);
  } catch (err) {
    notes.push(`could not finish: ${errorMessage(err)}`);
  }
  const held = rows.filter((r) => r.total > 0);
  if (held.length > 0) {
    // Every name when there are few; else the prefix they share (the run's), which names them all.
    const shared = commonPrefix(held.map((r) => r.function));
    const names = held.length <= 10 || shared === '' ? held.map((r) => JSON.stringify(r.function)).join(', ') : `the ${held.length} functions whose names start with ${JSON.stringify(shared)}`;
    notes.push(
      `${held.reduce((n, r) => n + r.total, 0)} job(s) stay queued under ${names}: no worker can take them yet (jobs scheduled for later with SUBMIT_JOB_EPOCH; they run when due) and the server did not cancel them`,
    );
  }
  const unnamed = rows.filter((r) => r.total === 0 && !/^[!-~]+$/.test(r.function));
  if (unnamed.length > 0) notes.push(`${unnamed.map((r) => JSON.stringify(r.function)).join(', ')} stay listed: "drop function" cannot name them on the text protocol`);
  return { drained, cancelled, dropped, left: rows, notes };
}

/**
 * Start watching a server before a run: remembers which function names it listed, so that
 * afterwards `owns` can tell a name the run created from one that was already there (a replayed
 * fixture may use a name someone else's jobs live under). The empty function name, which no
 * prefix can mark, counts as the run's own when it was not listed before. The returned function
 * cleans up; pass it the handles of the jobs the run created, where it knows them.
 */
export async function cleanupScope(target: CleanupTarget, timeoutMs: number, owns: (fn: string, listedBefore: boolean) => boolean): Promise<(handles?: readonly string[]) => Promise<CleanupReport>> {
  let before: ReadonlySet<string> = new Set();
  try {
    before = new Set((await ourRows(target, { ours: () => true, timeoutMs })).map((r) => r.function));
  } catch {
    // No admin protocol: cleanUpServer will say so.
  }
  const ours = (fn: string): boolean => owns(fn, before.has(fn)) || (fn === '' && !before.has(''));
  return (handles) => cleanUpServer(target, { ours, timeoutMs, ...(handles && { handles }) });
}

/** One line for the console: what was removed and what is left. */
export function describeCleanup(r: CleanupReport): string {
  const jobs = r.left.reduce((n, row) => n + Math.max(0, row.total), 0);
  const done = `cleanup: drained ${r.drained} job(s)${r.cancelled ? `, cancelled ${r.cancelled}` : ''}, dropped ${r.dropped} function name(s)`;
  const left = r.left.length === 0 ? '; nothing of this run is left on the server' : `; left on the server: ${r.left.length} function name(s), ${jobs} job(s)`;
  return [done + left, ...r.notes.map((n) => `  ${n}`)].join('\n');
}
