/**
 * spec §4.2 Unique IDs and coalescing: jobs are keyed on (function, unique); an empty unique never
 * coalesces; a `-` unique makes the data the key; a matching submit gets JOB_CREATED with the
 * existing handle and its own data is dropped; coalescing works while the job is queued or
 * running; once the job ends its unique is free again.
 */
import { T } from '../../../../src/protocol/constants.js';
import { alternative, type CaseDef, pass } from '../../../../src/runner/case-def.js';
import type { CaseContext } from '../../../../src/runner/context.js';
import { check, fail } from '../../../../src/runner/failures.js';
import { grab, grabOrNone, submit, text, worker } from '../../../../src/runner/steps.js';

const base = { section: '4.2', level: 'MUST' } as const;

type Submission = readonly [fn: string, unique: string, data: string];

/**
 * Two SUBMIT_JOB_BG, on one connection (one label) or on two; `coalesced` says whether the
 * handles must be the same job or two different jobs.
 */
const pair = (
  meta: Omit<CaseDef, 'run' | 'section' | 'level'>,
  labels: readonly [string] | readonly [string, string],
  submissions: (ctx: CaseContext) => readonly [Submission, Submission],
  coalesced: boolean,
): CaseDef => ({
  ...base,
  ...meta,
  async run(ctx) {
    const [first, second] = submissions(ctx);
    const c1 = await ctx.connect(labels[0]);
    const h1 = await submit(c1, T.SUBMIT_JOB_BG, ...first);
    const c2 = labels[1] === undefined ? c1 : await ctx.connect(labels[1]);
    const h2 = await submit(c2, T.SUBMIT_JOB_BG, ...second);
    if (coalesced) check(h1 === h2, `the same handle ${h1}`, h2);
    else check(h1 !== h2, 'two different handles', `${h1} twice`);
    return pass();
  },
});

export const cases: readonly CaseDef[] = [
  pair(
    {
      id: 'binary/coalescing/same-unique-same-handle',
      requirement: 'A submit with the same (function, unique) as a queued job MUST get the existing handle.',
      description: 'Submits SUBMIT_JOB_BG(f, u, "d1") twice from two connections.',
      outcomes: [{ outcome: 'pass', when: 'both JOB_CREATED carry the same handle' }],
    },
    ['c1', 'c2'],
    (ctx) => [
      [ctx.fn(), ctx.uniq(), 'd1'],
      [ctx.fn(), ctx.uniq(), 'd1'],
    ],
    true,
  ),
  pair(
    {
      id: 'binary/coalescing/empty-unique-never-coalesced',
      requirement: 'Submits with an empty unique MUST never be merged: each is a new job.',
      description: 'Submits SUBMIT_JOB_BG(f, "", "same") twice.',
      outcomes: [{ outcome: 'pass', when: 'two different handles' }],
    },
    ['c'],
    (ctx) => [
      [ctx.fn(), '', 'same'],
      [ctx.fn(), '', 'same'],
    ],
    false,
  ),
  pair(
    {
      id: 'binary/coalescing/same-unique-other-function',
      requirement: 'The same unique under a different function MUST be a different job.',
      description: 'Submits SUBMIT_JOB_BG(fA, u) and SUBMIT_JOB_BG(fB, u).',
      outcomes: [{ outcome: 'pass', when: 'two different handles' }],
    },
    ['c'],
    (ctx) => [
      [ctx.fn('a'), ctx.uniq(), 'x'],
      [ctx.fn('b'), ctx.uniq(), 'x'],
    ],
    false,
  ),
  {
    ...base,
    id: 'binary/coalescing/first-data-wins',
    requirement: "The data of a coalesced submit MUST be discarded: the worker receives the first submitter's data.",
    description: 'Submits (f, u, "data1") then (f, u, "DIFFERENT"); a worker grabs.',
    outcomes: [{ outcome: 'pass', when: 'one JOB_ASSIGN with data "data1", then NO_JOB' }],
    async run(ctx) {
      const fn = ctx.fn();
      const u = ctx.uniq();
      const c = await ctx.connect('c');
      await submit(c, T.SUBMIT_JOB_BG, fn, u, 'data1');
      await submit(c, T.SUBMIT_JOB_BG, fn, u, 'DIFFERENT');
      const w = await worker(ctx, 'worker', [fn]);
      const a = await grab(w);
      check(text(a.args[2]) === 'data1', 'JOB_ASSIGN data "data1"', text(a.args[2]));
      const again = await grabOrNone(w);
      check(again === undefined, 'NO_JOB (only one job exists)', again ? `a second JOB_ASSIGN ${text(again.args[0])}` : '');
      return pass();
    },
  },
  pair(
    {
      id: 'binary/coalescing/dash-unique-same-data',
      requirement: 'A unique of "-" MUST use the data as the key: identical data is the same job.',
      description: 'Submits SUBMIT_JOB_BG(f, "-", "payload") twice.',
      outcomes: [{ outcome: 'pass', when: 'the same handle twice' }],
    },
    ['c'],
    (ctx) => [
      [ctx.fn(), '-', 'payload'],
      [ctx.fn(), '-', 'payload'],
    ],
    true,
  ),
  pair(
    {
      id: 'binary/coalescing/dash-unique-different-data',
      requirement: 'A unique of "-" with different data MUST be different jobs.',
      description: 'Submits SUBMIT_JOB_BG(f, "-", "p1") and (f, "-", "p2").',
      outcomes: [{ outcome: 'pass', when: 'two different handles' }],
    },
    ['c'],
    (ctx) => [
      [ctx.fn(), '-', 'p1'],
      [ctx.fn(), '-', 'p2'],
    ],
    false,
  ),
  {
    ...base,
    id: 'binary/coalescing/dash-unique-meets-explicit-unique',
    requirement: 'Whether a "-" job and a job whose explicit unique equals its data are one job is a named alternative; servers MUST give one of the declared answers in both directions.',
    description: 'SUBMIT_JOB_BG(f, "X", "X") then (f, "-", "X"); on another function SUBMIT_JOB_BG(g, "-", "Y") then (g, "Y", "Y"); compares the handles.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'dash-unique', choice: 'data-key', when: 'the "-" submit joins the explicit job; the reverse order makes two jobs' },
      { outcome: 'pass-alternative', alternative: 'dash-unique', choice: 'replace', when: 'one job in both orders' },
      { outcome: 'pass-alternative', alternative: 'dash-unique', choice: 'dash-only', when: 'two jobs in both orders' },
    ],
    async run(ctx) {
      const c = await ctx.connect('client');
      const [f, g, x, y] = [ctx.fn('f'), ctx.fn('g'), ctx.uniq('x'), ctx.uniq('y')];
      const explicitFirst = (await submit(c, T.SUBMIT_JOB_BG, f, x, x)) === (await submit(c, T.SUBMIT_JOB_BG, f, '-', x));
      const dashFirst = (await submit(c, T.SUBMIT_JOB_BG, g, '-', y)) === (await submit(c, T.SUBMIT_JOB_BG, g, y, y));
      const seen = `explicit then "-": ${explicitFirst ? 'one job' : 'two jobs'}; "-" then explicit: ${dashFirst ? 'one job' : 'two jobs'}`;
      if (explicitFirst && !dashFirst) return alternative('dash-unique', 'data-key', seen);
      if (explicitFirst && dashFirst) return alternative('dash-unique', 'replace', seen);
      if (!explicitFirst && !dashFirst) return alternative('dash-unique', 'dash-only', seen);
      return fail(['one of the declared answers'], seen);
    },
  },
  {
    ...base,
    id: 'binary/coalescing/join-running-job',
    requirement: 'A foreground submit matching a running job MUST join it and receive its later WORK_* packets.',
    description: 'C1 submits (f, u); a worker grabs; C2 submits (f, u); the worker sends WORK_STATUS and WORK_COMPLETE.',
    outcomes: [{ outcome: 'pass', when: 'C2 gets the same handle; both C1 and C2 get WORK_STATUS and WORK_COMPLETE' }],
    async run(ctx) {
      const fn = ctx.fn();
      const u = ctx.uniq();
      const c1 = await ctx.connect('c1');
      const h = await submit(c1, T.SUBMIT_JOB, fn, u, 'x');
      const w = await worker(ctx, 'worker', [fn]);
      await grab(w);
      const c2 = await ctx.connect('c2');
      const h2 = await submit(c2, T.SUBMIT_JOB, fn, u, 'x');
      check(h2 === h, `C2 joins handle ${h}`, h2);
      w.send(T.WORK_STATUS, h, '1', '2');
      w.send(T.WORK_COMPLETE, h, 'res');
      for (const c of [c1, c2]) {
        await c.expect(T.WORK_STATUS, { where: (p) => text(p.args[0]) === h });
        const done = await c.expect(T.WORK_COMPLETE);
        check(text(done.args[1]) === 'res', `WORK_COMPLETE "res" on ${c.label}`, text(done.args[1]));
      }
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/coalescing/unique-free-after-completion',
    requirement: 'Once a job ends, its unique MUST be free: the same (function, unique) makes a new job.',
    description: 'Submit (f, u), worker completes it, submit (f, u) again, worker grabs.',
    outcomes: [{ outcome: 'pass', when: 'the second submit is assigned to the worker again with the new data' }],
    async run(ctx) {
      const fn = ctx.fn();
      const u = ctx.uniq();
      const c = await ctx.connect('c');
      const h1 = await submit(c, T.SUBMIT_JOB, fn, u, 'first');
      const w = await worker(ctx, 'worker', [fn]);
      await grab(w);
      w.send(T.WORK_COMPLETE, h1, 'ok');
      await c.expect(T.WORK_COMPLETE);
      const h2 = await submit(c, T.SUBMIT_JOB, fn, u, 'second');
      const a = await grab(w);
      check(text(a.args[0]) === h2 && text(a.args[2]) === 'second', `JOB_ASSIGN(${h2}, ..., "second")`, `JOB_ASSIGN(${a.args.map(text).join(', ')})`);
      return pass(`first ${h1}, second ${h2}`);
    },
  },
  {
    ...base,
    id: 'binary/coalescing/foreground-joins-background',
    requirement: 'A foreground submit matching a background job MUST get its handle and receive its result.',
    description: 'SUBMIT_JOB_BG(f, u), then SUBMIT_JOB(f, u) from another connection; the worker completes.',
    outcomes: [{ outcome: 'pass', when: 'same handle; the foreground client gets WORK_COMPLETE' }],
    async run(ctx) {
      const fn = ctx.fn();
      const u = ctx.uniq();
      const bg = await ctx.connect('bg-client');
      const h = await submit(bg, T.SUBMIT_JOB_BG, fn, u, 'x');
      const fg = await ctx.connect('fg-client');
      const h2 = await submit(fg, T.SUBMIT_JOB, fn, u, 'x');
      check(h === h2, `same handle ${h}`, h2);
      const w = await worker(ctx, 'worker', [fn]);
      await grab(w);
      w.send(T.WORK_COMPLETE, h, 'r');
      await fg.expect(T.WORK_COMPLETE);
      await bg.expectNothing('background submitter gets no result');
      return pass();
    },
  },
];
