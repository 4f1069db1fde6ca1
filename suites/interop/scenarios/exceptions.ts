/**
 * WORK_EXCEPTION with and without OPTION_REQ "exceptions" (spec §4.9, alternative
 * `exception-terminal`): on gearmand the job ends; a client with the option gets WORK_EXCEPTION,
 * one without gets WORK_FAIL (with a trailing NUL). Perl Gearman::Server relays the exception to
 * opted-in clients only and keeps the job running until WORK_FAIL/COMPLETE.
 *
 * `exception-option` and `exception-no-option` send the exception with the library's explicit
 * call (form `call`). `exception-throw` makes the worker function raise (Perl die, PHP throw, a
 * JS throw) and lets the library decide what goes on the wire, to a client with the option; the
 * runner's fresh-job check then shows whether the worker survived its own exception.
 */
import type { OutcomeForm } from '../../../src/peers/drivers/index.js';
import type { Scenario } from '../../../src/interop/types.js';
import { b64, clientRefusal, errorsOf, sequence, terminal, unb64, workerJob } from './helpers.js';

const EXCEPTION = Buffer.from('boom\0exception');

interface ExceptionCase {
  readonly id: string;
  readonly title: string;
  readonly withOption: boolean;
  readonly form: OutcomeForm;
  /** What the reference implementations do. */
  readonly nominal: string;
}

function exceptionScenario(c: ExceptionCase): Scenario {
  const { id, withOption, form } = c;
  return {
    id,
    title: c.title,
    nominal: c.nominal,
    functions: (fn) => [{ function: fn(id), behaviour: { outcome: { kind: 'exception', payload: b64(EXCEPTION), form } } }],
    async run(ctx) {
      const fn = ctx.fn(id);
      const jobId = `x-${id}-${Date.now()}`;
      ctx.client.send({ op: 'submit', id: jobId, function: fn, payload: b64('raise'), exceptions: withOption });
      const job = await workerJob(ctx, fn, ctx.timing.eventMs);
      if (job) await ctx.worker.waitFor((e) => e.event === 'finished' && e.handle === job.handle, ctx.timing.eventMs);
      // The worker has sent its exception: the client gets a short while to settle.
      const done = await ctx.client.waitFor((e) => e.event === 'done' && e.id === jobId, job ? 1500 : ctx.timing.quietMs);
      const events = ctx.client.eventsFor(jobId).filter((e) => e.event !== 'done');
      const detail = `client saw: ${sequence(events)}${done ? '' : ' (still waiting)'}`;
      const refused = job ? undefined : await clientRefusal(ctx, jobId);
      if (refused !== undefined) return { outcome: 'client-refused', detail: `the client library refused the submit: ${refused}` };
      if (!job) return { outcome: 'worker-never-assigned', detail };
      if (errorsOf(events).length) return { outcome: 'client-error', detail };
      const ends = events.filter(terminal);
      const exc = ends.filter((e) => e.event === 'exception');
      const fails = ends.filter((e) => e.event === 'fail');
      if (!done) return { outcome: exc.length ? 'hung-after-exception' : 'no-result', detail };
      if (exc.length === 1 && fails.length === 0 && ends.length === 1) {
        // A thrown exception's bytes are the library's own (Perl: Storable-frozen die message).
        const payload = exc[0]!.event === 'exception' ? unb64(exc[0]!.payload) : Buffer.alloc(0);
        return { outcome: form === 'throw' || payload.equals(EXCEPTION) ? 'exception' : 'exception-payload-changed', detail };
      }
      if (exc.length === 1 && fails.length === 1) return { outcome: 'exception-then-fail', detail };
      if (exc.length === 0 && fails.length === 1 && ends.length === 1) return { outcome: 'failed', detail };
      return { outcome: 'wrong-end', detail };
    },
  };
}

export const exceptionWithOption = exceptionScenario({
  id: 'exception-option',
  title: 'WORK_EXCEPTION (explicit call) to a client that set OPTION_REQ exceptions',
  withOption: true,
  form: 'call',
  nominal: 'exception',
});
export const exceptionWithoutOption = exceptionScenario({
  id: 'exception-no-option',
  title: 'WORK_EXCEPTION (explicit call) to a client without the exceptions option',
  withOption: false,
  form: 'call',
  nominal: 'failed',
});
export const exceptionThrow = exceptionScenario({
  id: 'exception-throw',
  title: 'the worker function throws; the library decides the packets (client with the exceptions option)',
  withOption: true,
  form: 'throw',
  // The reference worker answers a throw with WORK_FAIL (src/worker/worker.ts).
  nominal: 'failed',
});
