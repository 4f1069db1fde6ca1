/**
 * spec §2 (SUBMIT_* rows), §4.1 Job handles, §4.4 background jobs: every SUBMIT_* is answered with
 * JOB_CREATED; handles are opaque strings of at most 63 bytes; JOB_ASSIGN carries handle,
 * function and data.
 */
import { T, packetName } from '../../../../src/protocol/constants.js';
import { type CaseDef, informational, pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { FeatureName } from '../../../../src/runner/features.js';
import { grab, submit, text, worker } from '../../../../src/runner/steps.js';

const SUBMIT_VARIANTS: readonly { readonly type: number; readonly tag: string; readonly feature?: FeatureName }[] = [
  { type: T.SUBMIT_JOB, tag: 'submit-job' },
  { type: T.SUBMIT_JOB_BG, tag: 'submit-job-bg' },
  { type: T.SUBMIT_JOB_HIGH, tag: 'submit-job-high' },
  { type: T.SUBMIT_JOB_HIGH_BG, tag: 'submit-job-high-bg', feature: 'SUBMIT_JOB_HIGH_BG' },
  { type: T.SUBMIT_JOB_LOW, tag: 'submit-job-low', feature: 'SUBMIT_JOB_LOW' },
  { type: T.SUBMIT_JOB_LOW_BG, tag: 'submit-job-low-bg', feature: 'SUBMIT_JOB_LOW_BG' },
];

const created: CaseDef[] = SUBMIT_VARIANTS.map(
  ({ type, tag, feature }) =>
    ({
      id: `binary/submit/${tag}-job-created`,
      section: '2',
      requirement: `${packetName(type)} MUST be answered with JOB_CREATED carrying a handle of 1-63 bytes, and the job MUST be handed to a worker with its data.`,
      level: 'MUST',
      description: `Sends ${packetName(type)}(function, "", "data-${tag}"), then a worker grabs it.`,
      outcomes: [
        { outcome: 'pass', when: 'JOB_CREATED(handle), then JOB_ASSIGN(handle, function, data) to the worker' },
        ...(feature ? [{ outcome: 'unsupported' as const, when: `ERROR "not implemented" for ${packetName(type)} (optional type)` }] : []),
      ],
      ...(feature ? { requires: [feature] } : {}),
      async run(ctx) {
        const fn = ctx.fn(tag);
        const c = await ctx.connect('client');
        const handle = await submit(c, type, fn, '', `data-${tag}`, feature);
        const w = await worker(ctx, 'worker', [fn]);
        const a = await grab(w);
        check(text(a.args[0]) === handle && text(a.args[1]) === fn && text(a.args[2]) === `data-${tag}`, `JOB_ASSIGN(${handle}, ${fn}, data-${tag})`, `JOB_ASSIGN(${a.args.map(text).join(', ')})`);
        return pass();
      },
    }) satisfies CaseDef,
);

export const cases: readonly CaseDef[] = [
  ...created,
  {
    id: 'binary/submit/handles-distinct',
    section: '4.1',
    requirement: 'Each new job MUST get a handle no other live job has.',
    level: 'MUST',
    description: 'Submits three background jobs with empty uniques and compares the handles.',
    outcomes: [{ outcome: 'pass', when: 'three different handles' }],
    async run(ctx) {
      const fn = ctx.fn();
      const c = await ctx.connect('client');
      const hs = [await submit(c, T.SUBMIT_JOB_BG, fn, '', 'a'), await submit(c, T.SUBMIT_JOB_BG, fn, '', 'b'), await submit(c, T.SUBMIT_JOB_BG, fn, '', 'c')];
      check(new Set(hs).size === 3, 'three distinct handles', hs.join(', '));
      return pass(hs.join(', '));
    },
  },
  {
    id: 'binary/submit/handle-shape',
    section: '4.1',
    requirement: 'Handle format is implementation-defined; gearmand and Perl use H:<host>:<n>. Recorded only.',
    level: 'INFO',
    description: 'Submits one background job and records the handle text.',
    outcomes: [{ outcome: 'informational', when: 'any handle; its shape is recorded' }],
    async run(ctx) {
      const c = await ctx.connect('client');
      const h = await submit(c, T.SUBMIT_JOB_BG, ctx.fn(), '', 'x');
      return informational(`handle ${JSON.stringify(h)}${/^H:[^:]+:\d+$/.test(h) ? ' (H:<host>:<n> shape)' : ''}`);
    },
  },
  {
    id: 'binary/submit/job-assign-data-with-nuls',
    section: '1.1',
    requirement: 'The data part MAY contain NUL bytes and MUST reach the worker byte-identical.',
    level: 'MUST',
    description: 'Submits data "\\0a\\0\\0b\\0" and checks JOB_ASSIGN data.',
    outcomes: [{ outcome: 'pass', when: 'JOB_ASSIGN data 00 61 00 00 62 00' }],
    async run(ctx) {
      const fn = ctx.fn();
      const data = Buffer.from([0, 0x61, 0, 0, 0x62, 0]);
      const c = await ctx.connect('client');
      await submit(c, T.SUBMIT_JOB, fn, '', data);
      const w = await worker(ctx, 'worker', [fn]);
      const a = await grab(w);
      check(a.args[2]!.equals(data), 'data 00 61 00 00 62 00', a.args[2]!.toString('hex'));
      return pass();
    },
  },
  {
    id: 'binary/submit/results-only-to-submitter',
    section: '4.15',
    requirement: 'Results MUST go only to foreground clients of that job; other connections see nothing.',
    level: 'MUST',
    description: 'Client A submits a job, client B (idle) stays connected; the worker completes.',
    outcomes: [{ outcome: 'pass', when: 'A gets WORK_COMPLETE, B gets nothing' }],
    async run(ctx) {
      const fn = ctx.fn();
      const a = await ctx.connect('clientA');
      const b = await ctx.connect('clientB');
      const handle = await submit(a, T.SUBMIT_JOB, fn, '', 'x');
      const w = await worker(ctx, 'worker', [fn]);
      await grab(w);
      w.send(T.WORK_COMPLETE, handle, 'done');
      await a.expect(T.WORK_COMPLETE);
      await b.expectNothing('not a listener of the job');
      return pass();
    },
  },
  {
    id: 'binary/submit/empty-function-name',
    section: '4.13',
    requirement: 'An empty function name is not forbidden by the protocol; servers differ (gearmand accepts, Perl answers invalid_args). Recorded only.',
    level: 'INFO',
    description: 'Sends SUBMIT_JOB_BG with function "", unique "" and data "x".',
    outcomes: [{ outcome: 'informational', when: 'JOB_CREATED or ERROR; which one is recorded' }],
    async run(ctx) {
      const c = await ctx.connect('client');
      c.send(T.SUBMIT_JOB_BG, '', '', 'x');
      const p = await c.expect([T.JOB_CREATED, T.ERROR]);
      return informational(p.type === T.JOB_CREATED ? 'accepted (JOB_CREATED)' : `rejected: ERROR ${p.args.map(text).join(' / ')}`);
    },
  },
];
