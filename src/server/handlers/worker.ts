/** Worker registration, sleep and grab: CAN_DO(_TIMEOUT), CANT_DO, RESET_ABILITIES, PRE_SLEEP, GRAB_JOB*. */
import { LIMITS, T } from '../../protocol/constants.js';
import type { ServerCore } from '../core.js';
import type { FunctionEntry, Job } from '../job.js';
import { ERR } from '../replies.js';
import type { ServerConnection } from '../server-connection.js';
import type { Handler } from './types.js';

function register(core: ServerCore, conn: ServerConnection, name: Buffer, timeoutMs: number): void {
  const fn = core.store.fn(name.toString('latin1'));
  // Idempotent (unlike gearmand, which lists a repeated CAN_DO twice); a repeat updates the timeout.
  conn.abilities.set(fn, timeoutMs);
  fn.workers.add(conn);
  // A worker woken once and not re-armed (see preSleep) is not woken again by a new ability
  // either (model-server seed 1227356528 found the reference sending a second NOOP here).
  if (conn.sleeping && !conn.noopSent) {
    fn.sleepers.add(conn);
    if (fn.queuedTotal > 0) core.noop(conn);
  }
}

function unregister(core: ServerCore, conn: ServerConnection, fn: FunctionEntry): void {
  conn.abilities.delete(fn);
  fn.workers.delete(conn);
  fn.sleepers.delete(conn);
  // gearmand requeues what the worker holds for a function it gave up (spec §4.5),
  // most recently taken first (see ServerCore.requeueHeld).
  core.requeueHeld(conn, fn);
}

/** CAN_DO_TIMEOUT value: milliseconds like gearmand; 1-999 → 1000; 0/negative → none; undefined if malformed. */
function parseTimeoutMs(text: Buffer): number | undefined {
  const s = text.toString('latin1');
  if (s.length > LIMITS.timeoutChars || !/^\s*[+-]?\d+\s*$/.test(s)) return undefined;
  const n = Number(s);
  if (n <= 0) return 0;
  return Math.max(1000, Math.min(n, 0x7fffffff));
}

const canDo: Handler = (core, conn, args) => register(core, conn, args[0]!, 0);

const canDoTimeout: Handler = (core, conn, args) => {
  const ms = parseTimeoutMs(args[1]!);
  if (ms === undefined) return conn.error(ERR.badTimeout);
  register(core, conn, args[0]!, ms);
};

const cantDo: Handler = (core, conn, args) => {
  const fn = core.store.functions.get(args[0]!.toString('latin1'));
  if (fn && conn.abilities.has(fn)) unregister(core, conn, fn);
};

const resetAbilities: Handler = (core, conn) => {
  for (const fn of [...conn.abilities.keys()]) unregister(core, conn, fn);
};

const preSleep: Handler = (core, conn) => {
  if (core.store.hasWorkFor(conn)) {
    // Work is already waiting (a race on the worker's side): wake it at once.
    core.noop(conn);
    return;
  }
  conn.sleeping = true;
  // A worker woken once stays woken until it grabs, as on gearmand (its noop_sent flag is cleared
  // by a grab, not by another PRE_SLEEP): a second PRE_SLEEP without a grab waits for no NOOP.
  // (differential seed 1163348247 found the reference re-arming here.)
  if (conn.noopSent) return;
  for (const fn of conn.abilities.keys()) fn.sleepers.add(conn);
};

type GrabKind = 'plain' | 'uniq' | 'all';

function sendAssign(conn: ServerConnection, job: Job, kind: GrabKind): void {
  if (kind === 'plain') conn.packet(T.JOB_ASSIGN, job.handleBuf, job.fn.nameBuf, job.data);
  else if (kind === 'all' && job.reducer) conn.packet(T.JOB_ASSIGN_ALL, job.handleBuf, job.fn.nameBuf, job.unique, job.reducer, job.data);
  // GRAB_JOB_ALL on a job without a reducer gets JOB_ASSIGN_UNIQ, as on gearmand.
  else conn.packet(T.JOB_ASSIGN_UNIQ, job.handleBuf, job.fn.nameBuf, job.unique, job.data);
}

const grab =
  (kind: GrabKind): Handler =>
  (core, conn) => {
    if (conn.sleeping) for (const fn of conn.abilities.keys()) fn.sleepers.delete(conn);
    conn.sleeping = false;
    conn.noopSent = false;
    const faults = core.faults;
    if (faults.duplicateAssign && typeof faults.duplicateState === 'object' && faults.duplicateState.owner !== conn) {
      const dup = core.store.byHandle.get(faults.duplicateState.handle);
      faults.duplicateState = 'spent';
      if (dup && dup.state === 'running') return sendAssign(conn, dup, kind);
    }
    const job = core.store.take(conn, core.priorityOrder);
    if (!job) return conn.packet(T.NO_JOB);
    core.assign(job, conn);
    sendAssign(conn, job, kind);
    if (faults.duplicateAssign && faults.duplicateState === 'armed') faults.duplicateState = { handle: job.handle, owner: conn };
  };

export const WORKER_HANDLERS: Readonly<Record<number, Handler>> = {
  [T.CAN_DO]: canDo,
  [T.CAN_DO_TIMEOUT]: canDoTimeout,
  [T.CANT_DO]: cantDo,
  [T.RESET_ABILITIES]: resetAbilities,
  [T.PRE_SLEEP]: preSleep,
  [T.GRAB_JOB]: grab('plain'),
  [T.GRAB_JOB_UNIQ]: grab('uniq'),
  [T.GRAB_JOB_ALL]: grab('all'),
};
