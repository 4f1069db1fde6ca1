/**
 * The worker steps. Main session: register every non-terminal case (each a step; a declined
 * optional form is "not supported"), `work`, one job per case, then the stop sequence. Then one
 * fresh session per case that may end the process: the throw forms, `die` and `exit`.
 */
import type { ExternalDriver } from '../../peers/drivers/index.js';
import type { CheckContext } from './context.js';
import { describeGone, goneWithin, stopWorkerStep } from './exits.js';
import { showBytes } from './payloads.js';
import { fail } from './step-failure.js';
import type { CheckStep, StepNote } from './types.js';
import { describeBehaviour, MAIN_CASES, SESSION_CASES, type WorkerCase } from './worker-cases.js';
import { deliverJob, register, runWorkerJob, startWork } from './worker-jobs.js';

const REFUSE_FIX = 'a driver may decline only what its library cannot express (a non-native form); every step kind and the native outcomes, die and exit must be supported';

function registerStep(c: WorkerCase, refused: Map<string, string>): CheckStep<CheckContext> {
  return {
    name: `register ${c.function}: ${describeBehaviour(c.behaviour)}`,
    errorsExpected: true,
    async run(ctx) {
      const answer = await register(ctx, c.function, c.behaviour);
      if (answer.accepted) return { message: `${c.function} registered` };
      refused.set(c.function, answer.reason);
      if (!c.optional) fail(`the driver to accept ${c.name}`, `it declined: ${JSON.stringify(answer.reason)}`, REFUSE_FIX);
      return { status: 'unsupported', message: `declined with an error for the register: ${JSON.stringify(answer.reason)}` };
    },
  };
}

const workStep: CheckStep<CheckContext> = {
  name: 'work',
  async run(ctx) {
    await startWork(ctx);
    return { message: "done, then the library's work loop" };
  },
};

function jobStep(c: WorkerCase, refused: ReadonlyMap<string, string>): CheckStep<CheckContext> {
  return {
    name: `job: ${c.name}`,
    functions: [c.function],
    async run(ctx): Promise<StepNote> {
      const why = refused.get(c.function);
      if (why !== undefined) return { status: 'unsupported', message: `not run: the driver declined the register (${JSON.stringify(why)})` };
      if (ctx.subject.exited) fail('the worker to be running', ctx.subject.instead(0), 'the worker must keep working after every job it survives');
      return { message: await runWorkerJob(ctx, c) };
    },
  };
}

/** A fresh worker (and reference client) for one case; stopped when the step ends. */
async function inSession<T>(ctx: CheckContext, driver: ExternalDriver, c: WorkerCase, body: () => Promise<T>): Promise<T> {
  const subject = await ctx.lab.startSubject(driver, 'worker', c.name);
  const partner = await ctx.lab.startPartner('client');
  ctx.useSession(subject, partner);
  try {
    return await body();
  } finally {
    await Promise.all([ctx.lab.stop(subject), ctx.lab.stop(partner)]);
  }
}

/** A throw: the library decides; the driver must report `finished`, and never hide a failure. */
async function runThrow(ctx: CheckContext, c: WorkerCase): Promise<StepNote> {
  const s = ctx.subject;
  const p = ctx.partner;
  const answer = await register(ctx, c.function, c.behaviour);
  if (!answer.accepted) return { status: 'unsupported', message: `declined with an error for the register: ${JSON.stringify(answer.reason)}` };
  await startWork(ctx);
  const { id, run } = await deliverJob(ctx, c);
  const kind = c.behaviour.outcome.kind;
  const finished = await s.expect('finished', (e) => e.handle === run.handle, `a finished event for ${run.handle} before the function throws`, 'emit finished just before throwing', ctx.timeoutMs);
  if (finished.outcome !== kind) fail(`finished.outcome to be "${kind}"`, JSON.stringify(finished.outcome), "report the behaviour's outcome kind in finished");
  // Whatever the library does: a result at the client, or the process going away (or both).
  const end = await p.tap.waitFor((e) => (e.event === 'complete' || e.event === 'fail' || e.event === 'exception') && e.id === id, ctx.timeoutMs);
  // A library that rethrows into the application ends the process soon after its result packet.
  const gone = await goneWithin(s.handle, end ? Math.min(ctx.timeoutMs, 1000) : ctx.quietMs);
  await s.drain(20);
  const clientSaw = end ? (end.event === 'fail' ? 'fail' : `${end.event} ${showBytes(Buffer.from('payload' in end ? end.payload : '', 'base64'))}`) : 'nothing';
  if (gone) {
    const errors = s.errorsFor();
    if (errors.length === 0)
      fail(
        "an error event before the worker exits (the library's failure, in its words)",
        `the worker ended (${describeGone(gone)}) without reporting an error; the client got ${clientSaw}`,
        'when the library\'s work loop fails, emit {"event":"error","message":<the library\'s error>} and then exit non-zero',
      );
    if (gone.code === 0)
      fail("a non-zero exit status when the library's work loop fails", `exit code 0 after ${JSON.stringify(errors[0]!.message)}`, "exit non-zero when the library's work loop fails");
    return { message: `the library turned the throw into: client ${clientSaw}; then the worker ended (${describeGone(gone)}) after reporting ${JSON.stringify(errors[0]!.message.split('\n')[0])}` };
  }
  if (!end)
    return {
      status: 'warn',
      message: `the client got nothing within ${ctx.timeoutMs} ms and the worker is still running`,
      fix: "if the library swallowed the throw without a result, that is the library's behaviour; check that the driver rethrows into the library (not around it)",
    };
  const errs = s.errorsFor().map((e) => JSON.stringify(e.message.split('\n')[0]));
  return { message: `the library turned the throw into: client ${clientSaw}; the worker kept running${errs.length ? ` (it reported ${errs.join(', ')})` : ''}` };
}

/** die / exit: the process goes away holding the job, without a result. */
async function runGone(ctx: CheckContext, c: WorkerCase): Promise<StepNote> {
  const s = ctx.subject;
  const answer = await register(ctx, c.function, c.behaviour);
  if (!answer.accepted) fail(`the driver to accept ${c.name}`, `it declined: ${JSON.stringify(answer.reason)}`, REFUSE_FIX);
  await startWork(ctx);
  const { run } = await deliverJob(ctx, c);
  const gone = await goneWithin(s.handle, ctx.timeoutMs);
  await s.drain(20);
  const o = c.behaviour.outcome;
  const how = o.kind === 'exit' ? `exit with status ${o.code}` : 'kill itself with SIGKILL (no result, no goodbye)';
  if (!gone) fail(`the process to ${how} while holding ${run.handle}`, `it was still running ${ctx.timeoutMs} ms after the job event`, `on a ${o.kind} outcome, ${how}`);
  const finished = s.tap.seen.find((e) => e.event === 'finished');
  if (finished) fail(`no finished event for a ${o.kind} outcome (no result is sent)`, 'finished came', 'send finished only when the function ends the job with a result');
  if (o.kind === 'exit' && (gone.code !== o.code || gone.signal))
    fail(`exit status ${o.code}`, describeGone(gone), `call the language's exit with the outcome's code (${o.code}) from inside the worker function`);
  return { message: `the process went away holding the job (${describeGone(gone)})` };
}

function sessionStep(driver: ExternalDriver, c: WorkerCase): CheckStep<CheckContext> {
  return {
    name: `fresh worker: ${c.name}`,
    functions: [c.function],
    errorsExpected: true,
    run: (ctx) => inSession(ctx, driver, c, () => (c.sees.kind === 'gone' ? runGone(ctx, c) : runThrow(ctx, c))),
  };
}

export function workerSteps(driver: ExternalDriver): CheckStep<CheckContext>[] {
  const refused = new Map<string, string>();
  return [...MAIN_CASES.map((c) => registerStep(c, refused)), workStep, ...MAIN_CASES.map((c) => jobStep(c, refused)), stopWorkerStep, ...SESSION_CASES.map((c) => sessionStep(driver, c))];
}
