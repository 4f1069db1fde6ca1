/**
 * The executable model: given a profile, a state and one step, every outcome the server may
 * legitimately produce (expected packets per connection, and the state after). Several outcomes
 * arise only where the profile leaves a choice open (e.g. which function a grab serves first).
 */
import { SUBMIT_KINDS, T } from '../protocol/constants.js';
import { EPOCH_VALUES, type Action, type JobRef, type Step } from './actions.js';
import { type ExpectedPacket, errorPkt, handleOf, lit, pkt } from './expect.js';
import { ERROR_CODES_BY_SPELLING, type ModelProfile } from './profiles.js';
import { type ConnState, type JobState, type ModelState, LATE_RESULT_MEMORY, clone, connById, functionsOf, heldBy, jobById, next, openConn, removeJob } from './state.js';

export interface Outcome {
  readonly out: Record<number, ExpectedPacket[]>;
  readonly next: ModelState;
}

/** Handle used for queries about a job that never existed. */
export const UNKNOWN_HANDLE = 'H:gearspec:0';

interface Tx {
  readonly p: ModelProfile;
  readonly s: ModelState;
  readonly out: Record<number, ExpectedPacket[]>;
}

const RANK = { high: 0, normal: 1, low: 2 } as const;
const rank = (j: JobState): number => RANK[j.priority];

function send(tx: Tx, connId: number, e: ExpectedPacket): void {
  if (!connById(tx.s, connId).open) return;
  (tx.out[connId] ??= []).push(e);
}

function queued(s: ModelState, fn: string): JobState[] {
  return s.jobs.filter((j) => j.fn === fn && j.worker === null).sort((a, b) => rank(a) - rank(b) || a.seq - b.seq);
}

/** Queue position: HIGH jobs go to the front when the profile's HIGH order is LIFO (Perl unshift). */
function enqueue(tx: Tx, j: JobState): void {
  j.seq = tx.p.choices['high-priority-order'] === 'lifo' && j.priority === 'high' ? -next(tx.s) : next(tx.s);
  if (!tx.s.queueKeys.includes(j.fn)) tx.s.queueKeys.push(j.fn);
}

/** Wake sleepers that could run `fn`, as the profile's sleep bookkeeping does. */
function wake(tx: Tx, fn: string): void {
  if (tx.p.quirks.sleepers === 'per-connection') {
    for (const c of tx.s.conns) {
      if (c.open && c.regs.some((r) => r.fn === fn) && c.sleeping && !c.noopSent) {
        send(tx, c.id, pkt(T.NOOP));
        c.noopSent = true;
      }
    }
    return;
  }
  for (const c of tx.s.conns) {
    if (c.sleepFor.includes(fn) && c.open && c.sleeping) {
      send(tx, c.id, pkt(T.NOOP));
      c.sleeping = false;
    }
    c.sleepFor = c.sleepFor.filter((f) => f !== fn);
  }
}

function requeue(tx: Tx, j: JobState): void {
  j.worker = null;
  j.reg = null;
  j.status = null;
  wake(tx, j.fn);
  enqueue(tx, j);
}

/** Requeue the jobs taken through the given registrations (gearmand worker_free order). */
function requeueRegs(tx: Tx, c: ConnState, regIds: readonly number[]): void {
  for (const regId of regIds) {
    const jobs = tx.s.jobs.filter((j) => j.worker === c.id && j.reg === regId).sort((a, b) => b.takeSeq - a.takeSeq);
    for (const j of jobs) requeue(tx, j);
  }
}

function listenersOpen(s: ModelState, j: JobState): number[] {
  return j.listeners.filter((l) => connById(s, l).open);
}

/** The job a submit joins: a live job, or (Perl) the id of a finished job still under the "" key. */
function findCoalesce(p: ModelProfile, s: ModelState, fn: string, unique: string, data: string): JobState | number | undefined {
  if (unique === '') return undefined;
  if (p.choices['dash-unique'] === 'replace') {
    const key = unique === '-' ? data : unique;
    return s.jobs.find((j) => j.fn === fn && j.perlKey === key) ?? (key === '' ? s.ghosts[fn] : undefined);
  }
  if (unique === '-') {
    if (data === '') return undefined;
    // gearmand (data-key) looks the data up among uniques: an explicit job whose unique and data
    // both equal it wins over an older "-" job with that data (seen with seed 4252).
    const explicit = p.choices['dash-unique'] === 'data-key' ? s.jobs.find((j) => j.fn === fn && j.data === data && j.unique === data) : undefined;
    return explicit ?? s.jobs.find((j) => j.fn === fn && j.data === data && j.unique === '-');
  }
  return s.jobs.find((j) => j.fn === fn && j.unique === unique);
}

/** The constants table's six SUBMIT_JOB kinds, plus the epoch and reduce submits (normal priority). */
const SUBMIT_SHAPE: Readonly<Record<number, { priority: JobState['priority']; background: boolean }>> = {
  ...SUBMIT_KINDS,
  [T.SUBMIT_JOB_EPOCH]: { priority: 'normal', background: true },
  [T.SUBMIT_REDUCE_JOB]: { priority: 'normal', background: false },
  [T.SUBMIT_REDUCE_JOB_BACKGROUND]: { priority: 'normal', background: true },
};

function submit(tx: Tx, c: ConnState, a: Extract<Action, { kind: 'submit' }>): void {
  const shape = SUBMIT_SHAPE[a.type]!;
  const { s, p } = tx;
  const existing = findCoalesce(p, s, a.fn, a.unique, a.data);
  if (typeof existing === 'number') {
    // Perl joins the finished job: the old handle, and nothing will ever run.
    send(tx, c.id, pkt(T.JOB_CREATED, handleOf(existing)));
    if (p.quirks.wakeOn === 'every-submit') wake(tx, a.fn);
    return;
  }
  if (existing) {
    send(tx, c.id, pkt(T.JOB_CREATED, handleOf(existing.id)));
    if (!shape.background) {
      existing.listeners.push(c.id);
      if (p.quirks.joinRevivesAbandoned) existing.ignore = false;
    } else if (p.quirks.bgSparesAbandoned === 'any-bg-submit') existing.requireListener = false;
    if (p.quirks.wakeOn === 'every-submit') wake(tx, a.fn);
    return;
  }
  const j: JobState = {
    id: next(s),
    fn: a.fn,
    unique: a.unique,
    perlKey: a.unique === '' ? null : a.unique === '-' ? a.data : a.unique,
    data: a.data,
    priority: shape.priority,
    reducer: a.reducer ?? '',
    future: a.epoch === 'future',
    listeners: shape.background ? [] : [c.id],
    worker: null,
    reg: null,
    takeSeq: 0,
    status: null,
    ignore: false,
    requireListener: !shape.background,
    seq: 0,
  };
  s.created.push(j.id);
  s.jobs.push(j);
  send(tx, c.id, pkt(T.JOB_CREATED, handleOf(j.id)));
  if (!j.future || p.quirks.wakeForFutureEpoch) wake(tx, a.fn);
  enqueue(tx, j);
}

/** gearmand take(): first function (in `order`) with a runnable job; ignored jobs are dropped on the way. */
function takeIgnoreFlag(tx: Tx, order: readonly string[]): JobState | undefined {
  for (const fn of order) {
    const qs = queued(tx.s, fn);
    if (qs.length === 0) continue;
    const pool = tx.p.quirks.epochTake === 'first-list' ? qs.filter((j) => rank(j) === rank(qs[0]!)) : qs;
    const j = pool.find((x) => !x.future);
    if (!j) continue;
    if (j.ignore) {
      removeJob(tx.s, j.id);
      return takeIgnoreFlag(tx, order);
    }
    return j;
  }
  return undefined;
}

/**
 * Reference take(): at the best priority with a runnable job, the job queued longest ago whatever
 * its function; an ignored job met at the head is dropped and the search goes on (so an abandoned
 * job of one function is dropped by a grab that then runs another function's job).
 */
function takeOldestFirst(tx: Tx, fns: readonly string[]): JobState | undefined {
  for (const r of [0, 1, 2]) {
    for (;;) {
      const runnable = tx.s.jobs.filter((x) => x.worker === null && !x.future && rank(x) === r && fns.includes(x.fn));
      const j = runnable.reduce<JobState | undefined>((best, x) => (best === undefined || x.seq < best.seq ? x : best), undefined);
      if (!j) break;
      if (!j.ignore) return j;
      removeJob(tx.s, j.id);
    }
  }
  return undefined;
}

/** Perl grab_job(): per function, shift jobs, dropping those no live client waits for. */
function takeLiveListener(tx: Tx, order: readonly string[]): JobState | undefined {
  for (const fn of order) {
    if (!tx.s.queueKeys.includes(fn)) continue;
    for (;;) {
      const j = queued(tx.s, fn).find((x) => !x.future);
      if (!j) {
        tx.s.queueKeys = tx.s.queueKeys.filter((f) => f !== fn);
        break;
      }
      if (!j.requireListener || listenersOpen(tx.s, j).length > 0) return j;
      removeJob(tx.s, j.id);
    }
  }
  return undefined;
}

/**
 * gearmand peek(): is any job runnable (dropping ignored ones met on the way)? It drops an
 * abandoned job only in the list a grab takes from, the first non-empty priority list (a job
 * scheduled for later makes its list non-empty); one met in a later list counts as work, though
 * the grab then finds nothing (observed on gearmand 1.1.20: a future SUBMIT_JOB_EPOCH job and an
 * abandoned SUBMIT_JOB_LOW job give NOOP then NO_JOB; either alone gives no NOOP).
 */
function peekIgnoreFlag(tx: Tx, order: readonly string[]): boolean {
  for (const fn of order) {
    const jobs = queued(tx.s, fn);
    if (jobs.length === 0) continue;
    const firstList = Math.min(...jobs.map(rank));
    for (const r of [0, 1, 2]) {
      const j = jobs.find((x) => rank(x) === r && !x.future);
      if (!j) continue;
      if (j.ignore && r === firstList && tx.p.choices['abandoned-job-at-pre-sleep'] === 'drop') {
        removeJob(tx.s, j.id);
        return peekIgnoreFlag(tx, order);
      }
      return true;
    }
  }
  return false;
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/** The function orders a grab or pre-sleep may search in: one for a fixed rule, every order otherwise. */
function orders(p: ModelProfile, c: ConnState): string[][] {
  const fns = functionsOf(c);
  const fixed = p.choices['cross-function-order'] === 'recent-first' || p.choices['cross-function-order'] === 'oldest-job-first';
  return fixed ? [fns] : permutations(fns);
}

/** The job a grab takes (undefined: NO_JOB), by the profile's cross-function rule and abandoned-job handling. */
function take(p: ModelProfile, tx: Tx, order: readonly string[]): JobState | undefined {
  if (order.length === 0) return undefined;
  if (p.choices['cross-function-order'] === 'oldest-job-first') return takeOldestFirst(tx, order);
  return p.quirks.abandoned === 'ignore-flag' ? takeIgnoreFlag(tx, order) : takeLiveListener(tx, order);
}

function assignPacket(type: number, j: JobState): ExpectedPacket {
  const h = handleOf(j.id);
  if (type === T.GRAB_JOB) return pkt(T.JOB_ASSIGN, h, lit(j.fn), lit(j.data));
  if (type === T.GRAB_JOB_ALL && j.reducer !== '') return pkt(T.JOB_ASSIGN_ALL, h, lit(j.fn), lit(j.unique), lit(j.reducer), lit(j.data));
  return pkt(T.JOB_ASSIGN_UNIQ, h, lit(j.fn), lit(j.unique), lit(j.data));
}

/** Resolve a job reference: the model job (if any) and the handle string to send. */
export function resolveJob(s: ModelState, connId: number | undefined, ref: JobRef): { job?: number; handle: string } | 'skip' {
  if ('held' in ref) {
    const held = connId === undefined ? [] : heldBy(s, connId);
    if (held.length === 0) return 'skip';
    const j = held[ref.held % held.length]!;
    return { job: j.id, handle: s.handles[j.id] ?? UNKNOWN_HANDLE };
  }
  if ('created' in ref && s.created.length > 0) {
    const id = s.created[ref.created % s.created.length]!;
    return { job: id, handle: s.handles[id] ?? UNKNOWN_HANDLE };
  }
  return { handle: UNKNOWN_HANDLE };
}

function work(tx: Tx, c: ConnState, a: Extract<Action, { kind: 'work' }>): void {
  const r = resolveJob(tx.s, c.id, a.job);
  if (r === 'skip') return;
  const j = r.job === undefined ? undefined : jobById(tx.s, r.job);
  if (!j || j.worker !== c.id) {
    // Reference: a late result for a job this connection ended itself is dropped silently.
    if (tx.p.quirks.lateResultFromEnder === 'dropped' && r.job !== undefined && c.ended.includes(r.job)) return;
    send(tx, c.id, errorPkt(ERROR_CODES_BY_SPELLING[tx.p.choices['error-code-spelling']].notOwner));
    return;
  }
  const endedHere = (): void => {
    c.ended = [...c.ended, j.id].slice(-LATE_RESULT_MEMORY);
  };
  const h = handleOf(j.id);
  const to = listenersOpen(tx.s, j);
  switch (a.type) {
    case T.WORK_STATUS:
      for (const l of to) send(tx, l, pkt(T.WORK_STATUS, h, lit(a.numerator ?? '0'), lit(a.denominator ?? '0')));
      j.status = [a.numerator ?? '0', a.denominator ?? '0'];
      return;
    case T.WORK_DATA:
    case T.WORK_WARNING:
      for (const l of to) send(tx, l, pkt(a.type, h, lit(a.data)));
      return;
    case T.WORK_COMPLETE:
      for (const l of to) send(tx, l, pkt(T.WORK_COMPLETE, h, lit(a.data)));
      removeJob(tx.s, j.id);
      endedHere();
      return;
    case T.WORK_FAIL:
      for (const l of to) send(tx, l, pkt(T.WORK_FAIL, h));
      removeJob(tx.s, j.id);
      endedHere();
      return;
    case T.WORK_EXCEPTION: {
      const terminal = tx.p.choices['exception-terminal'] === 'terminal';
      const nul = tx.p.quirks.exceptionFailArg === 'handle-nul' ? 'yes' : tx.p.quirks.exceptionFailArg === 'either' ? 'either' : 'no';
      for (const l of to) {
        if (connById(tx.s, l).exceptions) send(tx, l, pkt(T.WORK_EXCEPTION, h, lit(a.data)));
        else if (terminal) send(tx, l, pkt(T.WORK_FAIL, handleOf(j.id, nul)));
      }
      if (terminal) {
        removeJob(tx.s, j.id);
        endedHere();
      }
      return;
    }
  }
}

function closeConn(tx: Tx, c: ConnState): void {
  c.open = false;
  if (tx.p.choices['worker-death'] === 'requeue') {
    requeueRegs(
      tx,
      c,
      c.regs.map((r) => r.id),
    );
    // Jobs kept after CANT_DO (no registration left) are requeued too.
    for (const j of heldBy(tx.s, c.id)) requeue(tx, j);
  } else {
    for (const j of heldBy(tx.s, c.id)) {
      for (const l of listenersOpen(tx.s, j)) send(tx, l, pkt(T.WORK_FAIL, handleOf(j.id)));
      removeJob(tx.s, j.id);
    }
  }
  c.regs = [];
  c.sleepFor = [];
  for (const j of tx.s.jobs) {
    const before = j.listeners.length;
    j.listeners = j.listeners.filter((l) => l !== c.id);
    const spared = tx.p.quirks.bgSparesAbandoned !== 'never' && !j.requireListener;
    if (before > 0 && j.listeners.length === 0 && tx.p.quirks.abandoned === 'ignore-flag' && !spared) j.ignore = true;
  }
}

function dropAbilities(tx: Tx, c: ConnState, which: (fn: string) => boolean): void {
  const regs = c.regs.filter((r) => which(r.fn));
  const kept = c.regs.filter((r) => !which(r.fn));
  // Registrations still listed during the requeue make the worker one of the sleepers it wakes.
  if (!tx.p.quirks.requeueWakesSelf) c.regs = kept;
  if (tx.p.choices['cant-do-mid-job'] === 'requeue')
    requeueRegs(
      tx,
      c,
      regs.map((r) => r.id),
    );
  c.regs = kept;
}

function statusValues(p: ModelProfile, j: JobState | undefined): [string, string] {
  const z = p.choices['status-without-progress'] === 'zeros' ? '0' : '';
  return j?.status ?? [z, z];
}

/** Every legitimate outcome of one step. An empty list never happens: the step is modelled or skipped. */
export function step(p: ModelProfile, s0: ModelState, st: Step): Outcome[] {
  const a = st.action;
  const base = clone(s0);
  let c0 = openConn(base, st.conn);
  if (a.kind === 'close' && !c0) return [{ out: {}, next: base }];
  if (!c0) {
    c0 = { id: next(base), slot: st.conn, open: true, exceptions: false, regs: [], sleeping: false, noopSent: false, sleepFor: [], ended: [] };
    base.conns.push(c0);
  }
  const connId = c0.id;
  const fork = (): Tx => {
    const s = clone(base);
    return { p, s, out: {} };
  };
  const single = (fn: (tx: Tx, c: ConnState) => void): Outcome[] => {
    const tx = fork();
    fn(tx, connById(tx.s, connId));
    return [{ out: tx.out, next: tx.s }];
  };

  switch (a.kind) {
    case 'submit':
      return single((tx, c) => submit(tx, c, a));
    case 'echo':
      return single((tx, c) => send(tx, c.id, pkt(T.ECHO_RES, lit(p.quirks.echoDropsZero && a.data === '0' ? '' : a.data))));
    case 'option':
      return single((tx, c) => {
        if (a.name === 'exceptions') {
          c.exceptions = true;
          send(tx, c.id, pkt(T.OPTION_RES, lit(a.name)));
        } else send(tx, c.id, errorPkt(ERROR_CODES_BY_SPELLING[p.choices['error-code-spelling']].unknownOption));
      });
    case 'get-status':
      return single((tx, c) => {
        const r = resolveJob(tx.s, c.id, a.job);
        if (r === 'skip') return;
        const j = r.job === undefined ? undefined : jobById(tx.s, r.job);
        const [n, d] = statusValues(p, j);
        send(tx, c.id, pkt(T.STATUS_RES, lit(r.handle), lit(j ? '1' : '0'), lit(j && j.worker !== null ? '1' : '0'), lit(n), lit(d)));
      });
    case 'get-status-unique': {
      const candidates = base.jobs.filter((j) => j.unique === a.unique && a.unique !== '-' && a.unique !== '');
      if (candidates.length === 0) return single((tx, c) => send(tx, c.id, pkt(T.STATUS_RES_UNIQUE, lit(a.unique), lit('0'), lit('0'), lit('0'), lit('0'), lit('0'))));
      return candidates.map((cand) => {
        const tx = fork();
        const j = jobById(tx.s, cand.id)!;
        const [n, d] = j.status ?? ['0', '0'];
        send(tx, connId, pkt(T.STATUS_RES_UNIQUE, lit(a.unique), lit('1'), lit(j.worker !== null ? '1' : '0'), lit(n), lit(d), lit(String(listenersOpen(tx.s, j).length))));
        return { out: tx.out, next: tx.s };
      });
    }
    case 'can-do':
      return single((tx, c) => {
        if (!(p.choices['duplicate-can-do'] === 'idempotent' && c.regs.some((r) => r.fn === a.fn))) c.regs.unshift({ id: next(tx.s), fn: a.fn });
        if (p.choices['wake-on-can-do'] === 'wake' && c.sleeping && !c.noopSent && queued(tx.s, a.fn).some((j) => !j.future)) {
          send(tx, c.id, pkt(T.NOOP));
          c.noopSent = true;
        }
      });
    case 'cant-do':
      return single((tx, c) => dropAbilities(tx, c, (fn) => fn === a.fn));
    case 'reset-abilities':
      return single((tx, c) => dropAbilities(tx, c, () => true));
    case 'pre-sleep':
      if (p.quirks.sleepers === 'per-function') {
        return single((tx, c) => {
          const fns = functionsOf(c);
          const waiting = fns.some((f) => (p.quirks.staleQueueNoop ? tx.s.queueKeys.includes(f) : queued(tx.s, f).length > 0));
          if (waiting) {
            send(tx, c.id, pkt(T.NOOP));
            c.sleeping = false;
          } else {
            c.sleeping = true;
            c.sleepFor = [...new Set([...c.sleepFor, ...fns])];
          }
        });
      }
      return orders(p, connById(base, connId)).map((order) => {
        const tx = fork();
        const c = connById(tx.s, connId);
        if (peekIgnoreFlag(tx, order)) send(tx, c.id, pkt(T.NOOP));
        else c.sleeping = true;
        return { out: tx.out, next: tx.s };
      });
    case 'grab':
      return orders(p, connById(base, connId)).map((order) => {
        const tx = fork();
        const c = connById(tx.s, connId);
        if (p.quirks.sleepers === 'per-connection') {
          c.sleeping = false;
          c.noopSent = false;
        }
        const j = take(p, tx, order);
        if (!j) send(tx, c.id, pkt(T.NO_JOB));
        else {
          j.worker = c.id;
          j.reg = c.regs.find((r) => r.fn === j.fn)?.id ?? null;
          j.takeSeq = next(tx.s);
          send(tx, c.id, assignPacket(a.type, j));
        }
        return { out: tx.out, next: tx.s };
      });
    case 'work':
      return single((tx, c) => work(tx, c, a));
    case 'close':
      return single((tx, c) => closeConn(tx, c));
  }
}

/** The epoch argument sent for an epoch submit. */
export const epochArg = (a: Extract<Action, { kind: 'submit' }>): string => EPOCH_VALUES[a.epoch ?? 'past'];
