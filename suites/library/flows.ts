/**
 * The steps most client and worker cases share: a client that submits one job and the stage that
 * receives it; a worker that registers, grabs, is handed a job and reports its outcome. Cases
 * build on these and script only the part they are about.
 */
import { T } from '../../src/protocol/constants.js';
import type { Packet } from '../../src/protocol/packet.js';
import { type Behaviour, type BehaviourOutcome, b64, type JobPriority, unb64 } from '../../src/peers/drivers/index.js';
import { check, fail } from '../../src/runner/failures.js';
import type { LibraryCaseContext } from '../../src/runner/library/context.js';
import type { AssignedJob, LibraryConn } from '../../src/runner/library/library-conn.js';
import type { EventOf, SubjectDriver } from '../../src/runner/library/subject-driver.js';

/** A handle in gearmand's shape, private to the case. */
export const handleFor = (ctx: LibraryCaseContext, n = 1): string => `H:gearspec:${ctx.fn(String(n)).replace(/[^A-Za-z0-9_]/g, '')}`;

export const hex = (b: Uint8Array): string =>
  b.length > 48 ? `${Buffer.from(b.subarray(0, 48)).toString('hex')}… (${b.length} bytes)` : `${Buffer.from(b).toString('hex') || '(empty)'} (${b.length} bytes)`;

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/**
 * Deadline for a step that moves `bytes` through a driver: drivers carry payloads as base64 in
 * JSON lines, and a pure-Perl JSON parser takes seconds for a 1 MiB job on a loaded machine. The
 * extra second per 64 KiB is only ever spent by a case that is failing anyway.
 */
const allowanceFor = (ctx: Pick<LibraryCaseContext, 'timeoutMs'>, bytes: number): number => ctx.timeoutMs + Math.ceil(bytes / 65536) * 1000;

// ------------------------------------------------------------------------------------- client

export interface SubmitOptions {
  readonly payload?: Uint8Array | string;
  readonly unique?: string;
  readonly priority?: JobPriority;
  readonly background?: boolean;
  readonly exceptions?: boolean;
  readonly fn?: string;
}

interface SubmittedJob {
  readonly driver: SubjectDriver;
  readonly conn: LibraryConn;
  readonly submit: Packet;
  /** The driver command id of the job. */
  readonly id: string;
  readonly fn: string;
  readonly payload: Buffer;
}

/** Start the client, have it submit one job, accept its connection and read the SUBMIT_*. */
export async function clientSubmits(ctx: LibraryCaseContext, options: SubmitOptions = {}): Promise<SubmittedJob> {
  const driver = await ctx.client();
  return submitOn(ctx, driver, undefined, options);
}

/** Submit on a started client; `conn` when the library already holds a connection. */
export async function submitOn(ctx: LibraryCaseContext, driver: SubjectDriver, conn: LibraryConn | undefined, options: SubmitOptions = {}): Promise<SubmittedJob> {
  const fn = options.fn ?? ctx.fn('job');
  const payload = Buffer.from(options.payload ?? 'gearspec');
  const id = driver.id('job');
  driver.send({
    op: 'submit',
    id,
    function: fn,
    payload: b64(payload),
    ...(options.unique !== undefined ? { unique: options.unique } : {}),
    ...(options.priority ? { priority: options.priority } : {}),
    ...(options.background ? { background: true } : {}),
    ...(options.exceptions !== undefined ? { exceptions: options.exceptions } : {}),
  });
  const c = conn ?? (await acceptOrRefusal(ctx, driver, id, allowanceFor(ctx, payload.length)));
  const submit = await c.expectSubmit();
  return { driver, conn: c, submit, id, fn, payload };
}

/**
 * The library's connection — or, when it reports an error for the job before connecting (it
 * refused the submit itself, or could not reach a server), a CaseFailure with the library's words.
 * Watches both in short turns so that whichever comes first decides.
 */
async function acceptOrRefusal(ctx: LibraryCaseContext, driver: SubjectDriver, id: string, ms: number): Promise<LibraryConn> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (ctx.stage.waiting > 0) return ctx.stage.accept();
    const refused = await driver.maybe('error', (e) => e.id === id, 50);
    if (refused) fail('the client submits the job', `the library reported an error before connecting: ${refused.message}`);
    if (Date.now() > deadline) fail(`the client connects to the server at ${ctx.stage.address}`, `no connection within ${ms} ms${driver.exited ? '; the driver exited' : ''}`);
  }
}

/** The client reports the job's completion with exactly `data`. */
export async function expectComplete(job: SubmittedJob, data: Uint8Array, what = 'the client reports WORK_COMPLETE with the exact result bytes'): Promise<void> {
  const e = await job.driver.expect('complete', what, (x) => x.id === job.id, allowanceFor(job.conn, data.length));
  const got = unb64(e.payload);
  check(sameBytes(got, data), `${what}: ${hex(data)}`, `got ${hex(got)}`);
}

// ------------------------------------------------------------------------------------- worker

export interface WorkerSetup {
  readonly driver: SubjectDriver;
  readonly conn: LibraryConn;
  readonly fn: string;
  /** The worker's first grab (a PRE_SLEEP before it was answered with NOOP). Made by flows-worker.ts readyWorker. */
  readonly grab: Packet;
}

export const completes: Behaviour = { outcome: { kind: 'complete' } };

/** Hand the worker a job in the form that answers its grab; wait for the driver's `job` event. */
export async function assignJob(w: WorkerSetup, job: Partial<AssignedJob> & { handle: string }, grab = w.grab): Promise<EventOf<'job'>> {
  w.conn.assign(grab, { function: w.fn, data: '', ...job });
  return w.driver.expect('job', `the worker receives job ${job.handle}`, (e) => e.handle === job.handle);
}

/** After a job, the same worker process asks for more work (grab or PRE_SLEEP): it survived. */
export async function expectStillWorking(w: WorkerSetup, what = 'the same worker process asks for the next job'): Promise<Packet> {
  return w.conn.expect([T.GRAB_JOB, T.GRAB_JOB_UNIQ, T.GRAB_JOB_ALL, T.PRE_SLEEP], { expected: [what] });
}

/** Behaviour ending with `outcome` after `steps`. */
export const behave = (outcome: BehaviourOutcome, steps: Behaviour['steps'] = []): Behaviour => ({ steps, outcome });
