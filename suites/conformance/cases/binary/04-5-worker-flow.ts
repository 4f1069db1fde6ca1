/**
 * spec §4.5 Worker flow: PRE_SLEEP while a job of the worker's functions waits gets an immediate
 * NOOP; a sleeping worker gets one NOOP per sleep; GRAB_JOB without CAN_DO gets NO_JOB, PRE_SLEEP
 * without CAN_DO gets nothing; duplicate CAN_DO, and CANT_DO or RESET_ABILITIES while holding a
 * job, are named alternatives.
 */
import { T } from '../../../../src/protocol/constants.js';
import { alternative, type CaseDef, pass } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import { expectNoJob, noopWithin, grab, grabOrNone, statusRow, submit, submitAndGrab, sync, text, worker } from '../../../../src/runner/steps.js';

const base = { section: '4.5', level: 'MUST' } as const;

/** Functions in the cross-function order case, and the order their jobs are submitted in. */
const CROSS_FUNCTIONS = 8;
const SHUFFLE: readonly number[] = [2, 0, 5, 7, 1, 4, 6, 3];

export const cases: readonly CaseDef[] = [
  {
    ...base,
    id: 'binary/worker/grab-without-can-do',
    requirement: 'GRAB_JOB from a connection that registered nothing MUST get NO_JOB.',
    description: 'GRAB_JOB on a fresh connection.',
    outcomes: [{ outcome: 'pass', when: 'NO_JOB' }],
    async run(ctx) {
      const w = await ctx.connect('worker');
      w.send(T.GRAB_JOB);
      await w.expect(T.NO_JOB);
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/grab-empty-queue',
    requirement: "GRAB_JOB when no job of the worker's functions is queued MUST get NO_JOB.",
    description: 'CAN_DO f, GRAB_JOB.',
    outcomes: [{ outcome: 'pass', when: 'NO_JOB' }],
    async run(ctx) {
      const w = await worker(ctx, 'worker', [ctx.fn()]);
      w.send(T.GRAB_JOB);
      await w.expect(T.NO_JOB);
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/pre-sleep-without-can-do',
    requirement: 'PRE_SLEEP from a connection with no functions MUST get no reply.',
    description: 'PRE_SLEEP on a fresh connection; watch for the quiet window.',
    outcomes: [{ outcome: 'pass', when: 'no packet' }],
    async run(ctx) {
      const w = await ctx.connect('worker');
      w.send(T.PRE_SLEEP);
      await w.expectNothing('PRE_SLEEP has no reply');
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/can-do-no-reply',
    requirement: 'CAN_DO, CANT_DO, RESET_ABILITIES and SET_CLIENT_ID MUST get no reply.',
    description: 'Sends CAN_DO f, CANT_DO f, RESET_ABILITIES, SET_CLIENT_ID, then ECHO_REQ.',
    outcomes: [{ outcome: 'pass', when: 'only the ECHO_RES arrives' }],
    async run(ctx) {
      const fn = ctx.fn();
      const w = await ctx.connect('worker');
      w.send(T.CAN_DO, fn);
      w.send(T.CANT_DO, fn);
      w.send(T.RESET_ABILITIES);
      w.send(T.SET_CLIENT_ID, 'gearspec-noreply');
      w.send(T.ECHO_REQ, 'after');
      const p = await w.expect(T.ECHO_RES, { expected: ['ECHO_RES "after" as the first reply'] });
      check(text(p.args[0]) === 'after', 'ECHO_RES "after"', text(p.args[0]));
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/noop-wakes-sleeper',
    requirement: 'A worker asleep (PRE_SLEEP) MUST get NOOP when a job for one of its functions arrives.',
    description: 'CAN_DO f, PRE_SLEEP; then a client submits f.',
    outcomes: [{ outcome: 'pass', when: 'NOOP on the worker, then GRAB_JOB gets the job' }],
    async run(ctx) {
      const fn = ctx.fn();
      const w = await worker(ctx, 'worker', [fn]);
      w.send(T.PRE_SLEEP);
      await w.expectNothing('asleep, nothing queued');
      const h = await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'wake');
      await w.expect(T.NOOP);
      const a = await grab(w);
      check(text(a.args[0]) === h, `JOB_ASSIGN ${h}`, text(a.args[0]));
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/immediate-noop-when-work-waits',
    requirement: 'PRE_SLEEP while a job for the worker is already queued MUST get an immediate NOOP.',
    description: 'Client submits f; then a worker sends CAN_DO f and PRE_SLEEP.',
    outcomes: [{ outcome: 'pass', when: 'NOOP' }],
    async run(ctx) {
      const fn = ctx.fn();
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'x');
      const w = await worker(ctx, 'worker', [fn]);
      w.send(T.PRE_SLEEP);
      await w.expect(T.NOOP);
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/one-noop-per-sleep',
    requirement: 'A sleeping worker MUST get one NOOP per sleep, however many jobs arrive.',
    description: 'CAN_DO f, PRE_SLEEP; three jobs for f are submitted.',
    outcomes: [{ outcome: 'pass', when: 'exactly one NOOP' }],
    async run(ctx) {
      const fn = ctx.fn();
      const w = await worker(ctx, 'worker', [fn]);
      w.send(T.PRE_SLEEP);
      await w.expectNothing('asleep');
      const c = await ctx.connect('client');
      for (const d of ['a', 'b', 'c']) await submit(c, T.SUBMIT_JOB_BG, fn, '', d);
      await w.expect(T.NOOP);
      await w.expectNothing('no second NOOP in the same sleep');
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/noop-again-next-sleep',
    requirement: 'After a wake-up and a GRAB_JOB, the next PRE_SLEEP MUST be woken again by new work.',
    description: 'Sleep, job 1 → NOOP, grab, PRE_SLEEP again, job 2.',
    outcomes: [{ outcome: 'pass', when: 'a second NOOP after job 2' }],
    async run(ctx) {
      const fn = ctx.fn();
      const w = await worker(ctx, 'worker', [fn]);
      const c = await ctx.connect('client');
      w.send(T.PRE_SLEEP);
      await submit(c, T.SUBMIT_JOB_BG, fn, '', 'one');
      await w.expect(T.NOOP);
      await grab(w);
      // A server may send a late, spurious NOOP (Perl's delayed wake-up batch); that is allowed:
      // the worker grabs, gets NO_JOB and sleeps again before the second job is submitted.
      let spurious = 0;
      for (;;) {
        w.send(T.PRE_SLEEP);
        const seen = await w.collect(ctx.quietMs, (es) => es.length > 0);
        if (seen.length === 0) break;
        const e = seen[0]!;
        check(
          e.kind === 'packet' && e.packet.type === T.NOOP && spurious < 3,
          'nothing (or an occasional spurious NOOP) while asleep with no work',
          e.kind === 'packet' ? `packet ${e.packet.type}` : e.kind,
        );
        spurious++;
        w.send(T.GRAB_JOB);
        await w.expect(T.NO_JOB);
      }
      await submit(c, T.SUBMIT_JOB_BG, fn, '', 'two');
      await w.expect(T.NOOP, { expected: ['a NOOP for the second sleep'] });
      return pass(spurious ? `${spurious} spurious NOOP(s) while no work was queued` : undefined);
    },
  },
  {
    ...base,
    level: 'SHOULD',
    id: 'binary/worker/no-noop-for-other-function',
    requirement: 'A sleeping worker SHOULD NOT be woken by a job for a function it did not register.',
    description: 'Worker CAN_DO fA, PRE_SLEEP; a job for fB arrives.',
    outcomes: [{ outcome: 'pass', when: 'no NOOP' }],
    async run(ctx) {
      const w = await worker(ctx, 'worker', [ctx.fn('a')]);
      w.send(T.PRE_SLEEP);
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, ctx.fn('b'), '', 'x');
      await w.expectNothing('job is for another function');
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/wakes-all-sleepers',
    requirement: 'Every sleeping worker of the function MUST eventually be woken while the job waits; how many at once is a named alternative.',
    description: 'Five workers CAN_DO f and PRE_SLEEP; one job for f arrives; NOOPs are timed.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'wakeup-count', choice: 'all', when: 'all five NOOPs within 50 ms of the first' },
      { outcome: 'pass-alternative', alternative: 'wakeup-count', choice: 'batched', when: 'some NOOPs at once, the rest later' },
    ],
    async run(ctx) {
      const fn = ctx.fn();
      const ws = [];
      for (let i = 0; i < 5; i++) {
        const w = await worker(ctx, `w${i}`, [fn]);
        w.send(T.PRE_SLEEP);
        ws.push(w);
      }
      await ws[4]!.expectNothing('asleep');
      const t0 = performance.now();
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'x');
      const times = await Promise.all(
        ws.map(async (w) => {
          await w.expect(T.NOOP, { ms: ctx.timeoutMs * 2 });
          return performance.now() - t0;
        }),
      );
      const spread = Math.max(...times) - Math.min(...times);
      const detail = `NOOP after ${times.map((t) => t.toFixed(0)).join(', ')} ms`;
      return spread <= 50 ? alternative('wakeup-count', 'all', detail) : alternative('wakeup-count', 'batched', detail);
    },
  },
  {
    ...base,
    id: 'binary/worker/only-own-functions',
    requirement: 'A worker MUST only be assigned jobs of functions it registered.',
    description: 'Job for fA queued; a worker CAN_DO fB grabs.',
    outcomes: [{ outcome: 'pass', when: 'NO_JOB' }],
    async run(ctx) {
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, ctx.fn('a'), '', 'x');
      await expectNoJob(await worker(ctx, 'worker', [ctx.fn('b')]), 'NO_JOB', 1);
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/cant-do-unregisters',
    requirement: 'After CANT_DO f the worker MUST NOT be assigned jobs of f.',
    description: 'CAN_DO f, CANT_DO f; job for f queued; GRAB_JOB.',
    outcomes: [{ outcome: 'pass', when: 'NO_JOB' }],
    async run(ctx) {
      const fn = ctx.fn();
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'x');
      const w = await worker(ctx, 'worker', [fn]);
      w.send(T.CANT_DO, fn);
      await expectNoJob(w);
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/reset-abilities',
    requirement: 'After RESET_ABILITIES the worker MUST NOT be assigned jobs of any earlier function.',
    description: 'CAN_DO fA, CAN_DO fB, RESET_ABILITIES; jobs for both queued; GRAB_JOB.',
    outcomes: [{ outcome: 'pass', when: 'NO_JOB' }],
    async run(ctx) {
      const c = await ctx.connect('client');
      await submit(c, T.SUBMIT_JOB_BG, ctx.fn('a'), '', 'x');
      await submit(c, T.SUBMIT_JOB_BG, ctx.fn('b'), '', 'x');
      const w = await worker(ctx, 'worker', [ctx.fn('a'), ctx.fn('b')]);
      w.send(T.RESET_ABILITIES);
      await expectNoJob(w);
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/job-assigned-once',
    requirement: 'A job MUST be held by one worker at a time: while worker A holds it, worker B MUST get NO_JOB.',
    description: 'One job queued; worker A grabs it; worker B (same function) grabs.',
    outcomes: [{ outcome: 'pass', when: 'JOB_ASSIGN to A, NO_JOB to B' }],
    async run(ctx) {
      const fn = ctx.fn();
      const h = await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'once');
      const a = await grab(await worker(ctx, 'workerA', [fn]));
      check(text(a.args[0]) === h, `JOB_ASSIGN ${h} to A`, text(a.args[0]));
      const b = await grabOrNone(await worker(ctx, 'workerB', [fn]));
      check(b === undefined, 'NO_JOB for B', b ? `JOB_ASSIGN ${text(b.args[0])} to B as well` : '');
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/holds-several-jobs',
    requirement: 'A worker MAY grab again before finishing; the server MUST hand it the next job.',
    description: 'Two jobs queued; the worker grabs twice, then completes both.',
    outcomes: [{ outcome: 'pass', when: 'two JOB_ASSIGN with different handles; both clients get WORK_COMPLETE' }],
    async run(ctx) {
      const fn = ctx.fn();
      const c = await ctx.connect('client');
      const h1 = await submit(c, T.SUBMIT_JOB, fn, '', 'a');
      const h2 = await submit(c, T.SUBMIT_JOB, fn, '', 'b');
      const w = await worker(ctx, 'worker', [fn]);
      const a1 = text((await grab(w)).args[0]);
      const a2 = text((await grab(w)).args[0]);
      check(new Set([a1, a2]).size === 2 && [a1, a2].includes(h1) && [a1, a2].includes(h2), `${h1} and ${h2}`, `${a1} and ${a2}`);
      w.send(T.WORK_COMPLETE, h2, 'r2');
      w.send(T.WORK_COMPLETE, h1, 'r1');
      const done = [text((await c.expect(T.WORK_COMPLETE)).args[0]), text((await c.expect(T.WORK_COMPLETE)).args[0])];
      check(done.includes(h1) && done.includes(h2), `WORK_COMPLETE for ${h1} and ${h2}`, done.join(', '));
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/worker/duplicate-can-do',
    requirement: 'A repeated CAN_DO for one function MUST keep the worker registered; whether it counts twice is a named alternative.',
    description: 'CAN_DO f twice, then admin status reads the worker count for f.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'duplicate-can-do', choice: 'counted-twice', when: 'status worker count 2' },
      { outcome: 'pass-alternative', alternative: 'duplicate-can-do', choice: 'idempotent', when: 'status worker count 1' },
    ],
    async run(ctx) {
      const fn = ctx.fn();
      await sync(await worker(ctx, 'worker', [fn, fn]));
      const row = await statusRow(await ctx.connect('admin'), fn);
      if (!row) return fail(['a status row for the function'], 'not listed');
      if (row.workers === 2) return alternative('duplicate-can-do', 'counted-twice');
      if (row.workers === 1) return alternative('duplicate-can-do', 'idempotent');
      return fail(['worker count 1 or 2'], `worker count ${row.workers}`);
    },
  },
  {
    ...base,
    id: 'binary/worker/cross-function-order',
    requirement: 'A worker with jobs waiting on several functions MUST get each job exactly once; which function comes first is a named alternative.',
    description: `CAN_DO f1…f${CROSS_FUNCTIONS} in order; one SUBMIT_JOB_BG to each, in a shuffled order; GRAB_JOB ${CROSS_FUNCTIONS} times, then once more.`,
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'cross-function-order', choice: 'recent-first', when: 'jobs come in reverse registration order' },
      { outcome: 'pass-alternative', alternative: 'cross-function-order', choice: 'oldest-job-first', when: 'jobs come in submission order' },
      { outcome: 'pass-alternative', alternative: 'cross-function-order', choice: 'unspecified', when: 'any other order' },
    ],
    async run(ctx) {
      const fns = Array.from({ length: CROSS_FUNCTIONS }, (_, i) => ctx.fn(`x${i + 1}`));
      const w = await worker(ctx, 'worker', fns);
      const c = await ctx.connect('client');
      const submitted = SHUFFLE.map((i) => fns[i]!);
      for (const fn of submitted) await submit(c, T.SUBMIT_JOB_BG, fn, '', `for-${fn}`);
      const got: string[] = [];
      for (let i = 0; i < fns.length; i++) got.push(text((await grab(w)).args[1]));
      await expectNoJob(w, 'NO_JOB (every job was handed out once)');
      check(new Set(got).size === fns.length, 'each function once', got.join(', '));
      // With 8 functions a server without a fixed order matches either fixed order by chance 1 time in 20,160.
      const order = got.map((fn) => `f${fns.indexOf(fn) + 1}`).join(' ');
      if (got.join() === [...fns].reverse().join()) return alternative('cross-function-order', 'recent-first', order);
      if (got.join() === submitted.join()) return alternative('cross-function-order', 'oldest-job-first', order);
      return alternative('cross-function-order', 'unspecified', order);
    },
  },
  {
    ...base,
    id: 'binary/worker/can-do-while-asleep',
    requirement: 'A sleeping worker that registers a function with a job already waiting: whether it is woken at once is a named alternative; the job MUST still be grabbable.',
    description: 'A job is queued for f; a fresh connection sends PRE_SLEEP, then CAN_DO f; watch for NOOP; then GRAB_JOB.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'wake-on-can-do', choice: 'wake', when: 'NOOP, then GRAB_JOB gets the job' },
      { outcome: 'pass-alternative', alternative: 'wake-on-can-do', choice: 'stay-asleep', when: 'no NOOP in the quiet window; GRAB_JOB gets the job' },
    ],
    async run(ctx) {
      const fn = ctx.fn();
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'waiting');
      const w = await ctx.connect('worker');
      w.send(T.PRE_SLEEP);
      await sync(w);
      w.send(T.CAN_DO, fn);
      const woken = await noopWithin(w, ctx.quietMs);
      const a = await grab(w);
      check(text(a.args[1]) === fn, `JOB_ASSIGN for ${fn}`, text(a.args[1]));
      return alternative('wake-on-can-do', woken ? 'wake' : 'stay-asleep');
    },
  },
  {
    ...base,
    id: 'binary/worker/cant-do-while-holding-job',
    requirement: 'CANT_DO for the function of a job the worker holds: the job is requeued (its later result rejected) or kept — a named alternative; the server MUST NOT lose it silently.',
    description: 'Worker grabs, sends CANT_DO f, then WORK_COMPLETE.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'cant-do-mid-job', choice: 'requeue', when: 'WORK_COMPLETE gets ERROR; another worker can grab the same handle' },
      { outcome: 'pass-alternative', alternative: 'cant-do-mid-job', choice: 'keep', when: 'WORK_COMPLETE is relayed to the client' },
    ],
    async run(ctx) {
      const { client: c, worker: w, handle: h, fn } = await submitAndGrab(ctx, ctx.fn(), T.SUBMIT_JOB);
      w.send(T.CANT_DO, fn);
      w.send(T.WORK_COMPLETE, h, 'late');
      const r = await w.collect(ctx.quietMs, (es) => es.some((e) => e.kind === 'packet' && e.packet.type === T.ERROR));
      const rejected = r.some((e) => e.kind === 'packet' && e.packet.type === T.ERROR);
      if (rejected) {
        const a = await grab(await worker(ctx, 'worker2', [fn]));
        check(text(a.args[0]) === h, `the requeued job ${h} for a second worker`, text(a.args[0]));
        return alternative('cant-do-mid-job', 'requeue');
      }
      const done = await c.expect(T.WORK_COMPLETE, { expected: ['WORK_COMPLETE relayed (keep)', 'ERROR on the worker (requeue)'] });
      check(text(done.args[1]) === 'late', 'WORK_COMPLETE "late"', text(done.args[1]));
      return alternative('cant-do-mid-job', 'keep');
    },
  },
];
