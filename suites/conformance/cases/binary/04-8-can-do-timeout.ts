/**
 * spec §4.8 CAN_DO_TIMEOUT: the body is function NUL timeout; gearmand reads milliseconds (1-999
 * raised to 1000) and requeues the job on expiry; Perl reads seconds and on expiry sends
 * WORK_FAIL(handle) to the listeners and ends the job.
 */
import { T } from '../../../../src/protocol/constants.js';
import type { Packet } from '../../../../src/protocol/packet.js';
import { alternative, type CaseDef, pass } from '../../../../src/runner/case-def.js';
import type { CaseContext } from '../../../../src/runner/context.js';
import { check, fail } from '../../../../src/runner/failures.js';
import type { ConnEvent } from '../../../../src/transport/connection.js';
import { grab, grabOrNone, submit, text } from '../../../../src/runner/steps.js';

const base = { section: '4.8', level: 'MUST' } as const;

/**
 * A client submits SUBMIT_JOB "slow"; a worker registers with CAN_DO_TIMEOUT(f, `timeout`), grabs
 * it and stays silent. The client is watched for up to 3 s (until its first event), then a second
 * worker (plain CAN_DO) grabs: what the timeout did shows in `seen` and `again`.
 */
async function holdPastTimeout(ctx: CaseContext, timeout: string): Promise<{ handle: string; seen: ConnEvent[]; again: Packet | undefined }> {
  const fn = ctx.fn();
  const c = await ctx.connect('client');
  const handle = await submit(c, T.SUBMIT_JOB, fn, '', 'slow');
  const w = await ctx.connect('worker');
  w.send(T.CAN_DO_TIMEOUT, fn, timeout);
  await grab(w);
  const seen = await c.collect(3000, (es) => es.length > 0);
  const w2 = await ctx.connect('worker2');
  w2.send(T.CAN_DO, fn);
  const again = await grabOrNone(w2);
  return { handle, seen, again };
}

export const cases: readonly CaseDef[] = [
  {
    ...base,
    id: 'binary/can-do-timeout/registers-function',
    requirement: 'CAN_DO_TIMEOUT(function, timeout) MUST register the function like CAN_DO.',
    description: 'CAN_DO_TIMEOUT(f, "60000"), job for f queued, GRAB_JOB.',
    outcomes: [{ outcome: 'pass', when: 'JOB_ASSIGN for the job' }],
    async run(ctx) {
      const fn = ctx.fn();
      const h = await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'x');
      const w = await ctx.connect('worker');
      w.send(T.CAN_DO_TIMEOUT, fn, '60000');
      const a = await grab(w);
      check(text(a.args[0]) === h, `JOB_ASSIGN ${h}`, text(a.args[0]));
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/can-do-timeout/expiry-effect',
    requirement: 'When the timeout expires the server MUST stop waiting on the worker: either requeue the job silently or fail it to its clients (a named alternative).',
    description: 'CAN_DO_TIMEOUT(f, "1") (1 ms → 1 s on gearmand, 1 s on Perl); worker grabs and stays silent for up to 3 s; then a second worker grabs.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'can-do-timeout-effect', choice: 'requeue', when: 'client gets nothing; the second worker gets the same handle' },
      { outcome: 'pass-alternative', alternative: 'can-do-timeout-effect', choice: 'fail', when: 'client gets WORK_FAIL(handle); the second worker gets NO_JOB' },
    ],
    extraMs: 4000,
    async run(ctx) {
      const { handle: h, seen, again } = await holdPastTimeout(ctx, '1');
      const failed = seen.find((e) => e.kind === 'packet' && e.packet.type === T.WORK_FAIL);
      if (failed && !again) return alternative('can-do-timeout-effect', 'fail');
      if (!failed && again && text(again.args[0]) === h) return alternative('can-do-timeout-effect', 'requeue', 'requeued within 3 s');
      return fail(
        ['WORK_FAIL and NO_JOB (fail)', `no packet and ${h} re-assigned (requeue)`],
        `client: ${seen.length ? 'WORK_FAIL' : 'nothing'}; second grab: ${again ? text(again.args[0]) : 'NO_JOB'}`,
      );
    },
  },
  {
    ...base,
    id: 'binary/can-do-timeout/unit',
    requirement: 'The unit of the timeout value differs (milliseconds on gearmand, seconds on Perl): a named alternative, observed by whether "1500" expires within 3 s.',
    description: 'CAN_DO_TIMEOUT(f, "1500"); worker grabs; after 3 s a second worker grabs (and the client is watched for WORK_FAIL).',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'can-do-timeout-unit', choice: 'milliseconds', when: 'the job was released (requeued or failed) within 3 s' },
      { outcome: 'pass-alternative', alternative: 'can-do-timeout-unit', choice: 'seconds', when: 'the job is still held after 3 s' },
    ],
    extraMs: 4000,
    async run(ctx) {
      const { seen, again } = await holdPastTimeout(ctx, '1500');
      const failed = seen.some((e) => e.kind === 'packet' && e.packet.type === T.WORK_FAIL);
      return failed || again ? alternative('can-do-timeout-unit', 'milliseconds') : alternative('can-do-timeout-unit', 'seconds');
    },
  },
];
