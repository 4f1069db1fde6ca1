/**
 * Driving the worker under test: `register` (accepted, or declined with an `error` carrying the
 * register's id), and one job from the reference client through the worker — the `job` event with
 * the exact bytes, the behaviour's steps as the client sees them, a gate held until `release`,
 * `finished`, and the result at the client.
 */
import type { Behaviour } from '../../peers/drivers/protocol.js';
import { b64 } from '../../peers/drivers/protocol.js';
import type { CheckContext } from './context.js';
import { payloadMismatch, showBytes } from './payloads.js';
import type { EventOf } from './probe.js';
import { fail } from './step-failure.js';
import { STEP_DATA, STEP_STATUS, STEP_WARNING, type WorkerCase } from './worker-cases.js';

type RegisterAnswer = { readonly accepted: true } | { readonly accepted: false; readonly reason: string };

export async function register(ctx: CheckContext, fn: string, behaviour: Behaviour): Promise<RegisterAnswer> {
  const s = ctx.subject;
  const id = s.id('reg');
  s.send({ op: 'register', id, function: fn, behaviour });
  await s.expect('done', (e) => e.id === id, `done for register ${id} (${fn})`, 'answer every register with done (after an error event if the behaviour cannot be expressed)', ctx.timeoutMs, id);
  const errors = s.errorsFor();
  const own = errors.find((e) => e.id === id);
  if (own) return { accepted: false, reason: own.message };
  if (errors[0])
    fail(`an error for a refused register to carry the register's id (${id})`, `an error without that id: ${JSON.stringify(errors[0].message)}`, "put the register command's id in the error event");
  return { accepted: true };
}

export async function startWork(ctx: CheckContext): Promise<void> {
  const s = ctx.subject;
  const id = s.id('work');
  s.send({ op: 'work', id });
  await s.expect('done', (e) => e.id === id, `done for work ${id}, sent just before the library's work loop starts`, "emit done for work, then enter the library's work loop", ctx.timeoutMs, id);
}

type ClientEnd = EventOf<'complete'> | EventOf<'fail'> | EventOf<'exception'>;
const isClientEnd = (e: { event: string }): e is ClientEnd => e.event === 'complete' || e.event === 'fail' || e.event === 'exception';

interface WorkerJobRun {
  readonly handle: string;
  readonly job: EventOf<'job'>;
  readonly notes: string[];
}

/** Submit the case's job through the reference client and check the worker's `job` event. */
export async function deliverJob(ctx: CheckContext, c: WorkerCase): Promise<{ id: string; run: WorkerJobRun }> {
  const p = ctx.partner;
  const s = ctx.subject;
  const id = p.id('wj');
  p.send({
    op: 'submit',
    id,
    function: c.function,
    payload: b64(c.payload),
    ...(c.unique ? { unique: c.unique } : {}),
    ...(c.exceptions ? { exceptions: true } : {}),
    ...(c.background ? { background: true } : {}),
  });
  const created = await p.expect(
    'created',
    (e) => e.id === id,
    `the reference client to get a handle for the ${c.function} job`,
    "gearspec's own client could not submit: report it",
    ctx.timeoutMs,
    id,
  );
  const job = await s.expect(
    'job',
    (e) => e.function === c.function,
    `a job event for ${c.function} (handle ${created.handle})`,
    'emit {"event":"job","handle","function","payload"[,"unique"]} first thing when the library calls the worker function; the function must have been registered with the library under exactly this name',
    ctx.timeoutMs,
  );
  const notes: string[] = [];
  if (job.handle !== created.handle) fail(`job.handle to be ${created.handle} (the handle the server assigned)`, JSON.stringify(job.handle), 'report the job handle exactly as the library gives it');
  const wrong = payloadMismatch(c.payload, job.payload);
  if (wrong) fail(`job.payload to be ${showBytes(c.payload)}`, wrong, 'base64-encode exactly the workload bytes the library handed to the function');
  if (c.unique !== undefined) {
    if (job.unique === undefined) notes.push('job.unique not reported (allowed when the library does not expose it)');
    else if (job.unique !== c.unique)
      fail(
        `job.unique to be ${JSON.stringify(c.unique)}`,
        JSON.stringify(job.unique),
        'report the unique id the library received with the job, or leave the field out when the library does not expose it',
      );
  }
  return { id, run: { handle: job.handle, job, notes } };
}

/** What the client sees of the behaviour's steps: data, warning, status in order, exact bytes. */
async function checkSteps(ctx: CheckContext, id: string, behaviour: Behaviour): Promise<void> {
  const p = ctx.partner;
  for (const step of behaviour.steps ?? []) {
    if (step.kind === 'data' || step.kind === 'warning') {
      const bytes = step.kind === 'data' ? STEP_DATA : STEP_WARNING;
      const e = await p.expect(
        step.kind,
        (x) => x.id === id,
        `the client to receive the ${step.kind} step (WORK_${step.kind.toUpperCase()})`,
        `for a ${step.kind} step, call the library's send-${step.kind} function with the base64-decoded payload`,
        ctx.timeoutMs,
        id,
      );
      const wrong = payloadMismatch(bytes, e.payload);
      if (wrong) fail(`the ${step.kind} step's bytes ${showBytes(bytes)} at the client`, wrong, `base64-decode the step's payload and send the raw bytes`);
    } else if (step.kind === 'status') {
      const e = await p.expect(
        'status',
        (x) => x.id === id,
        'the client to receive the status step (WORK_STATUS)',
        "for a status step, call the library's send-status function with numerator and denominator",
        ctx.timeoutMs,
        id,
      );
      if (e.numerator !== String(STEP_STATUS.numerator) || e.denominator !== String(STEP_STATUS.denominator))
        fail(`status ${STEP_STATUS.numerator}/${STEP_STATUS.denominator} at the client`, `${e.numerator}/${e.denominator}`, 'pass the numerator and denominator unchanged');
    }
  }
}

/** Hold at the gate: `gated`, nothing finishes meanwhile, then `release` lets the job go on. */
async function checkGate(ctx: CheckContext, id: string, handle: string, gate: string): Promise<void> {
  const s = ctx.subject;
  await s.expect(
    'gated',
    (e) => e.handle === handle && e.gate === gate,
    `a gated event {handle ${handle}, gate ${gate}}`,
    'for a gate step, emit {"event":"gated","handle","gate"} and then read control commands until a release names that gate (or "*")',
    ctx.timeoutMs,
  );
  const early = await s.maybe('finished', (e) => e.handle === handle, ctx.quietMs);
  if (early) fail('the job to wait at the gate until release', 'finished came before any release', 'block in the worker function at a gate step, reading commands, until release');
  if (ctx.partner.eventsFor(id).some(isClientEnd)) fail('no result while the job waits at the gate', 'the client already got a result', 'block in the worker function at a gate step until release');
  s.send({ op: 'release', gate });
}

/** Run one main-session case end to end; returns what was seen. */
export async function runWorkerJob(ctx: CheckContext, c: WorkerCase): Promise<string> {
  const { id, run } = await deliverJob(ctx, c);
  const s = ctx.subject;
  const p = ctx.partner;
  await checkSteps(ctx, id, c.behaviour);
  const gate = c.behaviour.steps?.find((x) => x.kind === 'gate');
  if (gate?.kind === 'gate') await checkGate(ctx, id, run.handle, gate.gate);
  const kind = c.behaviour.outcome.kind;
  const finished = await s.expect(
    'finished',
    (e) => e.handle === run.handle,
    `a finished event for ${run.handle}`,
    'emit {"event":"finished","handle","outcome"} just before the worker function ends the job (return, throw or the explicit call)',
    ctx.timeoutMs,
  );
  if (finished.outcome !== kind) fail(`finished.outcome to be "${kind}"`, JSON.stringify(finished.outcome), "report the behaviour's outcome kind in finished");
  const end = await p.tap.waitFor((e) => isClientEnd(e) && e.id === id, ctx.timeoutMs);
  const sees = c.sees;
  const what = `the client to get ${sees.kind}${sees.kind === 'complete' || sees.kind === 'exception' ? ` ${showBytes(sees.payload)}` : ''}`;
  if (!end || !isClientEnd(end)) fail(what, `${p.instead(ctx.timeoutMs, id)}; the worker: ${s.instead(0)}`, 'end the job the way the behaviour says, so that the library sends its result packet');
  if (sees.kind === 'exception' && !sees.exact && end.event !== 'exception') {
    return `${run.notes.concat(`the library's native exception path sent ${end.event} (no exception) — its own choice`).join('; ')}`;
  }
  if (end.event !== sees.kind)
    fail(what, `the client got ${end.event}`, `end the job with the library's ${sees.kind} (${c.behaviour.outcome.kind}/${('form' in c.behaviour.outcome && c.behaviour.outcome.form) || 'native'})`);
  if (end.event === 'complete' || end.event === 'exception') {
    const expected = sees.kind === 'complete' || sees.kind === 'exception' ? sees.payload : Buffer.alloc(0);
    const wrong = payloadMismatch(expected, end.payload);
    if (wrong && sees.kind === 'exception' && !sees.exact) run.notes.push(`the library's native exception path changed the payload: ${wrong}`);
    else if (wrong) fail(what, `the client got ${wrong}`, "base64-decode the outcome's payload and hand the raw bytes to the library (for complete without payload: the job's own workload)");
  }
  await p.expect('done', (e) => e.id === id, `done for the reference client's job ${id}`, "gearspec's own client: report it", ctx.timeoutMs, id);
  return [`job ${run.handle} → finished ${finished.outcome} → client ${end.event}`, ...run.notes].join('; ');
}
