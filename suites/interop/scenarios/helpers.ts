/** Small building blocks the scenarios share: run one job, describe events, compare payloads. */
import { type DriverEvent, type SubmitJob, b64, unb64 } from '../../../src/peers/drivers/index.js';
import type { DriverTap } from '../tap.js';
import type { CellContext } from '../../../src/interop/types.js';
import { parseStatusRows, type StatusRow } from '../../../src/protocol/admin.js';
import { GearmanConnection } from '../../../src/transport/connection.js';

let seq = 0;
/** Job/command ids unique within the run. */
export const nextId = (prefix: string): string => `${prefix}-${++seq}`;

interface JobRun {
  readonly id: string;
  /** The driver finished the command (its `done` arrived). */
  readonly done: boolean;
  /** Events carrying the job id, in order (created, data…, complete/fail/exception, error). */
  readonly events: readonly DriverEvent[];
  readonly handle?: string;
}

/** Submit one job and follow it until the driver reports the command done (or the deadline). */
export async function runJob(tap: DriverTap, job: Omit<SubmitJob, 'id'> & { exceptions?: boolean }, timeoutMs: number): Promise<JobRun> {
  const id = nextId('j');
  tap.send({ op: 'submit', id, ...job });
  const done = await tap.waitFor((e) => e.event === 'done' && e.id === id, timeoutMs);
  const events = tap.eventsFor(id).filter((e) => e.event !== 'done');
  const created = events.find((e) => e.event === 'created');
  return { id, done: done !== undefined, events, ...(created && created.event === 'created' ? { handle: created.handle } : {}) };
}

/** "created, data<2 bytes>, complete<5 bytes>": a compact sequence for details. */
export function sequence(events: readonly DriverEvent[]): string {
  return events.map(short).join(', ') || '(nothing)';
}

export function short(e: DriverEvent): string {
  switch (e.event) {
    case 'data':
    case 'warning':
    case 'complete':
    case 'exception':
      return `${e.event}(${showBytes(unb64(e.payload))})`;
    case 'status':
      return `status(${e.numerator}/${e.denominator})`;
    case 'error':
      return `error(${e.message.split('\n')[0]!.slice(0, 160)})`;
    case 'created':
      return `created(${e.handle})`;
    default:
      return e.event;
  }
}

export function showBytes(b: Buffer): string {
  const printable = b.every((x) => x >= 0x20 && x < 0x7f);
  if (printable && b.length <= 32) return JSON.stringify(b.toString('latin1'));
  if (b.length <= 16) return `0x${b.toString('hex')}`;
  return `${b.length} bytes`;
}

export const terminal = (e: DriverEvent): boolean => e.event === 'complete' || e.event === 'fail' || e.event === 'exception';
export const errorsOf = (events: readonly DriverEvent[]): string[] => events.flatMap((e) => (e.event === 'error' ? [e.message.split('\n')[0]!] : []));

/**
 * Why the client refused a submit, when it did: its library cannot do what the scenario asks (the
 * exceptions option, a priority), so the driver answered the submit with an error and `done` and
 * no `created`. Call it after the wait for the job has come to nothing.
 */
export async function clientRefusal(ctx: CellContext, jobId: string): Promise<string | undefined> {
  // A refusal is answered at once, so its `done` is already queued; a quiet window bounds the read.
  if (!ctx.client.eventsFor(jobId).some((e) => e.event === 'done')) await ctx.client.waitFor((e) => e.event === 'done' && e.id === jobId, ctx.timing.quietMs);
  const events = ctx.client.eventsFor(jobId);
  if (events.some((e) => e.event === 'created') || !events.some((e) => e.event === 'done')) return undefined;
  return errorsOf(events)[0];
}

/** The job a worker received for `fn` (first unclaimed), or undefined. */
export async function workerJob(ctx: CellContext, fn: string, timeoutMs: number): Promise<Extract<DriverEvent, { event: 'job' }> | undefined> {
  const e = await ctx.worker.waitFor((x) => x.event === 'job' && x.function === fn, timeoutMs);
  return e?.event === 'job' ? e : undefined;
}

/** First difference between two buffers, for details. */
export function diffBytes(expected: Buffer, actual: Buffer): string {
  if (expected.equals(actual)) return 'identical';
  const n = Math.min(expected.length, actual.length);
  let i = 0;
  while (i < n && expected[i] === actual[i]) i++;
  return `lengths ${expected.length} vs ${actual.length}, first difference at byte ${i}`;
}

/** Deterministic bytes (LCG) so every run sends the same payloads. */
export function patternBytes(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/**
 * The server's own `status` row for `fn` (admin protocol, on a connection of its own), once
 * `until` holds for it or `timeoutMs` has passed: a positive signal of what the server believes.
 * Undefined when the server gave no row (or no answer) in that time.
 */
export async function statusRow(address: string, fn: string, timeoutMs: number, until: (row: StatusRow) => boolean = () => true): Promise<StatusRow | undefined> {
  const i = address.lastIndexOf(':');
  const deadline = Date.now() + timeoutMs;
  let last: StatusRow | undefined;
  for (let round = 0; round < 200 && Date.now() < deadline; round++) {
    const left = Math.max(1, deadline - Date.now());
    const conn = await GearmanConnection.connect({ host: address.slice(0, i), port: Number(address.slice(i + 1)), connectTimeoutMs: left }).catch(() => undefined);
    if (!conn) return last;
    try {
      const lines = await conn.admin('status', left).catch(() => undefined);
      if (!lines) return last;
      last = parseStatusRows(lines).find((r) => r.function === fn);
      if (last && until(last)) return last;
    } finally {
      conn.close();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return last;
}

export { b64, unb64 };
