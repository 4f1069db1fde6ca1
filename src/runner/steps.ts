/**
 * Reusable protocol steps for cases: submit and wait for the handle, register a worker, grab a
 * job. Each step reads under the run's deadline and fails with Expected[] vs Actual.
 */
import { T, packetName } from '../protocol/constants.js';
import type { Arg, Packet } from '../protocol/packet.js';
import type { CaseContext } from './context.js';
import { check } from './failures.js';
import type { Probe } from './probe.js';

export const text = (b: Buffer | undefined): string => (b ? b.toString('latin1') : '');

/** Send a SUBMIT_* and return the handle from JOB_CREATED. */
export async function submit(client: Probe, type: number, fn: string, unique: Arg, data: Arg, feature?: string): Promise<string> {
  client.send(type, fn, unique, data);
  const p = feature ? await client.expectOrUnsupported(T.JOB_CREATED, feature) : await client.expect(T.JOB_CREATED, { expected: [`JOB_CREATED for ${packetName(type)} ${fn}`] });
  const handle = text(p.args[0]);
  check(handle.length > 0 && handle.length <= 63, 'a job handle of 1-63 bytes (protocol.md §4.1)', `handle ${JSON.stringify(handle)} (${handle.length} bytes)`);
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

export interface RunningJob {
  readonly client: Probe;
  readonly worker: Probe;
  readonly handle: string;
  readonly fn: string;
  readonly assign: Packet;
}

/** Client submits a foreground job, a worker grabs it: the common start of forwarding cases. */
export async function runningJob(ctx: CaseContext, options: { data?: Arg; unique?: Arg; type?: number; clientOption?: string } = {}): Promise<RunningJob> {
  const fn = ctx.fn('job');
  const client = await ctx.connect('client');
  if (options.clientOption) {
    client.send(T.OPTION_REQ, options.clientOption);
    await client.expect(T.OPTION_RES);
  }
  const handle = await submit(client, options.type ?? T.SUBMIT_JOB, fn, options.unique ?? '', options.data ?? 'payload');
  const w = await worker(ctx, 'worker', [fn]);
  const assign = await grab(w);
  check(text(assign.args[0]) === handle, `JOB_ASSIGN for handle ${handle}`, `JOB_ASSIGN for ${text(assign.args[0])}`);
  return { client, worker: w, handle, fn, assign };
}

/** STATUS_RES for `handle` on `p`: [known, running, numerator, denominator]. */
export async function getStatus(p: Probe, handle: string): Promise<[string, string, string, string]> {
  p.send(T.GET_STATUS, handle);
  const s = await p.expect(T.STATUS_RES, { expected: [`STATUS_RES for ${handle}`] });
  check(text(s.args[0]) === handle, `STATUS_RES echoing handle ${handle}`, `handle ${JSON.stringify(text(s.args[0]))}`);
  return [text(s.args[1]), text(s.args[2]), text(s.args[3]), text(s.args[4])];
}

/** Admin `status` row for one function, or undefined when it is not listed. */
export async function statusRow(p: Probe, fn: string): Promise<{ total: number; running: number; workers: number } | undefined> {
  const lines = await p.admin('status');
  for (const l of lines) {
    const [name, total, running, workers] = l.split('\t');
    if (name === fn) return { total: Number(total), running: Number(running), workers: Number(workers) };
  }
  return undefined;
}

export const bytesEqual = (a: Buffer | undefined, b: Buffer): boolean => a !== undefined && a.equals(b);
