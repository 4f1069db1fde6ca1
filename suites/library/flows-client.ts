/**
 * Client-side steps beyond flows.ts that several client cases share: following a job to its end
 * (or to the library's error report), proving the client still works afterwards, finding the next
 * submit whether the library keeps its connection or opens a new one, and the exact argument
 * bytes of a request.
 */
import { packetName, SUBMIT_TYPES, T } from '../../src/protocol/constants.js';
import type { Packet } from '../../src/protocol/packet.js';
import { b64, type DriverEvent, describeDriverEvent, unb64 } from '../../src/peers/drivers/index.js';
import { CaseFailure, check, fail } from '../../src/runner/failures.js';
import type { LibraryCaseContext } from '../../src/runner/library/context.js';
import type { LibraryConn } from '../../src/runner/library/library-conn.js';
import type { Stage } from '../../src/runner/library/stage.js';
import type { EventOf, SubjectDriver } from '../../src/runner/library/subject-driver.js';
import { handleFor, hex, sameBytes, type SubmitOptions } from './flows.js';

export type Terminal = EventOf<'complete'> | EventOf<'fail'> | EventOf<'exception'> | EventOf<'error'>;

/** Every SUBMIT_* request type (the protocol table's). */
export { SUBMIT_TYPES };

/** A SUBMIT_* request's arguments as bytes. */
interface SubmitArgs {
  readonly function: Buffer;
  readonly unique: Buffer;
  readonly data: Buffer;
}

export function submitArgs(p: Packet): SubmitArgs {
  return { function: p.args[0]!, unique: p.args[1]!, data: p.args[p.args.length - 1]! };
}

/** Send a `submit` command; returns the job's command id. */
export function sendSubmit(driver: SubjectDriver, fn: string, options: Omit<SubmitOptions, 'fn'> = {}): string {
  const id = driver.id('job');
  driver.send({
    op: 'submit',
    id,
    function: fn,
    payload: b64(Buffer.from(options.payload ?? 'gearspec')),
    ...(options.unique !== undefined ? { unique: options.unique } : {}),
    ...(options.priority ? { priority: options.priority } : {}),
    ...(options.background ? { background: true } : {}),
    ...(options.exceptions !== undefined ? { exceptions: options.exceptions } : {}),
  });
  return id;
}

const isTerminalFor =
  (id: string) =>
  (e: DriverEvent): boolean =>
    (e.event === 'complete' || e.event === 'fail' || e.event === 'exception' || e.event === 'error') && 'id' in e && e.id === id;

/** The job's first terminal event (complete, fail, exception, or an error the library reported); a CaseFailure when none comes. */
export async function expectEnd(driver: SubjectDriver, id: string, what: string, ms?: number): Promise<Terminal> {
  const e = await driver.first(isTerminalFor(id), ms);
  if (e) return e as Terminal;
  return fail(`${what} (${driver.who})`, `no complete, fail, exception or error event for the job; ${recent(driver)}`);
}

/**
 * The job's first terminal event, or — when the library returns from the command (`done`) without
 * reporting any outcome for the job — a CaseFailure saying it ended silently.
 */
export async function expectReportedEnd(driver: SubjectDriver, id: string, what: string, ms?: number): Promise<Terminal> {
  const isEnd = isTerminalFor(id);
  const e = await driver.first((x) => isEnd(x) || (x.event === 'done' && x.id === id), ms);
  if (!e) return fail(`${what} (${driver.who})`, `no complete, fail, exception or error event for the job; ${recent(driver)}`);
  if (e.event === 'done') return fail(`${what} (${driver.who})`, `the library returned from the job (done) without reporting complete, fail, exception or an error for it; ${recent(driver)}`);
  return e as Terminal;
}

/** The library returned from the command (the driver's `done`): it is not stuck inside it. */
export async function expectDone(driver: SubjectDriver, id: string, what = 'the library returns from the call (the driver reports done)', ms?: number): Promise<void> {
  const e = await driver.first((x) => x.event === 'done' && x.id === id, ms);
  if (!e) fail(`${what} (${driver.who})`, `no done for ${id}; ${recent(driver)}`);
}

export function recent(driver: SubjectDriver, n = 6): string {
  const exit = driver.events.find((e) => e.event === 'exited');
  const last = driver.events.slice(-n).map(describeDriverEvent).join(', ');
  return `${exit ? `the driver exited (${describeDriverEvent(exit)}); ` : ''}last events: ${last || '(none)'}`;
}

/** One-line description of a terminal event. */
export function describeEnd(e: Terminal): string {
  switch (e.event) {
    case 'complete':
    case 'exception':
      return `${e.event} with ${hex(unb64(e.payload))}`;
    case 'fail':
      return 'fail';
    case 'error':
      return `error "${e.message.slice(0, 160)}"`;
  }
}

/** Terminal events for `id` seen so far (complete, fail, exception), in order. */
export function endsOf(driver: SubjectDriver, id: string): DriverEvent[] {
  return driver.eventsFor(id).filter((e) => e.event === 'complete' || e.event === 'fail' || e.event === 'exception');
}

/**
 * Poll `conn` for a packet of `types` for at most `ms`: the packet, 'closed' when the library
 * closed the connection, or 'none'. Any other request (housekeeping aside) is a CaseFailure.
 */
async function pollFor(conn: LibraryConn, types: readonly number[], ms: number): Promise<Packet | 'closed' | 'none'> {
  const before = conn.received.length;
  try {
    return await conn.expect(types, { ms });
  } catch (e) {
    if (!(e instanceof CaseFailure)) throw e;
    if (conn.closed) return 'closed';
    const got = conn.received.slice(before).filter((p) => !HOUSEKEEPING.includes(p.type));
    if (got.length > 0) throw e;
    return 'none';
  }
}

const HOUSEKEEPING: readonly number[] = [T.ECHO_REQ, T.OPTION_REQ, T.SET_CLIENT_ID, T.CAN_DO, T.CAN_DO_TIMEOUT, T.CANT_DO, T.RESET_ABILITIES];

/**
 * The next request of `types` for command `id`, wherever the library sends it: on `prev` (when
 * still open) or on a connection it opens now. A library that reports an error for the command
 * before sending it, or whose driver exits, fails the wait with its own words.
 */
export async function nextRequest(
  ctx: LibraryCaseContext,
  driver: SubjectDriver,
  id: string,
  types: readonly number[],
  prev?: LibraryConn,
  ms = ctx.timeoutMs,
): Promise<{ conn: LibraryConn; packet: Packet }> {
  const what = `the client sends ${types.length > 2 ? "the job's SUBMIT" : types.map(packetName).join(' or ')} (${driver.who})`;
  const deadline = Date.now() + ms;
  let old = prev && !prev.closed ? prev : undefined;
  while (Date.now() < deadline) {
    if (old) {
      const r = await pollFor(old, types, 40);
      if (r === 'closed') old = undefined;
      else if (r !== 'none') return { conn: old, packet: r };
    }
    let conn: LibraryConn | undefined;
    try {
      conn = await ctx.stage.accept(undefined, old ? 40 : Math.min(200, Math.max(1, deadline - Date.now())));
    } catch (e) {
      if (!(e instanceof CaseFailure)) throw e;
    }
    // A new connection is polled like the old one: the library may connect (OPTION_REQ) and then
    // refuse the job itself.
    if (conn) old = conn;
    const refused = driver.events.find((e) => e.event === 'error' && e.id === id) ?? (await driver.first((e) => (e.event === 'error' && e.id === id) || e.event === 'exited', 20));
    if (refused && refused.event === 'error') fail(what, `the library reported an error instead: ${refused.message}`);
    if (driver.exited) fail(what, recent(driver));
  }
  return fail(what, `nothing within ${ms} ms on ${prev ? 'its connection or a new one' : 'a new connection'}; ${recent(driver)}`);
}

/**
 * The SUBMIT_* for command `id` on whichever of `stages` the library sends it: any connection it
 * has open to them, or one it opens now. Returns the index of the stage that got it.
 */
export async function nextSubmitOnAny(
  ctx: LibraryCaseContext,
  driver: SubjectDriver,
  id: string,
  stages: readonly Stage[],
  ms = ctx.timeoutMs,
): Promise<{ stage: number; conn: LibraryConn; submit: Packet }> {
  const what = `the client sends the job's SUBMIT to one of its ${stages.length} servers (${driver.who})`;
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const [i, stage] of stages.entries()) {
      if (stage.waiting > 0) await stage.accept(undefined, 40);
      for (const conn of stage.connections) {
        if (conn.closed) continue;
        const r = await pollFor(conn, SUBMIT_TYPES, 20);
        if (r !== 'none' && r !== 'closed') return { stage: i, conn, submit: r };
      }
    }
    const refused = driver.events.find((e) => e.event === 'error' && e.id === id) ?? (await driver.first((e) => (e.event === 'error' && e.id === id) || e.event === 'exited', 20));
    if (refused && refused.event === 'error') fail(what, `the library reported an error instead: ${refused.message}`);
    if (driver.exited) fail(what, recent(driver));
  }
  return fail(what, `nothing within ${ms} ms; ${recent(driver)}`);
}

/** The SUBMIT_* for command `id`, on `prev` or a new connection (see nextRequest). */
export async function nextSubmit(ctx: LibraryCaseContext, driver: SubjectDriver, id: string, prev?: LibraryConn, ms = ctx.timeoutMs): Promise<{ conn: LibraryConn; submit: Packet }> {
  const r = await nextRequest(ctx, driver, id, SUBMIT_TYPES, prev, ms);
  return { conn: r.conn, submit: r.packet };
}

/** Submit one more job on a client and see it through: the client still works. Returns the connection it used. */
export async function stillWorks(
  ctx: LibraryCaseContext,
  driver: SubjectDriver,
  prev: LibraryConn | undefined,
  options: Omit<SubmitOptions, 'fn'> & { what?: string; n?: number } = {},
): Promise<LibraryConn> {
  const fn = ctx.fn('after');
  const what = options.what ?? 'the same client process completes a new job afterwards';
  const id = sendSubmit(driver, fn, { payload: 'next', ...options });
  let got: { conn: LibraryConn; submit: Packet };
  try {
    got = await nextSubmit(ctx, driver, id, prev);
  } catch (e) {
    if (e instanceof CaseFailure) throw new CaseFailure([what, ...e.expected], e.actual);
    throw e;
  }
  check(submitArgs(got.submit).function.toString('utf8') === fn, `${what}: SUBMIT for ${fn}`, () => `SUBMIT for ${JSON.stringify(submitArgs(got.submit).function.toString('latin1'))}`);
  const h = handleFor(ctx, options.n ?? 90);
  got.conn.send(T.JOB_CREATED, h);
  got.conn.send(T.WORK_COMPLETE, h, 'next-result');
  const e = await expectReportedEnd(driver, id, what);
  check(e.event === 'complete' && sameBytes(unb64(e.payload), Buffer.from('next-result')), `${what}: complete with "next-result"`, `the job ended with ${describeEnd(e)}`);
  return got.conn;
}

/** The bytes of a raw packet, for replies the encoder would refuse (unknown types, extra NULs). */
export function rawPacket(magic: 'REQ' | 'RES', type: number, body: Uint8Array): Buffer {
  const header = Buffer.alloc(12);
  header.write(magic === 'REQ' ? '\0REQ' : '\0RES', 0, 'latin1');
  header.writeUInt32BE(type, 4);
  header.writeUInt32BE(body.length, 8);
  return Buffer.concat([header, Buffer.from(body)]);
}
