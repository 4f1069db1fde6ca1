/**
 * Ledger.stalledNow: a worker library has stalled when three of its jobs, from two client
 * libraries or more, waited twice the job timeout and no instance of it started any job meanwhile — not when it was busy with others, and
 * not when a restart of the server held the job up. Fed by hand, with a hand-set clock.
 */
import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';
import type { PlannedJob } from './plan.js';

const TIMEOUT = 100;
const job = (n: number, worker: string, client: string): PlannedJob => ({ id: `j${n}`, n, client, worker, priority: 'normal', background: false, size: 0, group: n });

function ledgerAt(): { ledger: Ledger; at: (t: number) => void } {
  let now = 0;
  return {
    ledger: new Ledger(
      1,
      () => now,
      () => undefined,
    ),
    at: (t) => void (now = t),
  };
}

const submit = (l: Ledger, t: number, n: number, worker: string, client = `c${n % 2}`): void => l.submitted(job(n, worker, client), `u${n}`, 'c#1', t + TIMEOUT, 'submit');
const run = (l: Ledger, worker: string, n: number): void => l.workerEvent(`${worker}-worker#1`, worker, { event: 'job', handle: `H:${n}`, function: 'f', payload: '' });

describe('Ledger.stalledNow', () => {
  it('names a worker library that started nothing while its jobs waited twice the timeout, once', () => {
    const { ledger, at } = ledgerAt();
    submit(ledger, 0, 1, 'w');
    run(ledger, 'w', 99); // a run before the job was submitted does not count
    at(10);
    submit(ledger, 10, 2, 'w');
    submit(ledger, 10, 3, 'w');
    at(20);
    submit(ledger, 20, 4, 'w');
    at(150);
    expect(ledger.stalledNow()).toEqual([]); // past their deadlines, not yet twice the timeout
    at(210);
    expect(ledger.stalledNow()).toEqual([]); // two jobs may be two the server lost
    at(220);
    expect(ledger.stalledNow()).toEqual(['w']);
    expect(ledger.stalledNow()).toEqual([]);
    // Three jobs of one client library alone are not enough (that client may never have sent them).
    for (const n of [5, 6, 7]) submit(ledger, 220, n, 'v', 'c');
    at(500);
    expect(ledger.stalledNow()).toEqual([]);
    expect(ledger.endedElsewhere(['j2'], 0)).toBe(true);
  });

  it('does not name one that was busy with other jobs, nor one whose job waited on a restart', () => {
    const { ledger, at } = ledgerAt();
    for (const n of [1, 2, 3]) submit(ledger, 0, n, 'busy');
    for (const n of [4, 5, 6]) submit(ledger, 0, n, 'restarted');
    at(20);
    run(ledger, 'busy', 50);
    ledger.serverRestarting();
    at(40);
    ledger.serverStopped();
    ledger.serverUp();
    at(300);
    expect(ledger.stalledNow()).toEqual([]);
    expect(ledger.endedElsewhere(['j1'], 0)).toBe(false);
  });
});
