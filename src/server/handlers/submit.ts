/** SUBMIT_JOB and its priority/background variants, SUBMIT_JOB_EPOCH and SUBMIT_REDUCE_JOB(_BACKGROUND). */
import { LIMITS, SUBMIT_KINDS, T } from '../../protocol/constants.js';
import type { ServerCore } from '../core.js';
import type { Job, PriorityIndex } from '../job.js';
import { JobStore } from '../job-store.js';
import { ERR } from '../replies.js';
import type { ServerConnection } from '../server-connection.js';
import type { Handler } from './types.js';

interface SubmitRequest {
  readonly fn: Buffer;
  readonly unique: Buffer;
  readonly data: Buffer;
  readonly priority: PriorityIndex;
  readonly background: boolean;
  readonly reducer?: Buffer;
  /** Epoch milliseconds before which the job must not run; 0 = now. */
  readonly runAtMs?: number;
}

function attach(job: Job, conn: ServerConnection): void {
  job.clients.push(conn);
  conn.listening.add(job);
  // A client joining a job whose previous clients all left makes it wanted again.
  job.orphaned = false;
}

export function submit(core: ServerCore, conn: ServerConnection, req: SubmitRequest): void {
  if (req.unique.length > LIMITS.uniqueBytes) return conn.error(ERR.uniqueTooLarge);
  if (core.draining) return conn.error(ERR.shuttingDown);
  const fn = core.store.fn(req.fn.toString('latin1'));
  const key = JobStore.coalesceKey(req.unique, req.data);
  const existing = key === undefined ? undefined : fn.byKey.get(key);
  if (existing) {
    // Coalesced: same handle, the new data is discarded, foreground submitters join the listeners.
    conn.packet(T.JOB_CREATED, existing.handleBuf);
    if (!req.background) attach(existing, conn);
    return;
  }
  if (core.store.isFull(fn, req.priority)) return conn.error(ERR.queueFull);
  // The request's buffers are views of the socket's read chunk: copy what the job keeps.
  const job = core.store.create({
    fn,
    unique: Buffer.from(req.unique),
    coalesceKey: key,
    data: Buffer.from(req.data),
    reducer: req.reducer && req.reducer.length > 0 ? Buffer.from(req.reducer) : undefined,
    priority: req.priority,
    background: req.background,
  });
  conn.packet(T.JOB_CREATED, job.handleBuf);
  if (core.faults.dropThisJob()) {
    // A lost job as a deployment meets it: acknowledged, then never run and never answered.
    core.log(`fault drop-job: dropped ${job.handle} (unique ${JSON.stringify(job.unique.toString('latin1'))})`);
    core.store.remove(job);
    return;
  }
  if (!req.background) attach(job, conn);
  core.schedule(job, req.runAtMs ?? 0);
}

const plain =
  (priority: PriorityIndex, background: boolean): Handler =>
  (core, conn, args) =>
    submit(core, conn, { fn: args[0]!, unique: args[1]!, data: args[2]!, priority, background });

/** strtoll-like: leading decimal digits (optional sign) or 0, as gearmand parses the epoch. */
function parseEpochSeconds(text: Buffer): number {
  const m = /^\s*([+-]?\d+)/.exec(text.toString('latin1'));
  const n = m ? Number(m[1]) : 0;
  return Number.isFinite(n) ? n : 0;
}

const epoch: Handler = (core, conn, args) => submit(core, conn, { fn: args[0]!, unique: args[1]!, data: args[3]!, priority: 1, background: true, runAtMs: parseEpochSeconds(args[2]!) * 1000 });

const reduce =
  (background: boolean): Handler =>
  (core, conn, args) =>
    // args: function, unique, reducer, aggregator (ignored, as on gearmand), data
    submit(core, conn, { fn: args[0]!, unique: args[1]!, reducer: args[2]!, data: args[4]!, priority: 1, background });

/** Queue index per priority name: HIGH 0, NORMAL 1, LOW 2 (gearmand's order). */
const PRIORITY_INDEX = { high: 0, normal: 1, low: 2 } as const;

export const SUBMIT_HANDLERS: Readonly<Record<number, Handler>> = {
  // The six SUBMIT_JOB kinds come from the constants table.
  ...Object.fromEntries(Object.entries(SUBMIT_KINDS).map(([type, kind]) => [type, plain(PRIORITY_INDEX[kind.priority], kind.background)])),
  [T.SUBMIT_JOB_EPOCH]: epoch,
  [T.SUBMIT_REDUCE_JOB]: reduce(false),
  [T.SUBMIT_REDUCE_JOB_BACKGROUND]: reduce(true),
};
