/**
 * Worker steps beyond flows.ts that several worker cases share: serving one job to the worker
 * (answering every grab and PRE_SLEEP on the way, optionally following it onto a new connection),
 * putting it to sleep, waiting for a reconnect without blocking on a driver that died, reading
 * what follows a terminal packet, and payload and handle builders.
 */
import { T, packetName } from '../../src/protocol/constants.js';
import { encodeFrame } from '../../src/protocol/encoder.js';
import { type Arg, describePacket, type Packet, toBuffer } from '../../src/protocol/packet.js';
import { type Behaviour, unb64 } from '../../src/peers/drivers/index.js';
import { CaseFailure, check, fail } from '../../src/runner/failures.js';
import type { LibraryCaseContext, Registration } from '../../src/runner/library/context.js';
import { type AssignedJob, assignPacket, type LibraryConn } from '../../src/runner/library/library-conn.js';
import type { Stage } from '../../src/runner/library/stage.js';
import type { EventOf, SubjectDriver } from '../../src/runner/library/subject-driver.js';
import { completes, hex, sameBytes, type WorkerSetup } from './flows.js';

export const GRAB_TYPES: readonly number[] = [T.GRAB_JOB, T.GRAB_JOB_UNIQ, T.GRAB_JOB_ALL];
const TERMINAL_TYPES: readonly number[] = [T.WORK_COMPLETE, T.WORK_FAIL, T.WORK_EXCEPTION];
/** Every WORK_* a worker sends about a job it holds. */
export const WORK_TYPES: readonly number[] = [T.WORK_DATA, T.WORK_WARNING, T.WORK_STATUS, ...TERMINAL_TYPES];

export const isGrab = (p: Packet): boolean => GRAB_TYPES.includes(p.type);
export const isTerminal = (p: Packet): boolean => TERMINAL_TYPES.includes(p.type);

/** Readable text of an argument (latin1 keeps every byte; for messages only). */
export const text = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString('latin1') : '');
/** JSON-quoted latin1 rendering, shortened, for failure messages. */
export const quote = (b: Uint8Array | undefined, max = 80): string => {
  const s = JSON.stringify(text(b));
  return s.length > max ? `${s.slice(0, max)}…" (${b?.length ?? 0} bytes)` : s;
};

/** Deterministic pseudo-random bytes of length `n` (any byte value), with a NUL first and last. */
export function patternBytes(n: number, seed = 7): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = (x >>> 16) & 0xff;
  }
  if (n > 0) b[0] = 0;
  if (n > 1) b[n - 1] = 0;
  return b;
}

/** A raw frame with \0RES magic and any type number (e.g. 99, which no table knows). */
export const rawReply = (type: number, body: Uint8Array = Buffer.alloc(0)): Buffer => encodeFrame('RES', type, body);

/**
 * Start the worker with `functions` registered and its loop entered, accepting its connection
 * while it starts: a library may connect and wait for an answer (PHP pecl's addServer sends
 * OPTION_REQ "exceptions" and blocks for OPTION_RES) before it takes its first register command.
 * `first` reads on the connection until what the case wants first (default: the first grab,
 * housekeeping answered on the way).
 */
export async function startWorker(
  ctx: LibraryCaseContext,
  functions: readonly Registration[],
  first: (conn: LibraryConn) => Promise<Packet> = (c) => c.expectGrab(),
  servers?: readonly Stage[],
): Promise<{ driver: SubjectDriver; conn: LibraryConn; first: Packet }> {
  const { driver, conns } = await startWorkerOn(ctx, functions, [ctx.stage], first, servers);
  return { driver, conn: conns[0]!.conn, first: conns[0]!.first };
}

/**
 * startWorker for a worker that should connect to each of `stages` (of the `servers` it is
 * given): every stage accepts and reads its connection at once while the driver starts, in
 * whatever order the library connects, so that a library blocked on one server's answer (PHP
 * waits for OPTION_RES on each) or serving its servers in turn is never stalled by the case.
 */
export async function startWorkerOn(
  ctx: LibraryCaseContext,
  functions: readonly Registration[],
  stages: readonly Stage[],
  first: (conn: LibraryConn) => Promise<Packet> = (c) => c.expectGrab(),
  servers?: readonly Stage[],
): Promise<{ driver: SubjectDriver; conns: { conn: LibraryConn; first: Packet }[] }> {
  let startedAt: number | undefined;
  let abandoned = false;
  const early = stages.map((stage) => {
    const accepted = (async () => {
      for (;;) {
        try {
          return await stage.accept(undefined, 100);
        } catch (e) {
          if (!(e instanceof CaseFailure)) throw e;
        }
        if (abandoned) throw new CaseFailure(['the worker connects'], 'the case ended first');
        if (startedAt !== undefined && Date.now() - startedAt > ctx.timeoutMs)
          fail(`the worker connects to the server at ${stage.address}`, `no connection within ${ctx.timeoutMs} ms of entering its work loop`);
      }
    })().then(async (conn) => ({ conn, first: await first(conn) }));
    accepted.catch(() => undefined);
    return accepted;
  });
  let driver: SubjectDriver;
  try {
    driver = await ctx.worker(functions, undefined, servers);
  } catch (e) {
    abandoned = true;
    throw e;
  }
  startedAt = Date.now();
  try {
    return { driver, conns: await Promise.all(early) };
  } finally {
    abandoned = true;
  }
}

/** Start the worker with several functions registered; accept its connection and read its first grab. */
export async function workerWith(ctx: LibraryCaseContext, functions: readonly Registration[]): Promise<{ driver: SubjectDriver; conn: LibraryConn; grab: Packet }> {
  const { driver, conn, first } = await startWorker(ctx, functions);
  for (const f of functions) check(conn.abilities.includes(f.function), `CAN_DO ${JSON.stringify(f.function)} before the first grab`, `abilities registered: ${JSON.stringify(conn.abilities)}`);
  return { driver, conn, grab: first };
}

/** The worker with `fn` registered (echoing by default), its connection accepted and its first grab read. */
export async function readyWorker(ctx: LibraryCaseContext, behaviour: Behaviour = completes, fn = ctx.fn('w')): Promise<WorkerSetup> {
  const { driver, conn, grab } = await workerWith(ctx, [{ function: fn, behaviour }]);
  return { driver, conn, fn, grab };
}

/** Answer the pending grab and any further ones with NO_JOB until the worker says PRE_SLEEP. */
export async function toSleep(w: WorkerSetup, pending: Packet | undefined = w.grab): Promise<void> {
  if (pending && isGrab(pending)) w.conn.send(T.NO_JOB);
  if (pending?.type === T.PRE_SLEEP) return;
  await w.conn.expectSleep();
}

interface ServeOptions {
  /** A grab (or PRE_SLEEP) already read and not answered yet, e.g. WorkerSetup.grab. */
  readonly pending?: Packet | undefined;
  /** Assign with this packet type whatever the grab (default: the type that answers the grab). */
  readonly assignType?: number;
  /**
   * When the connection closes before the job ends, wait for the worker's next connection and
   * hand the job again there (a library that reconnects after dropping a connection).
   */
  readonly followReconnect?: boolean;
  /** How long a reconnect may take (default: the per-read timeout). */
  readonly reconnectMs?: number;
  /** The case already handed the job out, in answer to this grab: only follow it to its end. */
  readonly handedFor?: Packet;
}

export interface Served {
  /** The connection the job ended on (a new one after a reconnect). */
  readonly conn: LibraryConn;
  /** The grab the job answered, on `conn`. */
  readonly grab: Packet;
  /** Every WORK_* for the job on `conn`, in order, the terminal one last. */
  readonly packets: readonly Packet[];
  readonly terminal: Packet;
  /** Grabs answered with NO_JOB because the job was already handed out. */
  readonly extraGrabs: number;
  /** How many times the worker came back on a new connection. */
  readonly reconnects: number;
}

/**
 * Serve one job to the worker and follow it to its terminal WORK_* packet: the first grab gets
 * the job, later grabs NO_JOB; a PRE_SLEEP while the job still waits is answered with NOOP, as a
 * server with work queued does. A WORK_* naming another handle, or the connection closing (unless
 * `followReconnect`), is a CaseFailure.
 */
export async function serveJob(ctx: LibraryCaseContext, w: Pick<WorkerSetup, 'driver' | 'conn'>, job: AssignedJob, options: ServeOptions = {}): Promise<Served> {
  let conn = w.conn;
  let pending = options.pending;
  let grab: Packet | undefined = options.handedFor;
  let extraGrabs = 0;
  let reconnects = 0;
  const packets: Packet[] = [];
  const handle = toBuffer(job.handle);
  for (;;) {
    let p: Packet;
    if (pending) {
      p = pending;
      pending = undefined;
    } else {
      try {
        p = await conn.expect([...GRAB_TYPES, T.PRE_SLEEP, ...WORK_TYPES], {
          expected: [
            grab
              ? `the worker's WORK_* packets for job ${quote(handle)} up to WORK_COMPLETE, WORK_FAIL or WORK_EXCEPTION on ${conn.label}`
              : `a grab from the worker on ${conn.label}, to hand it job ${quote(handle)}`,
          ],
        });
      } catch (e) {
        if (!(e instanceof CaseFailure) || !conn.closed) throw e;
        if (!options.followReconnect) {
          throw new CaseFailure(e.expected, `the worker closed the connection${await goneText(w.driver)}`);
        }
        ctx.note(`${conn.label} closed before job ${text(handle)} ended; waiting for the worker to reconnect`);
        conn = await acceptOrGone(ctx, w.driver, options.reconnectMs ?? conn.timeoutMs, `the worker reconnects after ${conn.label} closed, to take job ${quote(handle)}`);
        reconnects++;
        grab = undefined;
        packets.length = 0;
        continue;
      }
    }
    if (isGrab(p)) {
      if (!grab) {
        conn.sendPacket(options.assignType !== undefined ? assignPacket(options.assignType, job) : conn.assignFor(p, job));
        grab = p;
      } else {
        conn.send(T.NO_JOB);
        extraGrabs++;
      }
      continue;
    }
    if (p.type === T.PRE_SLEEP) {
      if (!grab) conn.send(T.NOOP);
      continue;
    }
    check(grab !== undefined, `no WORK_* before the worker holds a job`, () => `${describePacket(p, 60)} before any job was handed out on ${conn.label}`);
    check(sameBytes(p.args[0]!, handle), `${packetName(p.type)} names the job's handle ${quote(handle)} byte for byte`, () => `it names ${quote(p.args[0])} (${hex(p.args[0]!)})`);
    packets.push(p);
    if (isTerminal(p)) return { conn, grab: grab!, packets, terminal: p, extraGrabs, reconnects };
  }
}

/**
 * The worker's next connection within `ms`. Polls in short steps so that a driver that died is
 * seen at once (a CaseFailure naming the exit) instead of after the whole wait.
 */
export async function acceptOrGone(ctx: LibraryCaseContext, driver: SubjectDriver, ms: number, what: string): Promise<LibraryConn> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    try {
      return await ctx.stage.accept(undefined, Math.max(1, Math.min(200, left)));
    } catch (e) {
      if (!(e instanceof CaseFailure)) throw e;
    }
    if (driver.exited) fail(what, `the worker process exited instead${await goneText(driver, '')}`);
    if (Date.now() >= deadline) fail(what, `no new connection within ${ms} ms`);
  }
}

/**
 * "; the worker process exited (code 1, …); it last reported: …" when the driver is gone (its
 * events read for a moment first, so that the exit and the library's last words are in), else "".
 */
export async function goneText(driver: SubjectDriver, lead = '; the worker process exited'): Promise<string> {
  await driver.tap.drain(150);
  return driver.exited ? `${lead}${exitText(driver)}` : '';
}

/** " (code 3)" for a driver that exited, from its synthetic `exited` event when already read. */
function exitText(driver: SubjectDriver): string {
  const e = driver.events.find((x) => x.event === 'exited');
  const err = driver.errors().slice(-1)[0];
  const how = e && e.event === 'exited' ? ` (code ${e.code}, signal ${e.signal})` : '';
  return `${how}${err ? `; it last reported: ${err.slice(0, 200)}` : ''}`;
}

/** What followed a WORK_EXCEPTION (or any terminal packet) on the connection. */
export interface AfterTerminal {
  /** A WORK_FAIL for the same handle came next (the exception-then-fail form). */
  readonly trailingFail: boolean;
  /** The grab or PRE_SLEEP that came next, if one did (the worker survived). */
  readonly next?: Packet;
  /** The connection closed instead. */
  readonly closed: boolean;
}

/**
 * Read what the worker sends right after a terminal packet: a WORK_FAIL for the same handle (read
 * and reported), a grab/PRE_SLEEP (kept for the survival check), or the connection closing.
 * Any other packet is a CaseFailure.
 */
export async function afterTerminal(conn: LibraryConn, handle: Arg): Promise<AfterTerminal> {
  const h = toBuffer(handle);
  let trailingFail = false;
  for (let i = 0; i < 2; i++) {
    const { packets, closed } = await conn.collect(conn.timeoutMs, (ps) => ps.length > 0);
    const p = packets[0];
    if (!p) return { trailingFail, closed };
    if (p.type === T.WORK_FAIL && sameBytes(p.args[0]!, h) && !trailingFail && i === 0) {
      trailingFail = true;
      continue;
    }
    if (isGrab(p) || p.type === T.PRE_SLEEP) return { trailingFail, next: p, closed: false };
    fail(`after the job's terminal packet: a WORK_FAIL for ${quote(h)}, the next grab or PRE_SLEEP`, describePacket(p, 60));
  }
  return { trailingFail, closed: false };
}

/** The worker survived a job: `seen` (from afterTerminal) or the next packet is a grab or PRE_SLEEP. */
export async function stillWorking(
  conn: LibraryConn,
  seen: AfterTerminal | undefined,
  driver: SubjectDriver,
  what = 'the same worker process asks for the next job (grab or PRE_SLEEP)',
): Promise<Packet> {
  if (seen?.next) return seen.next;
  if (seen?.closed) fail(what, `the worker closed the connection${await goneText(driver)}`);
  try {
    return await conn.expect([...GRAB_TYPES, T.PRE_SLEEP], { expected: [what] });
  } catch (e) {
    if (e instanceof CaseFailure && conn.closed) fail(what, `the worker closed the connection${await goneText(driver)}`);
    throw e;
  }
}

/** The driver's `job` event for `handle`; its payload must be `data` byte for byte. */
export async function expectJobEvent(driver: SubjectDriver, handle: Arg, data?: Uint8Array): Promise<EventOf<'job'>> {
  const h = toBuffer(handle).toString('utf8');
  const e = await driver.expect('job', `the worker's function receives job ${JSON.stringify(h)}`, (x) => x.handle === h);
  if (data) {
    const got = unb64(e.payload);
    check(sameBytes(got, data), `the function receives the payload intact: ${hex(data)}`, `it received ${hex(got)}`);
  }
  return e;
}

/** How many `job` events the driver reported for `handle` so far (reads what is queued for `ms`). */
export async function jobRuns(driver: SubjectDriver, handle: Arg, ms: number): Promise<number> {
  await driver.tap.drain(ms);
  const h = toBuffer(handle).toString('utf8');
  return driver.events.filter((e) => e.event === 'job' && e.handle === h).length;
}

/** Answer every grab with NO_JOB until the worker sleeps (PRE_SLEEP); returns how many grabs came first. */
export async function settleToSleep(conn: LibraryConn): Promise<number> {
  let grabs = 0;
  for (;;) {
    const p = await conn.expect([...GRAB_TYPES, T.PRE_SLEEP], { expected: [`a grab or PRE_SLEEP from the worker on ${conn.label}`] });
    if (p.type === T.PRE_SLEEP) return grabs;
    grabs++;
    conn.send(T.NO_JOB);
  }
}

/** Check a WORK_COMPLETE carries exactly `data`. */
export function checkComplete(p: Packet, data: Uint8Array): void {
  check(p.type === T.WORK_COMPLETE, 'WORK_COMPLETE ends the job', () => describePacket(p, 60));
  check(sameBytes(p.args[1]!, data), `WORK_COMPLETE carries the result intact: ${hex(data)}`, () => `it carries ${hex(p.args[1]!)}`);
}

/** A handle of exactly `n` bytes, private to the case (ASCII). */
export function handleOfLength(ctx: LibraryCaseContext, n: number): string {
  const base = `H:${ctx.fn('h').replace(/[^A-Za-z0-9_]/g, '')}:`;
  if (n <= base.length) return base.slice(0, n);
  return (base + 'x'.repeat(n)).slice(0, n);
}
