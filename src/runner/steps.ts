/**
 * Reusable protocol steps for cases: submit and wait for the handle, register a worker, grab a
 * job. Each step reads under the run's deadline and fails with Expected[] vs Actual.
 */
import { parseStatusRows, type StatusRow } from '../protocol/admin.js';
import { T, packetName } from '../protocol/constants.js';
import type { Arg, Packet } from '../protocol/packet.js';
import type { CaseContext } from './context.js';
import { check } from './failures.js';
import type { ConnEvent } from '../transport/connection.js';
import type { Probe } from './probe.js';

export const text = (b: Buffer | undefined): string => (b ? b.toString('latin1') : '');

/** Send a SUBMIT_* and return the handle from JOB_CREATED. */
export async function submit(client: Probe, type: number, fn: string, unique: Arg, data: Arg, feature?: string): Promise<string> {
  client.send(type, fn, unique, data);
  const p = feature ? await client.expectOrUnsupported(T.JOB_CREATED, feature) : await client.expect(T.JOB_CREATED, { expected: [`JOB_CREATED for ${packetName(type)} ${fn}`] });
  const handle = text(p.args[0]);
  check(handle.length > 0 && handle.length <= 63, 'a job handle of 1-63 bytes (spec §4.1)', `handle ${JSON.stringify(handle)} (${handle.length} bytes)`);
  return handle;
}

/** A connection that has sent CAN_DO for each function (no reply expected). */
export async function worker(ctx: CaseContext, label: string, fns: readonly string[]): Promise<Probe> {
  const w = await ctx.connect(label);
  for (const f of fns) w.send(T.CAN_DO, f);
  return w;
}

/** GRAB_JOB (or a variant) and expect an assignment; NOOPs are skipped. */
export async function grab(w: Probe, grabType: number = T.GRAB_JOB, assignTypes: readonly number[] = [T.JOB_ASSIGN, T.JOB_ASSIGN_UNIQ, T.JOB_ASSIGN_ALL]): Promise<Packet> {
  w.send(grabType);
  return w.expect(assignTypes, { skip: [T.NOOP], expected: [`${assignTypes.map(packetName).join(' or ')} for ${packetName(grabType)} on ${w.label}`] });
}

/** GRAB_JOB and return the assignment or undefined for NO_JOB. */
export async function grabOrNone(w: Probe, grabType: number = T.GRAB_JOB): Promise<Packet | undefined> {
  w.send(grabType);
  const p = await w.expect([T.JOB_ASSIGN, T.JOB_ASSIGN_UNIQ, T.JOB_ASSIGN_ALL, T.NO_JOB], { skip: [T.NOOP] });
  return p.type === T.NO_JOB ? undefined : p;
}

/** GRAB_JOB must get NO_JOB; an assignment fails, naming its handle (or with `shown` 1, its function). */
export async function expectNoJob(w: Probe, expected = 'NO_JOB', shown: 0 | 1 = 0): Promise<void> {
  const got = await grabOrNone(w);
  check(got === undefined, expected, got ? `JOB_ASSIGN ${text(got.args[shown])}` : '');
}

/** Whether a NOOP arrives within `ms` (stops watching at the first one). */
export async function noopWithin(w: Probe, ms: number): Promise<boolean> {
  const isNoop = (e: ConnEvent): boolean => e.kind === 'packet' && e.packet.type === T.NOOP;
  return (await w.collect(ms, (es) => es.some(isNoop))).some(isNoop);
}

/**
 * ECHO round trip as a barrier: packets without a reply (CAN_DO, SET_CLIENT_ID, WORK_STATUS) sent
 * before it have been processed once ECHO_RES arrives.
 */
export async function sync(p: Probe, expected?: string): Promise<void> {
  p.send(T.ECHO_REQ, 'sync');
  await p.expect(T.ECHO_RES, expected === undefined ? {} : { expected: [expected] });
}

/** A connection "worker" that set client id `id` and sent CAN_DO for each function, then synced. */
export async function workerWithId(ctx: CaseContext, id: string, fns: readonly string[], expected?: string): Promise<Probe> {
  const w = await ctx.connect('worker');
  w.send(T.SET_CLIENT_ID, id);
  for (const f of fns) w.send(T.CAN_DO, f);
  await sync(w, expected);
  return w;
}

interface RunningJob {
  readonly client: Probe;
  readonly worker: Probe;
  readonly handle: string;
  readonly fn: string;
  readonly assign: Packet;
}

interface JobOptions {
  readonly data?: Arg;
  readonly unique?: Arg;
  /** OPTION_REQ the client sets (and sees acknowledged) before it submits. */
  readonly clientOption?: string;
}

/**
 * Connection "client" submits a `type` job for `fn` (data "x" unless given), connection "worker"
 * registers `fn` and grabs it. The assignment is returned unchecked.
 */
export async function submitAndGrab(ctx: CaseContext, fn: string, type: number, options: JobOptions = {}): Promise<RunningJob> {
  const client = await ctx.connect('client');
  if (options.clientOption) {
    client.send(T.OPTION_REQ, options.clientOption);
    await client.expect(T.OPTION_RES);
  }
  const handle = await submit(client, type, fn, options.unique ?? '', options.data ?? 'x');
  const w = await worker(ctx, 'worker', [fn]);
  const assign = await grab(w);
  return { client, worker: w, handle, fn, assign };
}

/** Client submits a foreground job, a worker grabs it: the common start of forwarding cases. */
export async function runningJob(ctx: CaseContext, options: JobOptions & { type?: number } = {}): Promise<RunningJob> {
  const j = await submitAndGrab(ctx, ctx.fn('job'), options.type ?? T.SUBMIT_JOB, { ...options, data: options.data ?? 'payload' });
  check(text(j.assign.args[0]) === j.handle, `JOB_ASSIGN for handle ${j.handle}`, `JOB_ASSIGN for ${text(j.assign.args[0])}`);
  return j;
}

/** STATUS_RES for `handle` on `p`: [known, running, numerator, denominator]. */
export async function getStatus(p: Probe, handle: string): Promise<[string, string, string, string]> {
  p.send(T.GET_STATUS, handle);
  const s = await p.expect(T.STATUS_RES, { expected: [`STATUS_RES for ${handle}`] });
  check(text(s.args[0]) === handle, `STATUS_RES echoing handle ${handle}`, `handle ${JSON.stringify(text(s.args[0]))}`);
  return [text(s.args[1]), text(s.args[2]), text(s.args[3]), text(s.args[4])];
}

/** GET_STATUS for `handle` must report these known/running flags; returns the whole status. */
export async function expectStatus(p: Probe, handle: string, known: '0' | '1', running: '0' | '1'): Promise<[string, string, string, string]> {
  const s = await getStatus(p, handle);
  check(s[0] === known && s[1] === running, `known=${known} running=${running}`, `known=${s[0]} running=${s[1]}`);
  return s;
}

/** Send an admin command on a fresh connection labelled "admin" and read its reply. */
export async function adminOn(ctx: CaseContext, command: string): Promise<string[]> {
  return (await ctx.connect('admin')).admin(command);
}

/** Admin `status` row for one function, or undefined when it is not listed. */
export async function statusRow(p: Probe, fn: string): Promise<Omit<StatusRow, 'function'> | undefined> {
  const row = parseStatusRows(await p.admin('status')).find((r) => r.function === fn);
  if (!row) return undefined;
  // The counts only: failure messages print the row as JSON, as they did before the fold.
  const { function: _name, ...counts } = row;
  return counts;
}

/**
 * After a late WORK_* from the worker that ended the job: an ECHO round trip on the worker's
 * connection shows positively whether the server answered ERROR before it, or nothing.
 */
export async function lateResultAnswer(worker: Probe): Promise<'error' | 'ignored'> {
  worker.send(T.ECHO_REQ, 'after-late-result');
  const p = await worker.expect([T.ERROR, T.ECHO_RES], { expected: ['ERROR for the late result, or the ECHO_RES that follows it'] });
  if (p.type === T.ECHO_RES) return 'ignored';
  await worker.expect(T.ECHO_RES, { expected: ['ECHO_RES after the ERROR'] });
  return 'error';
}
