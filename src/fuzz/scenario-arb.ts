/**
 * fast-check arbitraries for model-based scenarios. Scenarios are symbolic (function "a",
 * unique "u1"); `instantiate` gives them per-run names so runs on one server never interfere.
 * Slots 0-1 are clients, 2-4 workers (at most three sleepers: Perl wakes three at once and
 * the rest on a 0.1 s timer, which a step-synchronous check cannot follow).
 */
import fc from 'fast-check';
import type { Action, GrabType, JobRef, Step, SubmitType, WorkType } from '../model/actions.js';
import type { ModelProfile } from '../model/profiles.js';
import { T } from '../protocol/constants.js';

const FNS = ['a', 'b', 'c'] as const;
const UNIQUES = ['', '-', 'u1', 'u2'] as const;
/** Symbolic tokens rewritten per run (function names and explicit uniques, also when used as data). */
const SYMBOLS = new Set<string>(['u1', 'u2']);
const CLIENT_SLOTS = [0, 1] as const;
const WORKER_SLOTS = [2, 3, 4] as const;

const SUBMITS: readonly SubmitType[] = [
  T.SUBMIT_JOB,
  T.SUBMIT_JOB_BG,
  T.SUBMIT_JOB_HIGH,
  T.SUBMIT_JOB_HIGH_BG,
  T.SUBMIT_JOB_LOW,
  T.SUBMIT_JOB_LOW_BG,
  T.SUBMIT_JOB_EPOCH,
  T.SUBMIT_REDUCE_JOB,
  T.SUBMIT_REDUCE_JOB_BACKGROUND,
];
const GRABS: readonly GrabType[] = [T.GRAB_JOB, T.GRAB_JOB_UNIQ, T.GRAB_JOB_ALL];
const WORKS: readonly WorkType[] = [T.WORK_STATUS, T.WORK_DATA, T.WORK_WARNING, T.WORK_COMPLETE, T.WORK_FAIL, T.WORK_EXCEPTION];

/** Endings (complete/fail/exception) and progress dominate; data/warning relays are simple. */
const WORK_WEIGHT: Readonly<Record<WorkType, number>> = { [T.WORK_COMPLETE]: 4, [T.WORK_STATUS]: 3, [T.WORK_FAIL]: 2, [T.WORK_EXCEPTION]: 2, [T.WORK_DATA]: 1, [T.WORK_WARNING]: 1 };

const latin1 = (a: Uint8Array): string => Buffer.from(a).toString('latin1');
/** Payloads: small symbolic values (so "-" uniques collide with explicit ones), arbitrary bytes with NULs, sometimes larger. */
const dataArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('', 'x', 'u1', 'u2') },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 12 }).map(latin1) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 3000 }).map(latin1) },
);

const jobRefArb = (held: boolean): fc.Arbitrary<JobRef> =>
  fc.oneof(
    ...(held ? [{ weight: 8, arbitrary: fc.nat(3).map((k): JobRef => ({ held: k })) }] : []),
    { weight: 3, arbitrary: fc.nat(7).map((k): JobRef => ({ created: k })) },
    { weight: 1, arbitrary: fc.constant<JobRef>({ unknown: true }) },
  );

const clientSlotArb = fc.oneof({ weight: 4, arbitrary: fc.constant<number>(CLIENT_SLOTS[0]) }, { weight: 1, arbitrary: fc.constant<number>(CLIENT_SLOTS[1]) });
const workerSlotArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant<number>(WORKER_SLOTS[0]) },
  { weight: 2, arbitrary: fc.constant<number>(WORKER_SLOTS[1]) },
  { weight: 1, arbitrary: fc.constant<number>(WORKER_SLOTS[2]) },
);

interface ScenarioShape {
  readonly maxSteps: number;
}

function actionArbs(profile: ModelProfile): { client: fc.Arbitrary<Action>; worker: fc.Arbitrary<Action>; story: fc.Arbitrary<Step[]> } {
  const has = (t: number): boolean => profile.supported.has(t);
  const submits = SUBMITS.filter(has);
  const grabs = GRABS.filter(has);
  const works = WORKS.filter(has);
  // Skewed choices make coherent stories (submit → can-do → grab → work on the same function and
  // worker) common, while the rarer names still produce cross-function and multi-worker cases.
  const fn = fc.oneof({ weight: 6, arbitrary: fc.constant<string>(FNS[0]) }, { weight: 2, arbitrary: fc.constant<string>(FNS[1]) }, { weight: 1, arbitrary: fc.constant<string>(FNS[2]) });
  const submit: fc.Arbitrary<Action> = fc.record({ type: fc.constantFrom(...submits), fn, unique: fc.constantFrom(...UNIQUES), data: dataArb, future: fc.boolean() }).map(
    ({ type, fn: f, unique, data, future }): Action => ({
      kind: 'submit',
      type,
      fn: f,
      unique,
      data,
      ...(type === T.SUBMIT_JOB_EPOCH ? { epoch: future ? 'future' : 'past' } : {}),
      ...(type === T.SUBMIT_REDUCE_JOB || type === T.SUBMIT_REDUCE_JOB_BACKGROUND ? { reducer: 'r1' } : {}),
    }),
  );
  const client = fc.oneof(
    { weight: 8, arbitrary: submit },
    { weight: 3, arbitrary: jobRefArb(false).map((job): Action => ({ kind: 'get-status', job })) },
    ...(has(T.GET_STATUS_UNIQUE) ? [{ weight: 1, arbitrary: fc.constantFrom('u1', 'u2').map((unique): Action => ({ kind: 'get-status-unique', unique })) }] : []),
    { weight: 1, arbitrary: dataArb.map((data): Action => ({ kind: 'echo', data })) },
    { weight: 2, arbitrary: fc.constantFrom('exceptions', 'exceptions', 'bogus').map((name): Action => ({ kind: 'option', name })) },
    { weight: 1, arbitrary: fc.constant<Action>({ kind: 'close' }) },
  );
  const work = fc
    .record({ type: fc.oneof(...works.map((t) => ({ weight: WORK_WEIGHT[t], arbitrary: fc.constant(t) }))), job: jobRefArb(true), data: dataArb, n: fc.nat(100), d: fc.nat(100) })
    .map(({ type, job, data, n, d }): Action => (type === T.WORK_STATUS ? { kind: 'work', type, job, data: '', numerator: String(n), denominator: String(n + d) } : { kind: 'work', type, job, data }));
  const worker = fc.oneof(
    { weight: 4, arbitrary: fn.map((f): Action => ({ kind: 'can-do', fn: f })) },
    { weight: 1, arbitrary: fn.map((f): Action => ({ kind: 'cant-do', fn: f })) },
    { weight: 1, arbitrary: fc.constant<Action>({ kind: 'reset-abilities' }) },
    { weight: 3, arbitrary: fc.constant<Action>({ kind: 'pre-sleep' }) },
    { weight: 7, arbitrary: fc.constantFrom(...grabs).map((type): Action => ({ kind: 'grab', type })) },
    { weight: 10, arbitrary: work },
    { weight: 1, arbitrary: fc.constant<Action>({ kind: 'close' }) },
  );
  // A whole job life in order (submit, register, grab, report) on one client and one worker:
  // rare as independent steps, and needed to see relays reach a live client.
  const story = fc
    .record({ client: clientSlotArb, worker: workerSlotArb, submit, grab: fc.constantFrom(...grabs), work, more: fc.option(work, { nil: undefined }) })
    .map(({ client: c, worker: w, submit: sub, grab: g, work: w1, more }): Step[] => {
      const fnName = sub.kind === 'submit' ? sub.fn : 'a';
      return [
        { conn: c, action: sub },
        { conn: w, action: { kind: 'can-do', fn: fnName } },
        { conn: w, action: { kind: 'grab', type: g } },
        { conn: w, action: w1 },
        ...(more ? [{ conn: w, action: more }] : []),
      ];
    });
  return { client, worker, story };
}

export function scenarioArb(profile: ModelProfile, shape: ScenarioShape = { maxSteps: 24 }): fc.Arbitrary<Step[]> {
  const { client, worker, story } = actionArbs(profile);
  const stepArb = fc.oneof(fc.record({ conn: clientSlotArb, action: client }), fc.record({ conn: workerSlotArb, action: worker }));
  const block = fc.oneof({ weight: 10, arbitrary: stepArb.map((st) => [st]) }, { weight: 1, arbitrary: story });
  return fc.array(block, { minLength: 1, maxLength: shape.maxSteps }).map((blocks) => blocks.flat().slice(0, shape.maxSteps));
}

/** Give a symbolic scenario concrete, per-run names (functions and explicit uniques). */
export function instantiate(steps: readonly Step[], prefix: string): Step[] {
  const sym = (s: string): string => (SYMBOLS.has(s) ? `${prefix}${s}` : s);
  const fnName = (f: string): string => `${prefix}f${f}`;
  return steps.map((st): Step => {
    const a = st.action;
    switch (a.kind) {
      case 'submit':
        return { conn: st.conn, action: { ...a, fn: fnName(a.fn), unique: sym(a.unique), data: sym(a.data) } };
      case 'can-do':
      case 'cant-do':
        return { conn: st.conn, action: { ...a, fn: fnName(a.fn) } };
      case 'get-status-unique':
        return { conn: st.conn, action: { ...a, unique: sym(a.unique) } };
      case 'echo':
        return { conn: st.conn, action: { ...a, data: sym(a.data) } };
      case 'work':
        return { conn: st.conn, action: { ...a, data: sym(a.data) } };
      default:
        return st;
    }
  });
}
