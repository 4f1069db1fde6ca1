/**
 * spec §4.6 Grab variants: GRAB_JOB_UNIQ gets JOB_ASSIGN_UNIQ(handle, function, unique, data), the
 * unique empty when none was given and `-` for `-` jobs; GRAB_JOB_ALL gets JOB_ASSIGN_ALL for a job
 * with a reducer and JOB_ASSIGN_UNIQ otherwise; with nothing to do all three get NO_JOB.
 */
import { T } from '../../../../src/protocol/constants.js';
import { type CaseDef, pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import { grab, submit, text, worker } from '../../../../src/runner/steps.js';

const base = { section: '4.6', level: 'MUST' } as const;

const uniqCase = (tag: string, unique: (u: string) => string, data: string, label: string): CaseDef => ({
  ...base,
  id: `binary/grab/uniq-${tag}`,
  requirement: `GRAB_JOB_UNIQ MUST be answered with JOB_ASSIGN_UNIQ(handle, function, unique, data) carrying ${label}.`,
  description: `Submits a job with ${label}, worker sends GRAB_JOB_UNIQ.`,
  outcomes: [
    { outcome: 'pass', when: `JOB_ASSIGN_UNIQ with ${label}` },
    { outcome: 'unsupported', when: 'GRAB_JOB_UNIQ not implemented' },
  ],
  requires: ['GRAB_JOB_UNIQ'],
  async run(ctx) {
    const fn = ctx.fn();
    const u = unique(ctx.uniq());
    const h = await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, u, data);
    const a = await grab(await worker(ctx, 'worker', [fn]), T.GRAB_JOB_UNIQ, [T.JOB_ASSIGN_UNIQ]);
    const got = a.args.map(text);
    check(
      got[0] === h && got[1] === fn && got[2] === u && got[3] === data,
      `JOB_ASSIGN_UNIQ(${h}, ${fn}, ${JSON.stringify(u)}, ${data})`,
      `JOB_ASSIGN_UNIQ(${got.map((s) => JSON.stringify(s)).join(', ')})`,
    );
    return pass();
  },
});

const noJob = (type: number, feature: 'GRAB_JOB_UNIQ' | 'GRAB_JOB_ALL', tag: string): CaseDef => ({
  ...base,
  id: `binary/grab/${tag}-no-job`,
  requirement: `${tag === 'uniq' ? 'GRAB_JOB_UNIQ' : 'GRAB_JOB_ALL'} with nothing queued MUST get NO_JOB.`,
  description: `CAN_DO f, ${tag === 'uniq' ? 'GRAB_JOB_UNIQ' : 'GRAB_JOB_ALL'} with an empty queue.`,
  outcomes: [
    { outcome: 'pass', when: 'NO_JOB' },
    { outcome: 'unsupported', when: `${feature} not implemented` },
  ],
  requires: [feature],
  async run(ctx) {
    const w = await worker(ctx, 'worker', [ctx.fn()]);
    w.send(type);
    await w.expectOrUnsupported(T.NO_JOB, feature);
    return pass();
  },
});

export const cases: readonly CaseDef[] = [
  uniqCase('with-unique', (u) => u, 'dg', 'the submitted unique'),
  uniqCase('empty-unique', () => '', 'de', 'an empty unique'),
  uniqCase('dash-unique', () => '-', 'dd', 'the unique "-"'),
  noJob(T.GRAB_JOB_UNIQ, 'GRAB_JOB_UNIQ', 'uniq'),
  noJob(T.GRAB_JOB_ALL, 'GRAB_JOB_ALL', 'all'),
  {
    ...base,
    id: 'binary/grab/all-plain-job',
    requirement: 'GRAB_JOB_ALL on a job without a reducer MUST be answered with JOB_ASSIGN_UNIQ (gearmand) carrying handle, function, unique and data.',
    description: 'Submits (f, u, "da"), worker sends GRAB_JOB_ALL.',
    outcomes: [
      { outcome: 'pass', when: 'JOB_ASSIGN_UNIQ(handle, f, u, "da"), or JOB_ASSIGN_ALL with an empty reducer' },
      { outcome: 'unsupported', when: 'GRAB_JOB_ALL not implemented' },
    ],
    requires: ['GRAB_JOB_ALL'],
    async run(ctx) {
      const fn = ctx.fn();
      const u = ctx.uniq();
      const h = await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, u, 'da');
      const a = await grab(await worker(ctx, 'worker', [fn]), T.GRAB_JOB_ALL, [T.JOB_ASSIGN_UNIQ, T.JOB_ASSIGN_ALL]);
      const got = a.args.map(text);
      const ok = a.type === T.JOB_ASSIGN_UNIQ ? got.join('|') === [h, fn, u, 'da'].join('|') : got.join('|') === [h, fn, u, '', 'da'].join('|');
      check(ok, `JOB_ASSIGN_UNIQ(${h}, ${fn}, ${u}, da)`, `${a.type === T.JOB_ASSIGN_UNIQ ? 'JOB_ASSIGN_UNIQ' : 'JOB_ASSIGN_ALL'}(${got.join(', ')})`);
      return pass(a.type === T.JOB_ASSIGN_UNIQ ? 'JOB_ASSIGN_UNIQ' : 'JOB_ASSIGN_ALL');
    },
  },
  {
    ...base,
    id: 'binary/grab/all-reduce-job',
    requirement: 'GRAB_JOB_ALL on a job with a reducer MUST be answered with JOB_ASSIGN_ALL(handle, function, unique, reducer, data).',
    description: 'SUBMIT_REDUCE_JOB_BACKGROUND(f, u, "reducer", "", "dr"), worker sends GRAB_JOB_ALL.',
    outcomes: [
      { outcome: 'pass', when: 'JOB_ASSIGN_ALL(handle, f, u, "reducer", "dr")' },
      { outcome: 'unsupported', when: 'GRAB_JOB_ALL or SUBMIT_REDUCE_JOB_BACKGROUND not implemented' },
    ],
    requires: ['GRAB_JOB_ALL', 'SUBMIT_REDUCE_JOB_BACKGROUND'],
    async run(ctx) {
      const fn = ctx.fn();
      const u = ctx.uniq();
      const c = await ctx.connect('client');
      c.send(T.SUBMIT_REDUCE_JOB_BACKGROUND, fn, u, 'reducer', '', 'dr');
      const h = text((await c.expect(T.JOB_CREATED)).args[0]);
      const a = await grab(await worker(ctx, 'worker', [fn]), T.GRAB_JOB_ALL, [T.JOB_ASSIGN_ALL]);
      const got = a.args.map(text);
      check(got.join('|') === [h, fn, u, 'reducer', 'dr'].join('|'), `JOB_ASSIGN_ALL(${h}, ${fn}, ${u}, reducer, dr)`, `JOB_ASSIGN_ALL(${got.join(', ')})`);
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/grab/plain-grab-on-unique-job',
    requirement: 'Plain GRAB_JOB MUST be answered with JOB_ASSIGN (no unique) even when the job has a unique.',
    description: 'Submits (f, u, "dp"), worker sends GRAB_JOB.',
    outcomes: [{ outcome: 'pass', when: 'JOB_ASSIGN(handle, f, "dp")' }],
    async run(ctx) {
      const fn = ctx.fn();
      const h = await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, ctx.uniq(), 'dp');
      const a = await grab(await worker(ctx, 'worker', [fn]), T.GRAB_JOB, [T.JOB_ASSIGN]);
      const got = a.args.map(text);
      check(got.join('|') === [h, fn, 'dp'].join('|'), `JOB_ASSIGN(${h}, ${fn}, dp)`, `JOB_ASSIGN(${got.join(', ')})`);
      return pass();
    },
  },
];
