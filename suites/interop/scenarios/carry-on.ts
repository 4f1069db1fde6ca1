/**
 * After a server fault (a restart, one of several servers going down, spec §4.16): do the
 * client and the worker carry on? Each side gets a part of the outcome label: the client `ok`
 * (the job ran), `error-then-ok`, `error` (both submits failed), `wrong-result` (a result that is
 * not the job's), `waiting` (a handle and no result), `stuck` (no answer) or `gone` (exited); the
 * worker `back` (it ran a job after the fault), `registered` (the server lists it for the
 * function, but no job reached it), `absent` or `gone`.
 */
import type { CellContext } from '../../../src/interop/types.js';
import type { DriverTap } from '../tap.js';
import { b64, errorsOf, runJob, sequence, statusRow, unb64 } from './helpers.js';

export type ClientPart = 'ok' | 'error-then-ok' | 'error' | 'wrong-result' | 'waiting' | 'stuck' | 'gone';
export type WorkerPart = 'back' | 'registered' | 'absent' | 'gone';

export interface CarryOn {
  readonly client: ClientPart;
  readonly worker: WorkerPart;
  readonly detail: string;
}

/**
 * The jobs after the fault: a job through the client to `fn` (and once more if the library
 * reported an error for the first: an application retries a failed submit), and what the client
 * and the worker did with them. `statusAt` is the server whose `status` shows whether the worker
 * is registered there again when it got no job.
 */
export async function carryOn(ctx: CellContext, { client, worker, fn }: { readonly client: DriverTap; readonly worker: DriverTap; readonly fn: string }, statusAt: string): Promise<CarryOn> {
  const jobs: string[] = [];
  let client_: ClientPart = 'stuck';
  for (const [attempt, payload] of ['after', 'retry'].entries()) {
    const run = await runJob(client, { function: fn, payload: b64(payload) }, ctx.timing.eventMs);
    jobs.push(`${payload}: ${sequence(run.events)}`);
    if (run.events.some((e) => e.event === 'complete' && unb64(e.payload).toString() === payload)) {
      client_ = attempt === 0 ? 'ok' : 'error-then-ok';
      break;
    }
    if (client.exited) client_ = 'gone';
    else if (run.events.some((e) => e.event === 'complete')) client_ = 'wrong-result';
    else if (!run.done) client_ = run.handle ? 'waiting' : 'stuck';
    else client_ = 'error';
    // An application retries a submit its library reported as failed, once; not one that hangs.
    if (client_ !== 'error' || errorsOf(run.events).length === 0) break;
  }
  const clientHasResult = client_ === 'ok' || client_ === 'error-then-ok';
  const worker_ = await workerPart(worker, fn, statusAt, clientHasResult ? ctx.timing.eventMs : ctx.timing.quietMs);
  return { client: client_, worker: worker_, detail: `after the fault: ${jobs.join('; ')}; worker ${worker_}` };
}

/**
 * What the worker did after the fault: ran a job (read for up to `waitMs`: long when the client
 * has its result, so the worker's report is on its way), or is at least listed by the server again.
 */
async function workerPart(worker: DriverTap, fn: string, address: string, waitMs: number): Promise<WorkerPart> {
  const after = await worker.waitFor((e) => e.event === 'job' && e.function === fn && ['after', 'retry'].includes(unb64(e.payload).toString()), waitMs);
  if (after) return 'back';
  if (worker.exited) return 'gone';
  const row = await statusRow(address, fn, waitMs, (r) => r.workers > 0);
  return row && row.workers > 0 ? 'registered' : 'absent';
}
