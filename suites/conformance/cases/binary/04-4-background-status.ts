/**
 * spec §4.4 Background jobs and GET_STATUS: a background submit gets only JOB_CREATED and no WORK_*
 * packets; STATUS_RES says known=1 while the job exists, running=1 only while a worker holds it,
 * and carries the numerator/denominator of the last WORK_STATUS.
 */
import { T } from '../../../../src/protocol/constants.js';
import { alternative, type CaseDef, pass } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import { expectStatus, getStatus, grab, submit, submitAndGrab, sync, text, worker } from '../../../../src/runner/steps.js';

export const cases: readonly CaseDef[] = [
  {
    id: 'binary/background/no-results-to-submitter',
    section: '4.4',
    requirement: "A background submitter MUST receive only JOB_CREATED, never the job's WORK_* packets.",
    level: 'MUST',
    description: 'SUBMIT_JOB_BG; a worker sends WORK_STATUS and WORK_COMPLETE.',
    outcomes: [{ outcome: 'pass', when: 'nothing after JOB_CREATED on the submitter' }],
    async run(ctx) {
      const { client: c, worker: w, handle: h } = await submitAndGrab(ctx, ctx.fn(), T.SUBMIT_JOB_BG);
      w.send(T.WORK_STATUS, h, '1', '2');
      w.send(T.WORK_COMPLETE, h, 'r');
      await c.expectNothing('background job');
      await w.expectNothing('successful WORK_* gets no reply');
      return pass();
    },
  },
  {
    id: 'binary/background/survives-submitter-disconnect',
    section: '4.4',
    requirement: 'A background job MUST stay queued after its submitter disconnects.',
    level: 'MUST',
    description: 'SUBMIT_JOB_BG, close the client, then a worker grabs.',
    outcomes: [{ outcome: 'pass', when: 'JOB_ASSIGN with that handle' }],
    async run(ctx) {
      const fn = ctx.fn();
      const c = await ctx.connect('client');
      const h = await submit(c, T.SUBMIT_JOB_BG, fn, '', 'x');
      c.close();
      await ctx.sleep(50);
      const w = await worker(ctx, 'worker', [fn]);
      const a = await grab(w);
      check(text(a.args[0]) === h, `JOB_ASSIGN ${h}`, text(a.args[0]));
      return pass();
    },
  },
  {
    id: 'binary/status/queued-job',
    section: '4.4',
    requirement: 'GET_STATUS of a queued job MUST give known=1, running=0; before any WORK_STATUS the numerator/denominator are "0"/"0" (gearmand) or empty (Perl).',
    level: 'MUST',
    description: 'SUBMIT_JOB_BG, then GET_STATUS(handle).',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'status-without-progress', choice: 'zeros', when: 'STATUS_RES(h, 1, 0, 0, 0)' },
      { outcome: 'pass-alternative', alternative: 'status-without-progress', choice: 'empty', when: 'STATUS_RES(h, 1, 0, "", "")' },
    ],
    async run(ctx) {
      const c = await ctx.connect('client');
      const h = await submit(c, T.SUBMIT_JOB_BG, ctx.fn(), '', 'x');
      const [, , num, den] = await expectStatus(c, h, '1', '0');
      if (num === '0' && den === '0') return alternative('status-without-progress', 'zeros');
      if (num === '' && den === '') return alternative('status-without-progress', 'empty');
      return fail(['numerator/denominator "0"/"0" or ""/""'], `${JSON.stringify(num)}/${JSON.stringify(den)}`);
    },
  },
  {
    id: 'binary/status/running-job',
    section: '4.4',
    requirement: 'GET_STATUS of a job a worker holds MUST give known=1, running=1.',
    level: 'MUST',
    description: 'SUBMIT_JOB_BG, a worker grabs, GET_STATUS(handle).',
    outcomes: [{ outcome: 'pass', when: 'STATUS_RES(h, 1, 1, ...)' }],
    async run(ctx) {
      const { client: c, handle: h } = await submitAndGrab(ctx, ctx.fn(), T.SUBMIT_JOB_BG);
      await expectStatus(c, h, '1', '1');
      return pass();
    },
  },
  {
    id: 'binary/status/progress-values',
    section: '4.4',
    requirement: 'GET_STATUS MUST report the numerator and denominator of the last WORK_STATUS.',
    level: 'MUST',
    description: 'Worker sends WORK_STATUS(h, "3", "7") then WORK_STATUS(h, "5", "7"); GET_STATUS from another connection.',
    outcomes: [{ outcome: 'pass', when: 'STATUS_RES(h, 1, 1, 5, 7)' }],
    async run(ctx) {
      const { worker: w, handle: h } = await submitAndGrab(ctx, ctx.fn(), T.SUBMIT_JOB_BG);
      w.send(T.WORK_STATUS, h, '3', '7');
      w.send(T.WORK_STATUS, h, '5', '7');
      await sync(w);
      const s = await getStatus(await ctx.connect('observer'), h);
      check(s.join(',') === '1,1,5,7', 'known=1 running=1 5/7', s.join(','));
      return pass();
    },
  },
  {
    id: 'binary/status/after-completion',
    section: '4.4',
    requirement: 'After WORK_COMPLETE the job MUST be unknown: GET_STATUS gives known=0, running=0.',
    level: 'MUST',
    description: 'Job completes, then GET_STATUS(handle).',
    outcomes: [{ outcome: 'pass', when: 'STATUS_RES(h, 0, 0, ...)' }],
    async run(ctx) {
      const { client: c, worker: w, handle: h } = await submitAndGrab(ctx, ctx.fn(), T.SUBMIT_JOB);
      w.send(T.WORK_COMPLETE, h, 'r');
      await c.expect(T.WORK_COMPLETE);
      await expectStatus(c, h, '0', '0');
      return pass();
    },
  },
  {
    id: 'binary/status/unknown-handle',
    section: '4.4',
    requirement: 'GET_STATUS of a handle the server never issued MUST give STATUS_RES with known=0, running=0.',
    level: 'MUST',
    description: 'GET_STATUS("H:gearspec:nosuch").',
    outcomes: [{ outcome: 'pass', when: 'STATUS_RES(H:gearspec:nosuch, 0, 0, ...)' }],
    async run(ctx) {
      await expectStatus(await ctx.connect('client'), 'H:gearspec:nosuch', '0', '0');
      return pass();
    },
  },
  {
    id: 'binary/status/get-status-unique-clients',
    section: '4.4',
    requirement: 'GET_STATUS_UNIQUE MUST answer STATUS_RES_UNIQUE(unique, known, running, num, den, waiting clients).',
    level: 'MUST',
    description: 'Two clients submit SUBMIT_JOB(f, u) (coalesced), then GET_STATUS_UNIQUE(u).',
    outcomes: [
      { outcome: 'pass', when: 'STATUS_RES_UNIQUE(u, 1, 0, 0, 0, 2)' },
      { outcome: 'unsupported', when: 'GET_STATUS_UNIQUE not implemented' },
    ],
    requires: ['GET_STATUS_UNIQUE'],
    async run(ctx) {
      const fn = ctx.fn();
      const u = ctx.uniq();
      await submit(await ctx.connect('c1'), T.SUBMIT_JOB, fn, u, 'x');
      await submit(await ctx.connect('c2'), T.SUBMIT_JOB, fn, u, 'x');
      const o = await ctx.connect('observer');
      o.send(T.GET_STATUS_UNIQUE, u);
      const p = await o.expect(T.STATUS_RES_UNIQUE);
      const got = p.args.map(text);
      check(got[0] === u && got[1] === '1' && got[2] === '0' && got[5] === '2', `${u},1,0,0,0,2`, got.join(','));
      return pass(got.join(','));
    },
  },
  {
    id: 'binary/status/get-status-unique-unknown',
    section: '4.4',
    requirement: 'GET_STATUS_UNIQUE for an unknown unique MUST answer known=0.',
    level: 'MUST',
    description: 'GET_STATUS_UNIQUE("<private>-nope").',
    outcomes: [
      { outcome: 'pass', when: 'STATUS_RES_UNIQUE(u, 0, 0, 0, 0, 0)' },
      { outcome: 'unsupported', when: 'GET_STATUS_UNIQUE not implemented' },
    ],
    requires: ['GET_STATUS_UNIQUE'],
    async run(ctx) {
      const u = ctx.uniq('nope');
      const o = await ctx.connect('observer');
      o.send(T.GET_STATUS_UNIQUE, u);
      const p = await o.expect(T.STATUS_RES_UNIQUE);
      const got = p.args.map(text);
      check(got[0] === u && got[1] === '0' && got[2] === '0', `${u},0,0,...`, got.join(','));
      return pass();
    },
  },
];
