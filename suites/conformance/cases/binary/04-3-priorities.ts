/**
 * spec §4.3 Priorities: within one function gearmand hands out all HIGH jobs in submission order,
 * then NORMAL, then LOW; Perl puts each HIGH job at the front of the queue, so several HIGH jobs
 * come out newest first. The order across functions is not asserted (spec §6).
 */
import { T } from '../../../../src/protocol/constants.js';
import { alternative, type CaseDef, type CaseVerdict, pass } from '../../../../src/runner/case-def.js';
import type { CaseContext } from '../../../../src/runner/context.js';
import { check, fail } from '../../../../src/runner/failures.js';
import type { FeatureName } from '../../../../src/runner/features.js';
import { grab, submit, text, worker } from '../../../../src/runner/steps.js';

/** Submit labelled jobs in order on one client, then grab them all; returns the data order. */
async function order(ctx: CaseContext, jobs: readonly [number, string][]): Promise<string[]> {
  const fn = ctx.fn();
  const c = await ctx.connect('client');
  for (const [type, label] of jobs) await submit(c, type, fn, '', label);
  const w = await worker(ctx, 'worker', [fn]);
  const got: string[] = [];
  for (let i = 0; i < jobs.length; i++) got.push(text((await grab(w)).args[2]));
  return got;
}

/** A run() that submits `jobs` and passes when they are assigned exactly in the order `want`. */
const expectOrder =
  (jobs: readonly [number, string][], want: string) =>
  async (ctx: CaseContext): Promise<CaseVerdict> => {
    const got = (await order(ctx, jobs)).join(',');
    check(got === want, want, got);
    return pass();
  };

const N = T.SUBMIT_JOB;
const H = T.SUBMIT_JOB_HIGH;
const L = T.SUBMIT_JOB_LOW;

export const cases: readonly CaseDef[] = [
  {
    id: 'binary/priorities/normal-fifo',
    section: '4.3',
    requirement: 'Jobs of one priority and function MUST be assigned in submission order.',
    level: 'MUST',
    description: 'Submits SUBMIT_JOB n1, n2, n3, then grabs three times.',
    outcomes: [{ outcome: 'pass', when: 'assigned n1, n2, n3' }],
    run: expectOrder(
      [
        [N, 'n1'],
        [N, 'n2'],
        [N, 'n3'],
      ],
      'n1,n2,n3',
    ),
  },
  {
    id: 'binary/priorities/high-before-normal',
    section: '4.3',
    requirement: 'A queued HIGH job MUST be assigned before NORMAL jobs of the same function submitted earlier.',
    level: 'MUST',
    description: 'Submits SUBMIT_JOB n1, then SUBMIT_JOB_HIGH h1; grabs twice.',
    outcomes: [{ outcome: 'pass', when: 'assigned h1, then n1' }],
    run: expectOrder(
      [
        [N, 'n1'],
        [H, 'h1'],
      ],
      'h1,n1',
    ),
  },
  {
    id: 'binary/priorities/several-high-order',
    section: '4.3',
    requirement: 'Several HIGH jobs go before NORMAL ones; their order among themselves is a named alternative (FIFO on gearmand, LIFO on Perl).',
    level: 'MUST',
    description: 'Submits n1, h1, h2, n2 (SUBMIT_JOB / SUBMIT_JOB_HIGH) and grabs four times.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'high-priority-order', choice: 'fifo', when: 'h1, h2, n1, n2' },
      { outcome: 'pass-alternative', alternative: 'high-priority-order', choice: 'lifo', when: 'h2, h1, n1, n2' },
    ],
    async run(ctx) {
      const got = (
        await order(ctx, [
          [N, 'n1'],
          [H, 'h1'],
          [H, 'h2'],
          [N, 'n2'],
        ])
      ).join(',');
      if (got === 'h1,h2,n1,n2') return alternative('high-priority-order', 'fifo');
      if (got === 'h2,h1,n1,n2') return alternative('high-priority-order', 'lifo');
      return fail(['h1,h2,n1,n2 (fifo)', 'h2,h1,n1,n2 (lifo)'], got);
    },
  },
  {
    id: 'binary/priorities/low-after-normal',
    section: '4.3',
    requirement: 'A LOW job MUST be assigned after NORMAL jobs of the same function submitted later.',
    level: 'MUST',
    description: 'Submits SUBMIT_JOB_LOW l1, then SUBMIT_JOB n1; grabs twice.',
    outcomes: [
      { outcome: 'pass', when: 'assigned n1, then l1' },
      { outcome: 'unsupported', when: 'SUBMIT_JOB_LOW not implemented' },
    ],
    requires: ['SUBMIT_JOB_LOW'],
    run: expectOrder(
      [
        [L, 'l1'],
        [N, 'n1'],
      ],
      'n1,l1',
    ),
  },
  {
    id: 'binary/priorities/full-order',
    section: '4.3',
    requirement: 'Within one function: all HIGH, then NORMAL, then LOW, each in submission order (gearmand 1.1.20 observed H1 H2 N1 N2 L1 L2).',
    level: 'MUST',
    description: 'Submits l1 n1 h1 h2 n2 l2 and grabs six times.',
    outcomes: [
      { outcome: 'pass', when: 'h1 h2 n1 n2 l1 l2' },
      { outcome: 'pass-alternative', alternative: 'high-priority-order', choice: 'lifo', when: 'h2 h1 n1 n2 l1 l2' },
      { outcome: 'unsupported', when: 'SUBMIT_JOB_LOW not implemented' },
    ],
    requires: ['SUBMIT_JOB_LOW'],
    async run(ctx) {
      const got = (
        await order(ctx, [
          [L, 'l1'],
          [N, 'n1'],
          [H, 'h1'],
          [H, 'h2'],
          [N, 'n2'],
          [L, 'l2'],
        ])
      ).join(',');
      if (got === 'h1,h2,n1,n2,l1,l2') return pass();
      if (got === 'h2,h1,n1,n2,l1,l2') return alternative('high-priority-order', 'lifo');
      return fail(['h1,h2,n1,n2,l1,l2'], got);
    },
  },
  ...(
    [
      ['high-bg-before-normal-bg', T.SUBMIT_JOB_HIGH_BG, 'SUBMIT_JOB_HIGH_BG', 'h', 'first'],
      ['low-bg-after-normal-bg', T.SUBMIT_JOB_LOW_BG, 'SUBMIT_JOB_LOW_BG', 'l', 'last'],
    ] as const
  ).map(
    ([tag, type, feature, label, where]) =>
      ({
        id: `binary/priorities/${tag}`,
        section: '4.3',
        requirement: `A background ${label === 'h' ? 'HIGH' : 'LOW'} job MUST be assigned ${where} relative to NORMAL background jobs of the same function.`,
        level: 'MUST',
        description: `Submits SUBMIT_JOB_BG n1, ${feature} ${label}1, SUBMIT_JOB_BG n2; grabs three times.`,
        outcomes: [
          { outcome: 'pass', when: label === 'h' ? 'h1, n1, n2' : 'n1, n2, l1' },
          { outcome: 'unsupported', when: `${feature} not implemented` },
        ],
        requires: [feature as FeatureName],
        run: expectOrder(
          [
            [T.SUBMIT_JOB_BG, 'n1'],
            [type, `${label}1`],
            [T.SUBMIT_JOB_BG, 'n2'],
          ],
          label === 'h' ? 'h1,n1,n2' : 'n1,n2,l1',
        ),
      }) satisfies CaseDef,
  ),
];
