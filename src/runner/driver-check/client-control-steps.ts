/**
 * Client steps about the control protocol itself: an op the driver does not know must be answered
 * by an `error` event (with the command's id) and must not stop the driver.
 */
import type { DriverCommand } from '../../peers/drivers/protocol.js';
import type { CheckContext } from './context.js';
import { FN } from './client-setup.js';
import { roundTrip } from './client-jobs.js';
import { isProtocolViolation } from './probe.js';
import { fail } from './step-failure.js';
import type { CheckStep } from './types.js';

const UNKNOWN_OP = 'gearspec-driver-check-unknown-op';

export const unknownOpStep: CheckStep<CheckContext> = {
  name: 'unknown op: error event, driver keeps working',
  errorsExpected: true,
  async run(ctx) {
    const c = ctx.subject;
    const id = c.id('unknown');
    // Deliberately outside the protocol's type: a newer harness may send ops this driver lacks.
    const bogus = { op: UNKNOWN_OP, id } as unknown as DriverCommand;
    c.send(bogus);
    const answer = await c.first(
      (e) => (e.event === 'error' && !isProtocolViolation(e) && (e.id === id || e.id === undefined)) || (e.event === 'done' && e.id === id) || e.event === 'exited',
      `an error event for the unknown op (id ${id})`,
    );
    const fix = `answer a command whose op you do not know with {"event":"error","id":<its id>,"message":"unknown op ..."} (then done), and keep reading commands`;
    if (!answer) fail(`an error event for the unknown op ${JSON.stringify(UNKNOWN_OP)} (id ${id})`, c.instead(ctx.timeoutMs, id), fix);
    if (answer.event === 'exited') fail('the driver to survive an unknown op', `it exited (code ${answer.code}, signal ${answer.signal})`, fix);
    if (answer.event === 'done') fail(`an error event for the unknown op (id ${id})`, 'only done: the driver silently ignored a command it does not know', fix);
    await c.maybe('done', (e) => e.id === id, ctx.quietMs);
    const r = await roundTrip(ctx, { function: FN.echo, payload: Buffer.from('still alive?') });
    const msg = answer.event === 'error' ? answer.message : '';
    if (answer.event === 'error' && answer.id === undefined) {
      return {
        status: 'warn',
        message: `answered with an error without the command's id (${JSON.stringify(msg)}); still works (job ${r.id})`,
        fix: "put the command's id in the error event, so the harness can tell which command failed",
      };
    }
    return { message: `error ${JSON.stringify(msg.slice(0, 80))}; the next job still ran` };
  },
};
