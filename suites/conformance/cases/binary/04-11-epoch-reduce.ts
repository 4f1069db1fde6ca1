/**
 * spec §4.11 SUBMIT_JOB_EPOCH (gearmand only): the job is not handed out before its epoch time,
 * a time in the past runs at once, and a job coming due wakes a sleeping worker by itself. spec §2 notes: reduce jobs take four NUL-ended arguments
 * before the data on gearmand.
 */
import { T } from '../../../../src/protocol/constants.js';
import { type CaseDef, pass } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import { expectNoJob, grab, grabOrNone, noopWithin, text, worker } from '../../../../src/runner/steps.js';

const now = () => Math.floor(Date.now() / 1000);

export const cases: readonly CaseDef[] = [
  {
    id: 'binary/epoch/future-not-assigned',
    section: '4.11',
    requirement: 'A SUBMIT_JOB_EPOCH job MUST NOT be handed out before its epoch time.',
    level: 'MUST',
    description: 'SUBMIT_JOB_EPOCH(f, "", now+3600, "later"); worker grabs.',
    outcomes: [
      { outcome: 'pass', when: 'JOB_CREATED, then NO_JOB' },
      { outcome: 'unsupported', when: 'SUBMIT_JOB_EPOCH not implemented' },
    ],
    requires: ['SUBMIT_JOB_EPOCH'],
    async run(ctx) {
      const fn = ctx.fn();
      const c = await ctx.connect('client');
      c.send(T.SUBMIT_JOB_EPOCH, fn, '', String(now() + 3600), 'later');
      await c.expectOrUnsupported(T.JOB_CREATED, 'SUBMIT_JOB_EPOCH');
      await expectNoJob(await worker(ctx, 'worker', [fn]));
      return pass();
    },
  },
  {
    id: 'binary/epoch/past-runs-now',
    section: '4.11',
    requirement: 'A SUBMIT_JOB_EPOCH job whose time has passed MUST be handed out at once, as a background job.',
    level: 'MUST',
    description: 'SUBMIT_JOB_EPOCH(f, "", now-10, "past"); worker grabs and completes; the submitter is watched.',
    outcomes: [
      { outcome: 'pass', when: 'JOB_ASSIGN with data "past"; no result to the submitter' },
      { outcome: 'unsupported', when: 'SUBMIT_JOB_EPOCH not implemented' },
    ],
    requires: ['SUBMIT_JOB_EPOCH'],
    async run(ctx) {
      const fn = ctx.fn();
      const c = await ctx.connect('client');
      c.send(T.SUBMIT_JOB_EPOCH, fn, '', String(now() - 10), 'past');
      const h = text((await c.expectOrUnsupported(T.JOB_CREATED, 'SUBMIT_JOB_EPOCH')).args[0]);
      const w = await worker(ctx, 'worker', [fn]);
      const a = await grab(w);
      check(text(a.args[0]) === h && text(a.args[2]) === 'past', `JOB_ASSIGN(${h}, f, past)`, a.args.map(text).join(', '));
      w.send(T.WORK_COMPLETE, h, 'r');
      await c.expectNothing('epoch jobs are background jobs');
      return pass();
    },
  },
  {
    id: 'binary/epoch/wakes-sleeper-when-due',
    section: '4.11',
    requirement: 'When a SUBMIT_JOB_EPOCH job comes due the server MUST hand it out without waiting for other traffic: a worker asleep on its function is woken with NOOP and gets the job.',
    level: 'MUST',
    description:
      'A worker CAN_DO f and PRE_SLEEP; a client submits SUBMIT_JOB_EPOCH(f, "", now+2, "due"); nothing else is sent. The worker acts as a worker loop does (NOOP → GRAB_JOB, NO_JOB → PRE_SLEEP) until the job is assigned.',
    outcomes: [
      { outcome: 'pass', when: 'a NOOP once the job is due, then JOB_ASSIGN with data "due"' },
      { outcome: 'unsupported', when: 'SUBMIT_JOB_EPOCH not implemented' },
    ],
    requires: ['SUBMIT_JOB_EPOCH'],
    async run(ctx) {
      const fn = ctx.fn();
      const w = await worker(ctx, 'worker', [fn]);
      w.send(T.PRE_SLEEP);
      const c = await ctx.connect('client');
      const due = now() + 2;
      c.send(T.SUBMIT_JOB_EPOCH, fn, '', String(due), 'due');
      const h = text((await c.expectOrUnsupported(T.JOB_CREATED, 'SUBMIT_JOB_EPOCH')).args[0]);
      // Until the job is due, plus the deadline for the NOOP that should follow (a whole second of
      // slack: the epoch has one-second resolution).
      const until = (due + 1) * 1000 + 2 * ctx.timeoutMs;
      let wakeups = 0;
      // Bounded: a server that wakes the worker for a job not yet due makes the loop spin.
      while (wakeups < 50 && Date.now() < until) {
        if (!(await noopWithin(w, until - Date.now()))) break;
        wakeups++;
        const a = await grabOrNone(w);
        if (a) {
          check(text(a.args[0]) === h && text(a.args[2]) === 'due', `JOB_ASSIGN(${h}, f, due)`, a.args.map(text).join(', '));
          w.send(T.WORK_COMPLETE, h, 'done');
          return pass(`assigned ${((Date.now() - due * 1000) / 1000).toFixed(1)} s after its epoch, after ${wakeups} NOOP(s)`);
        }
        w.send(T.PRE_SLEEP);
      }
      return fail(
        ['a NOOP to the sleeping worker once the job is due, then JOB_ASSIGN'],
        wakeups >= 50
          ? `${wakeups} NOOPs, each followed by NO_JOB`
          : `no NOOP within ${((until - due * 1000) / 1000).toFixed(1)} s of the epoch (${wakeups} NOOP(s) before it, each followed by NO_JOB)`,
      );
    },
  },
  {
    id: 'binary/reduce/foreground-created-and-completed',
    section: '2',
    requirement: 'SUBMIT_REDUCE_JOB(function, unique, reducer, aggregator, data) MUST create a foreground job whose result reaches the client.',
    level: 'MUST',
    description: 'SUBMIT_REDUCE_JOB(f, u, "red", "", "map-data"); worker GRAB_JOB_ALL and WORK_COMPLETE.',
    outcomes: [
      { outcome: 'pass', when: 'JOB_CREATED; JOB_ASSIGN_ALL with reducer "red"; WORK_COMPLETE to the client' },
      { outcome: 'unsupported', when: 'SUBMIT_REDUCE_JOB or GRAB_JOB_ALL not implemented' },
    ],
    requires: ['SUBMIT_REDUCE_JOB', 'GRAB_JOB_ALL'],
    async run(ctx) {
      const fn = ctx.fn();
      const c = await ctx.connect('client');
      c.send(T.SUBMIT_REDUCE_JOB, fn, ctx.uniq(), 'red', '', 'map-data');
      const h = text((await c.expectOrUnsupported(T.JOB_CREATED, 'SUBMIT_REDUCE_JOB')).args[0]);
      const w = await worker(ctx, 'worker', [fn]);
      const a = await grab(w, T.GRAB_JOB_ALL, [T.JOB_ASSIGN_ALL]);
      check(text(a.args[3]) === 'red' && text(a.args[4]) === 'map-data', 'reducer "red", data "map-data"', a.args.map(text).join(', '));
      w.send(T.WORK_COMPLETE, h, 'reduced');
      const done = await c.expect(T.WORK_COMPLETE);
      check(text(done.args[1]) === 'reduced', 'WORK_COMPLETE "reduced"', text(done.args[1]));
      return pass();
    },
  },
];
