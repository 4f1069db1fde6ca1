/**
 * spec §4.11 SUBMIT_JOB_EPOCH (gearmand only): the job is not handed out before its epoch time,
 * and a time in the past runs at once. spec §2 notes: reduce jobs take four NUL-ended arguments
 * before the data on gearmand.
 */
import { T } from '../../../../src/protocol/constants.js';
import { type CaseDef, pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import { expectNoJob, grab, text, worker } from '../../../../src/runner/steps.js';

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
