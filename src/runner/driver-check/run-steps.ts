/**
 * Runs check steps one after another. Each step gets its own transcript and a backstop deadline on
 * top of the per-wait deadlines inside it, so a step that hangs is reported and the run goes on.
 * After a step the driver's events are scanned: a line that is not valid protocol, or an `error`
 * the step did not provoke, fails it even when everything awaited did come.
 */
import { beforeDeadline } from '../../deadline.js';
import { errorMessage } from '../../errors.js';
import { describeDriverEvent } from '../../peers/drivers/index.js';
import type { CheckContext } from './context.js';
import { violation } from './probe.js';
import { StepFailure } from './step-failure.js';
import type { CheckStep, StepResult } from './types.js';

/** The driver's own output from its handle's log (the part before the control traffic), last lines. */
export function driverOutputTail(logs: string, lines = 15): string {
  const body = logs.split('\n--- control traffic (recent) ---')[0] ?? '';
  const text = body.replace(/^--- .* driver output ---\n?/, '').trim();
  // The harness's own "started …" line says nothing about the driver.
  return text
    .split('\n')
    .filter((l) => !/^\[harness\] started /.test(l))
    .slice(-lines)
    .join('\n');
}

class StepTimeout extends Error {}

async function settle(ctx: CheckContext, step: CheckStep<CheckContext>): Promise<void> {
  const s = ctx.subject;
  if (!s.exited) await s.drain(20);
  const bad = s.violations()[0];
  if (bad) throw violation('the driver', bad, 'every line the driver sends to be one JSON object with a known "event" and its fields');
  if (!step.errorsExpected) {
    const err = s.errorsFor()[0];
    if (err) {
      throw new StepFailure({
        expected: 'no error event: every command of this step should have succeeded',
        actual: `the driver reported ${describeDriverEvent(err)}`,
        fix: 'if the library really failed here, the error is its own; otherwise the driver called it wrongly — see the message',
      });
    }
  }
}

export async function runStep(ctx: CheckContext, step: CheckStep<CheckContext>): Promise<StepResult> {
  await ctx.flush();
  const transcript = ctx.beginStep(step.functions);
  const t0 = Date.now();
  // Every wait inside a step has its own deadline; this only catches a step that never settles.
  const backstop = ctx.timeoutMs * 12 + 10_000;
  let result: Omit<StepResult, 'ms' | 'transcript' | 'name'>;
  try {
    const note = await beforeDeadline(step.run(ctx), backstop, () => new StepTimeout(`the step did not finish within ${backstop} ms`));
    await settle(ctx, step);
    result = { status: note.status ?? 'pass', message: note.message, ...(note.fix ? { fix: note.fix } : {}) };
  } catch (e) {
    if (e instanceof StepFailure) result = { status: 'fail', message: e.expected, expected: e.expected, actual: e.actual, fix: e.fix };
    else if (e instanceof StepTimeout)
      result = {
        status: 'fail',
        message: e.message,
        expected: 'the step to finish',
        actual: `${e.message}; ${ctx.subject.instead(backstop)}`,
        fix: 'see the transcript (--verbose) for the last command the driver did not answer',
      };
    else result = { status: 'fail', message: errorMessage(e).split('\n')[0] ?? 'error', expected: 'the step to run', actual: errorMessage(e), fix: 'see the driver output below' };
  }
  // A failed step may leave a job at a gate; only a step that passes may hand one on.
  if (!step.holdsGates || result.status === 'fail') ctx.releaseGates();
  const out: StepResult = {
    name: step.name,
    ...result,
    ms: Date.now() - t0,
    transcript: [...transcript],
    ...(result.status !== 'pass' && result.status !== 'unsupported' ? { driverOutput: driverOutputTail(ctx.subject.handle.logs()) } : {}),
  };
  return out;
}
