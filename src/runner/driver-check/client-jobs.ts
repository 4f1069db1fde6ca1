/**
 * Following one job through the client under test: submit, `created`, the job's last event,
 * `done` — each with its own deadline and a failure that says which of them did not come and
 * what to change. Also the worker-side view: the `job` event the reference worker reports, so a
 * wrong payload is blamed on the right direction.
 */
import type { DriverEvent, JobPriority } from '../../peers/drivers/protocol.js';
import { b64 } from '../../peers/drivers/protocol.js';
import type { CheckContext } from './context.js';
import { payloadMismatch, showBytes } from './payloads.js';
import type { EventOf } from './probe.js';
import { fail } from './step-failure.js';

export type JobEnd = 'complete' | 'fail' | 'exception';
type EndEvent = EventOf<'complete'> | EventOf<'fail'> | EventOf<'exception'>;

export interface ClientJob {
  readonly function: string;
  readonly payload: Buffer;
  readonly unique?: string;
  readonly priority?: JobPriority;
  readonly background?: boolean;
  readonly exceptions?: boolean;
}

const isEnd = (e: DriverEvent): e is EndEvent => e.event === 'complete' || e.event === 'fail' || e.event === 'exception';

/** Send `submit` and wait for its `created`; the handle is checked for shape. */
export async function submitJob(ctx: CheckContext, job: ClientJob, idPrefix = 'j'): Promise<{ id: string; created: EventOf<'created'> }> {
  const c = ctx.subject;
  const id = c.id(idPrefix);
  c.send({
    op: 'submit',
    id,
    function: job.function,
    payload: b64(job.payload),
    ...(job.unique !== undefined ? { unique: job.unique } : {}),
    ...(job.priority ? { priority: job.priority } : {}),
    ...(job.background ? { background: true } : {}),
    ...(job.exceptions !== undefined ? { exceptions: job.exceptions } : {}),
  });
  const created = await c.expect(
    'created',
    (e) => e.id === id,
    `a created event for job ${id} (the server's JOB_CREATED)`,
    'emit {"event":"created","id":<the submit\'s id>,"handle":<job handle>} as soon as the library reports the job handle',
    ctx.timeoutMs,
    id,
  );
  checkHandle(created.handle);
  return { id, created };
}

export function checkHandle(handle: string): void {
  if (handle === '' || /\/\//.test(handle) || /\s/.test(handle)) {
    fail(
      'created.handle to be the job handle the server assigned (e.g. "H:host:12")',
      JSON.stringify(handle),
      'report the handle exactly as the server sent it in JOB_CREATED, with any library prefix (such as "host:port//") removed',
    );
  }
}

/** Wait for the job's last event and the command's `done`, in that order. */
export async function finishJob(ctx: CheckContext, id: string, end: JobEnd): Promise<EndEvent> {
  const c = ctx.subject;
  const last = await c.first((e) => isEnd(e) && e.id === id, `a ${end} event for job ${id}`);
  if (!last || !isEnd(last))
    fail(
      `a ${end} event for job ${id}`,
      c.instead(ctx.timeoutMs, id),
      `emit {"event":"${end}","id":"${id}"${end === 'fail' ? '' : ',"payload":<base64>'}} when the library reports the job's ${end === 'complete' ? 'result' : end}`,
    );
  if (last.event !== end) fail(`the job to end with ${end}`, `it ended with ${last.event}`, `relay the library's ${end} callback/result as a ${end} event (not as ${last.event})`);
  const done = await c.expect(
    'done',
    (e) => e.id === id,
    `a done event for ${id} after its ${end} event`,
    'emit {"event":"done","id":<command id>} once the command has finished (for a foreground job: after its last event)',
    ctx.timeoutMs,
    id,
  );
  if (c.indexOf(done) < c.indexOf(last)) fail(`done for ${id} after its ${end} event`, 'done came first', 'send done only when the job has ended');
  return last;
}

/** The `job` event of the reference worker for this job (the bytes the client library sent). */
export async function workerReceived(ctx: CheckContext, fn: string, handle: string): Promise<EventOf<'job'>> {
  const found = await ctx.partner.maybe('job', (e) => e.handle === handle, ctx.timeoutMs);
  if (found) {
    if (found.function !== fn) fail(`job ${handle} to be for function ${fn}`, `the worker got it for ${JSON.stringify(found.function)}`, 'pass the submit\'s "function" to the library unchanged');
    return found;
  }
  const other = ctx.partner.tap.seen.find((e): e is EventOf<'job'> => e.event === 'job' && e.function === fn);
  if (other) fail(`created.handle (${handle}) to be the handle of the job the server created`, `the worker got the job as ${other.handle}`, 'report the handle from JOB_CREATED unchanged');
  return fail(
    `the reference worker to receive the ${fn} job ${handle}`,
    ctx.partner.instead(ctx.timeoutMs),
    'check that the submit reached the server: the function name must be passed to the library unchanged',
  );
}

/** Fails when the worker got other bytes than were submitted (the client-to-library direction). */
export function checkSubmitted(job: EventOf<'job'>, sent: Buffer): void {
  const wrong = payloadMismatch(sent, job.payload);
  if (wrong)
    fail(`the worker to receive the submitted ${showBytes(sent)}`, `at the worker: ${wrong}`, 'base64-decode the submit\'s "payload" and pass the raw bytes to the library, without text conversion');
}

/** Fails when the client reported other bytes than the worker sent (the library-to-driver direction). */
export function checkRelayed(what: string, got: string, expected: Buffer): void {
  const wrong = payloadMismatch(expected, got);
  if (wrong) fail(`the ${what} payload to be ${showBytes(expected)}`, wrong, 'base64-encode exactly the bytes the library returned (standard alphabet, with padding, no line breaks)');
}

/** Submit a foreground job and follow it to its end; checks both directions of the payload. */
export async function roundTrip(ctx: CheckContext, job: ClientJob, expectedResult: Buffer = job.payload): Promise<{ id: string; handle: string; end: EndEvent; atWorker: EventOf<'job'> }> {
  const { id, created } = await submitJob(ctx, job);
  const atWorker = await workerReceived(ctx, job.function, created.handle);
  checkSubmitted(atWorker, job.payload);
  const end = await finishJob(ctx, id, 'complete');
  if (end.event === 'complete') checkRelayed('complete', end.payload, expectedResult);
  return { id, handle: created.handle, end, atWorker };
}
