/**
 * WORK_DATA / WARNING / STATUS / COMPLETE / FAIL / EXCEPTION from the worker that holds the job,
 * relayed byte-exact (the body as received) to every foreground client of the job.
 */
import { T } from '../../protocol/constants.js';
import type { ServerCore } from '../core.js';
import type { Job } from '../job.js';
import { ERR, type ErrorReply } from '../replies.js';
import type { ServerConnection } from '../server-connection.js';
import type { Handler } from './types.js';

/**
 * The job, if `conn` is the worker holding it. A packet for a job this same connection has just
 * ended is dropped silently (Perl's Gearman::Worker sends WORK_FAIL after WORK_EXCEPTION, and
 * the ERROR gearmand answers makes that worker die: README.md, "Tolerated library quirks").
 * Anything else gets an ERROR (gearmand's texts).
 */
function owned(core: ServerCore, conn: ServerConnection, handle: Buffer, notFound: ErrorReply): Job | undefined {
  const key = handle.toString('latin1');
  const job = core.store.byHandle.get(key);
  if (job && job.state === 'running' && job.worker === conn) return job;
  if (!conn.endedRecently(key)) conn.error(notFound);
  return undefined;
}

/** `conn` sent the job's terminal packet: end it, and remember that this connection did. */
function end(core: ServerCore, conn: ServerConnection, job: Job): void {
  conn.noteEnded(job.handle);
  core.finish(job);
}

function relay(job: Job, type: number, body: Buffer): void {
  for (const c of job.clients) c.packet(type, body);
}

const dataLike =
  (type: number): Handler =>
  (core, conn, args, body) => {
    const job = owned(core, conn, args[0]!, ERR.dataNotFound);
    if (job) relay(job, type, body);
  };

const status: Handler = (core, conn, args, body) => {
  const job = owned(core, conn, args[0]!, ERR.workNotFound);
  if (!job) return;
  job.numerator = args[1]!.toString('latin1');
  job.denominator = args[2]!.toString('latin1');
  if (!core.faults.dropStatus) relay(job, T.WORK_STATUS, body);
};

/** corrupt-result fault: flip the first data byte (or append one to empty data), on a copy. */
function corrupt(body: Buffer, handleLength: number): Buffer {
  const copy = Buffer.from(body);
  const at = handleLength + 1;
  if (at < copy.length) {
    copy[at] = copy[at]! ^ 0xff;
    return copy;
  }
  return Buffer.concat([copy, Buffer.from('!')]);
}

const complete: Handler = (core, conn, args, body) => {
  const job = owned(core, conn, args[0]!, ERR.workNotFound);
  if (!job) return;
  relay(job, T.WORK_COMPLETE, core.faults.corruptResult ? corrupt(body, args[0]!.length) : body);
  end(core, conn, job);
};

const fail: Handler = (core, conn, args) => {
  const job = owned(core, conn, args[0]!, ERR.workNotFound);
  if (!job) return;
  conn.noteEnded(job.handle);
  core.fail(job);
};

/**
 * Terminal, as on gearmand. Clients with the `exceptions` option get WORK_EXCEPTION; the others
 * get WORK_FAIL(handle) with NO trailing NUL (gearmand appends one, which Perl's client rejects).
 */
const exception: Handler = (core, conn, args, body) => {
  const job = owned(core, conn, args[0]!, ERR.exceptionNotFound);
  if (!job) return;
  for (const c of job.clients) {
    if (c.exceptions) c.packet(T.WORK_EXCEPTION, body);
    else c.packet(T.WORK_FAIL, job.handleBuf);
  }
  end(core, conn, job);
};

export const WORK_RESULT_HANDLERS: Readonly<Record<number, Handler>> = {
  [T.WORK_DATA]: dataLike(T.WORK_DATA),
  [T.WORK_WARNING]: dataLike(T.WORK_WARNING),
  [T.WORK_STATUS]: status,
  [T.WORK_COMPLETE]: complete,
  [T.WORK_FAIL]: fail,
  [T.WORK_EXCEPTION]: exception,
};
