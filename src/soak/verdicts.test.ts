/**
 * The verdicts on a coalescing pair whose two jobs share one handle: joined and run once
 * (completed), run as two jobs under a handle the server reused after the first ended (completed,
 * counted as reused: spec §4.1), and one joined job run twice (duplicated). The ledger is fed
 * the events the drivers would report, with a hand-set clock.
 */
import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';
import { payloadOf } from './payloads.js';
import type { PlannedJob } from './plan.js';
import { judge } from './verdicts.js';

const SEED = 1;
const SIZE = 5;
const job = (n: number): PlannedJob => ({ id: `j${n}`, n, client: 'c', worker: 'w', priority: 'normal', background: false, size: SIZE, group: 1, partner: n === 1 ? 2 : 1 });
const bytes = payloadOf(SEED, 1, SIZE).toString('base64');

/** Runs a script of [time, action] on a fresh ledger and judges it at t=1000. */
function verdictsOf(script: readonly [number, (l: Ledger) => void][]) {
  let now = 0;
  const ledger = new Ledger(
    SEED,
    () => now,
    () => undefined,
  );
  for (const [t, act] of script) {
    now = t;
    act(ledger);
  }
  return judge(ledger, 1000, false, [{ client: 'c', worker: 'w' }], 1000);
}

const submit = (n: number) => (l: Ledger) => l.submitted(job(n), 'u', `c#${n}`, 900, 'submit');
const created =
  (n: number, handle = 'unique:u') =>
  (l: Ledger) =>
    void l.clientEvent(`c#${n}`, { event: 'created', id: `j${n}`, handle });
const complete = (n: number) => (l: Ledger) => void l.clientEvent(`c#${n}`, { event: 'complete', id: `j${n}`, payload: bytes });
const run =
  (worker: string, handle = 'unique:u') =>
  (l: Ledger) =>
    l.workerEvent(worker, 'w', { event: 'job', handle, function: 'f', unique: 'u', payload: bytes });
const finished =
  (worker: string, handle = 'unique:u') =>
  (l: Ledger) =>
    l.workerEvent(worker, 'w', { event: 'finished', handle, outcome: 'complete' });

/** Both jobs get one handle, one run serves both, and both clients hear its result together. */
const JOINED_AND_RUN_ONCE: readonly [number, (l: Ledger) => void][] = [
  [0, submit(1)],
  [0, submit(2)],
  [1, created(1)],
  [1, created(2)],
  [2, run('w#1')],
  [3, finished('w#1')],
  [4, complete(1)],
  [4, complete(2)],
];

describe('soak verdicts on a pair sharing a handle', () => {
  it('joined and run once: both completed, counted as joined', () => {
    const v = verdictsOf(JOINED_AND_RUN_ONCE);
    expect(v.totals).toMatchObject({ completed: 2, duplicated: 0 });
    expect(v.coalescing).toEqual({ pairs: 1, joined: 1, reused: 0 });
  });

  it('the handle reused for the second job after the first ended: two jobs, each run once', () => {
    const v = verdictsOf([
      [0, submit(1)],
      [0, submit(2)],
      [1, created(1)],
      [2, run('w#1')],
      [3, finished('w#1')],
      [4, complete(1)],
      [5, created(2)],
      [6, run('w#2')],
      [7, finished('w#2')],
      [8, complete(2)],
    ]);
    expect(v.findings).toEqual([]);
    expect(v.totals).toMatchObject({ completed: 2, duplicated: 0 });
    expect(v.coalescing).toEqual({ pairs: 1, joined: 0, reused: 1 });
  });

  it('one joined job run twice (both clients had the first result): duplicated', () => {
    const v = verdictsOf([...JOINED_AND_RUN_ONCE, [6, run('w#2')], [7, finished('w#2')]]);
    expect(v.totals.duplicated).toBe(2);
    expect(v.findings.map((f) => f.verdict)).toEqual(['duplicated', 'duplicated']);
  });
});
