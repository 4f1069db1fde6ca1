/**
 * How a driver ends: `quit` (a client reads it and exits 0), and the harness's stop sequence for a
 * worker inside its library's loop (quit, close the control connection, SIGTERM, SIGKILL after a
 * grace period) — a worker must be gone before the SIGKILL. Both are bounded by the deadline.
 */
import { within } from '../../deadline.js';
import type { DriverHandle } from '../../peers/drivers/index.js';
import type { CheckContext } from './context.js';
import { fail } from './step-failure.js';
import type { CheckStep } from './types.js';

type Gone = Awaited<DriverHandle['gone']>;

/** How the process ended, or undefined when it is still running after `ms`. */
export const goneWithin = (handle: DriverHandle, ms: number): Promise<Gone | undefined> => within(handle.gone, ms);

export const describeGone = (g: Gone): string => (g.signal ? `killed by ${g.signal}` : `exit code ${g.code}`);

export const quitStep: CheckStep<CheckContext> = {
  name: 'quit: exits 0',
  async run(ctx) {
    const t0 = Date.now();
    ctx.subject.send({ op: 'quit' });
    const gone = await goneWithin(ctx.subject.handle, ctx.timeoutMs);
    if (!gone)
      fail(`the process to exit within ${ctx.timeoutMs} ms of quit`, `it was still running ${ctx.timeoutMs} ms later`, 'on {"op":"quit"}, close the library\'s connections and exit with status 0');
    if (gone.code !== 0) fail('exit status 0 after quit', describeGone(gone), 'exit with status 0 after quit: a non-zero status means the library failed');
    return { message: `exited 0 after ${Date.now() - t0} ms` };
  },
};

/** The grace handle.stop() gives between SIGTERM and SIGKILL (src/peers/drivers/native.ts). */
const STOP_GRACE_MS = 1500;

export const stopWorkerStep: CheckStep<CheckContext> = {
  name: 'stop: the working worker exits within the grace',
  async run(ctx) {
    const handle = ctx.subject.handle;
    if (handle.exited) fail('the worker to be running before it is stopped', ctx.subject.instead(0), 'the worker should keep working until it is stopped');
    const t0 = Date.now();
    await ctx.lab.stop(handle);
    const gone = await goneWithin(handle, ctx.timeoutMs);
    const ms = Date.now() - t0;
    if (!gone)
      fail(
        'the process to be gone once stopped',
        'it is still running after SIGKILL',
        'a process that survives SIGKILL is stuck in the kernel (uninterruptible I/O): check what the driver does on exit',
      );
    if (gone.signal === 'SIGKILL')
      fail(
        `the worker to exit on quit, on the control connection closing, or on SIGTERM within ${STOP_GRACE_MS} ms`,
        `it needed SIGKILL (${ms} ms)`,
        'do not block or ignore SIGTERM; or watch the control connection and exit when it closes',
      );
    return { message: `gone after ${ms} ms (${describeGone(gone)})` };
  },
};
