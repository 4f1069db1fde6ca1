/**
 * Client steps for what a worker sends while and when a job ends: WORK_DATA, WORK_WARNING,
 * WORK_STATUS, WORK_FAIL and WORK_EXCEPTION, each driven by one behaviour of the reference worker
 * and expected in order, with exact payloads, before the job's `done`.
 */
import type { CheckContext } from './context.js';
import { FN, RELAY } from './client-setup.js';
import { checkRelayed, finishJob, submitJob } from './client-jobs.js';
import type { EventOf } from './probe.js';
import { fail } from './step-failure.js';
import type { CheckStep } from './types.js';

const inOrder = (ctx: CheckContext, events: readonly EventOf<'data' | 'warning' | 'status' | 'complete'>[], what: string): void => {
  const idx = events.map((e) => ctx.subject.indexOf(e));
  if (idx.some((v, i) => i > 0 && v < idx[i - 1]!))
    fail(
      `${what} in the order the worker sent them`,
      `they came as ${[...events]
        .sort((a, b) => ctx.subject.indexOf(a) - ctx.subject.indexOf(b))
        .map((e) => e.event)
        .join(', ')}`,
      'emit events as the library delivers them, without reordering',
    );
};

const data: CheckStep<CheckContext> = {
  name: 'relay: data (WORK_DATA)',
  async run(ctx) {
    const { id } = await submitJob(ctx, { function: FN.data, payload: Buffer.from('stream') });
    const chunks: EventOf<'data'>[] = [];
    for (const [i, expected] of RELAY.data.entries()) {
      const e = await ctx.subject.expect(
        'data',
        (x) => x.id === id,
        `data event ${i + 1} of ${RELAY.data.length} for job ${id}`,
        'emit {"event":"data","id","payload"} from the library\'s data callback, once per WORK_DATA packet',
        ctx.timeoutMs,
        id,
      );
      checkRelayed(`data #${i + 1}`, e.payload, expected);
      chunks.push(e);
    }
    const end = await finishJob(ctx, id, 'complete');
    if (end.event === 'complete') checkRelayed('complete', end.payload, RELAY.result);
    inOrder(ctx, [...chunks, end as EventOf<'complete'>], 'the data events, then complete,');
    return { message: `${RELAY.data.length} data events with their exact bytes, then complete` };
  },
};

const warning: CheckStep<CheckContext> = {
  name: 'relay: warning (WORK_WARNING)',
  async run(ctx) {
    const { id } = await submitJob(ctx, { function: FN.warning, payload: Buffer.from('warn me') });
    const w = await ctx.subject.expect(
      'warning',
      (x) => x.id === id,
      `a warning event for job ${id}`,
      'emit {"event":"warning","id","payload"} from the library\'s warning callback',
      ctx.timeoutMs,
      id,
    );
    checkRelayed('warning', w.payload, RELAY.warning);
    const end = await finishJob(ctx, id, 'complete');
    if (end.event === 'complete') checkRelayed('complete', end.payload, RELAY.result);
    inOrder(ctx, [w, end as EventOf<'complete'>], 'the warning, then complete,');
    return { message: 'warning with its exact bytes, then complete' };
  },
};

const status: CheckStep<CheckContext> = {
  name: 'relay: status (WORK_STATUS)',
  async run(ctx) {
    const { id } = await submitJob(ctx, { function: FN.status, payload: Buffer.from('progress') });
    const seen: EventOf<'status'>[] = [];
    for (const [n, d] of RELAY.status) {
      const s = await ctx.subject.expect(
        'status',
        (x) => x.id === id,
        `a status event ${n}/${d} for job ${id}`,
        'emit {"event":"status","id","numerator","denominator"} from the library\'s status callback, once per WORK_STATUS',
        ctx.timeoutMs,
        id,
      );
      if (s.numerator !== n || s.denominator !== d)
        fail(`status ${n}/${d}`, `${JSON.stringify(s.numerator)}/${JSON.stringify(s.denominator)}`, 'report the numerator and denominator the library received (as strings or integers)');
      seen.push(s);
    }
    const end = await finishJob(ctx, id, 'complete');
    inOrder(ctx, [...seen, end as EventOf<'complete'>], 'the status events, then complete,');
    return { message: `status ${RELAY.status.map(([n, d]) => `${n}/${d}`).join(', ')}, then complete` };
  },
};

const failRelay: CheckStep<CheckContext> = {
  name: 'relay: fail (WORK_FAIL)',
  async run(ctx) {
    const { id } = await submitJob(ctx, { function: FN.fail, payload: Buffer.from('please fail') });
    await finishJob(ctx, id, 'fail');
    return { message: 'fail, then done' };
  },
};

const exception: CheckStep<CheckContext> = {
  name: 'relay: exception (WORK_EXCEPTION, exceptions: true)',
  async run(ctx) {
    const { id } = await submitJob(ctx, { function: FN.exception, payload: Buffer.from('raise'), exceptions: true });
    const c = ctx.subject;
    const last = await c.first((e) => (e.event === 'exception' || e.event === 'fail' || e.event === 'complete') && e.id === id, `an exception event for job ${id}`);
    if (last?.event === 'fail')
      fail(
        `an exception event for job ${id}`,
        'a fail event: the server sent WORK_FAIL, so the client did not ask for exceptions',
        'when the submit says "exceptions": true, have the library request the exceptions option (OPTION_REQ "exceptions") before submitting, and relay its exception callback',
      );
    if (last?.event !== 'exception')
      fail(`an exception event for job ${id}`, last ? `a ${last.event} event` : c.instead(ctx.timeoutMs, id), 'emit {"event":"exception","id","payload"} from the library\'s exception callback');
    checkRelayed('exception', last.payload, RELAY.exception);
    await c.expect('done', (e) => e.id === id, `done for ${id} after its exception`, 'emit done once the job has ended', ctx.timeoutMs, id);
    return { message: 'exception with its exact bytes, then done' };
  },
};

export const relaySteps: readonly CheckStep<CheckContext>[] = [data, warning, status, failRelay, exception];
