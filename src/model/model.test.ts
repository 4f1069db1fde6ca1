/**
 * The model on its own: the observed server behaviours of spec §4-§5, replayed through
 * step() under each profile. Handles are bound in creation order as H:t:1, H:t:2, ...
 */
import { describe, expect, it } from 'vitest';
import { T } from '../protocol/constants.js';
import type { Action, Step } from './actions.js';
import { describeExpected } from './expect.js';
import { PROFILES, type ModelProfile } from './profiles.js';
import { type ModelState, connById, initialState } from './state.js';
import { step } from './step.js';

const C = PROFILES['gearmand-1.1.20'];
const PERL = PROFILES['perl-gearman-server-1.130'];
const REF = PROFILES.reference;

/** Run steps taking the first outcome each time; returns what each step sent, per slot. */
function simulate(p: ModelProfile, steps: readonly Step[]): { lines: string[][]; state: ModelState; outcomes: number[] } {
  let s = initialState();
  const lines: string[][] = [];
  const outcomes: number[] = [];
  for (const st of steps) {
    const all = step(p, s, st);
    outcomes.push(all.length);
    const o = all[0]!;
    const next = o.next;
    next.created.forEach((id, i) => {
      next.handles[id] ??= `H:t:${i + 1}`;
    });
    const out: string[] = [];
    for (const [connId, list] of Object.entries(o.out)) {
      const slot = connById(next, Number(connId)).slot;
      for (const e of list) out.push(`c${slot} ${describeExpected(e, next.handles)}`);
    }
    lines.push(out.sort());
    s = next;
  }
  return { lines, state: s, outcomes };
}

const at = (conn: number, action: Action): Step => ({ conn, action });
const submit = (conn: number, type: number, data: string, unique = '', fn = 'f'): Step => at(conn, { kind: 'submit', type: type as 7, fn, unique, data });
const grab = (conn: number, type: number = T.GRAB_JOB): Step => at(conn, { kind: 'grab', type: type as 9 });
const canDo = (conn: number, fn = 'f'): Step => at(conn, { kind: 'can-do', fn });
const work = (conn: number, type: number, data = '', held = 0): Step => at(conn, { kind: 'work', type: type as 13, job: { held }, data });
/** A work packet naming the first job created, whether or not this worker still holds it. */
const lateWork = (conn: number, type: number, data = ''): Step => at(conn, { kind: 'work', type: type as 13, job: { created: 0 }, data });

describe('model - priorities (§4.3, §5 row 14)', () => {
  const steps = [submit(0, T.SUBMIT_JOB, 'n1'), submit(0, T.SUBMIT_JOB_HIGH, 'h1'), submit(0, T.SUBMIT_JOB_HIGH, 'h2'), submit(0, T.SUBMIT_JOB, 'n2'), canDo(2), grab(2), grab(2), grab(2), grab(2)];
  const assigned = (p: ModelProfile): string[] =>
    simulate(p, steps)
      .lines.slice(5)
      .map((l) => /"(\w+)"\)$/.exec(l[0]!)![1]!);
  it('gearmand: HIGH in submission order, then NORMAL', () => expect(assigned(C)).toEqual(['h1', 'h2', 'n1', 'n2']));
  it('Perl: HIGH is LIFO', () => expect(assigned(PERL)).toEqual(['h2', 'h1', 'n1', 'n2']));
  it('gearmand: LOW after NORMAL (L1 N1 H1 H2 N2 L2 → H1 H2 N1 N2 L1 L2)', () => {
    const s = [
      submit(0, T.SUBMIT_JOB_LOW, 'l1'),
      submit(0, T.SUBMIT_JOB, 'n1'),
      submit(0, T.SUBMIT_JOB_HIGH, 'h1'),
      submit(0, T.SUBMIT_JOB_HIGH, 'h2'),
      submit(0, T.SUBMIT_JOB, 'n2'),
      submit(0, T.SUBMIT_JOB_LOW, 'l2'),
      canDo(2),
      ...Array.from({ length: 6 }, () => grab(2)),
    ];
    expect(
      simulate(C, s)
        .lines.slice(7)
        .map((l) => /"(\w+)"\)$/.exec(l[0]!)![1]),
    ).toEqual(['h1', 'h2', 'n1', 'n2', 'l1', 'l2']);
  });
});

describe('model - worker death (§4.7, §5 row 2)', () => {
  const steps = [submit(0, T.SUBMIT_JOB, 'd'), canDo(2), grab(2), at(2, { kind: 'close' }), canDo(3), grab(3)];
  it('gearmand requeues silently; the next worker gets the same handle', () => {
    const { lines } = simulate(C, steps);
    expect(lines[3]).toEqual([]);
    expect(lines[5]).toEqual(['c3 JOB_ASSIGN("H:t:1", "f", "d")']);
  });
  it('Perl fails the job to its client; the next worker gets NO_JOB', () => {
    const { lines } = simulate(PERL, steps);
    expect(lines[3]).toEqual(['c0 WORK_FAIL("H:t:1")']);
    expect(lines[5]).toEqual(['c3 NO_JOB()']);
  });
});

describe('model - WORK_EXCEPTION (§4.9, §5 row 3)', () => {
  const steps = [
    at(1, { kind: 'option', name: 'exceptions' }),
    submit(0, T.SUBMIT_JOB, 'x', 'u'),
    submit(1, T.SUBMIT_JOB, 'x', 'u'),
    canDo(2),
    grab(2),
    work(2, T.WORK_EXCEPTION, 'boom'),
    lateWork(2, T.WORK_FAIL),
  ];
  it('gearmand: WORK_FAIL with a trailing NUL without the option, WORK_EXCEPTION with it; the job ends', () => {
    const { lines } = simulate(C, steps);
    expect(lines[5]).toEqual(['c0 WORK_FAIL("H:t:1"+NUL)', 'c1 WORK_EXCEPTION("H:t:1", "boom")']);
    expect(lines[6]).toEqual(['c2 ERROR("JOB_NOT_FOUND", *)']);
  });
  it('Perl: only the option holder hears the exception; the job goes on to WORK_FAIL', () => {
    const { lines } = simulate(PERL, steps);
    expect(lines[5]).toEqual(['c1 WORK_EXCEPTION("H:t:1", "boom")']);
    expect(lines[6]).toEqual(['c0 WORK_FAIL("H:t:1")', 'c1 WORK_FAIL("H:t:1")']);
  });
});

describe('model - status without progress (§4.4, §5 row 1)', () => {
  const steps = [submit(0, T.SUBMIT_JOB_BG, 'b'), at(1, { kind: 'get-status', job: { created: 0 } }), at(1, { kind: 'get-status', job: { unknown: true } })];
  it('gearmand answers 0/0, Perl empty strings', () => {
    expect(simulate(C, steps).lines[1]).toEqual(['c1 STATUS_RES("H:t:1", "1", "0", "0", "0")']);
    expect(simulate(PERL, steps).lines[1]).toEqual(['c1 STATUS_RES("H:t:1", "1", "0", "", "")']);
    expect(simulate(PERL, steps).lines[2]).toEqual(['c1 STATUS_RES("H:gearspec:0", "0", "0", "", "")']);
  });
});

describe('model - CANT_DO while holding a job (§4.5, §5 row 20)', () => {
  const steps = [submit(0, T.SUBMIT_JOB, 'c'), canDo(2), grab(2), at(2, { kind: 'cant-do', fn: 'f' }), lateWork(2, T.WORK_COMPLETE, 'r')];
  it('gearmand requeues; the late WORK_COMPLETE is rejected and the client hears nothing', () => {
    const { lines } = simulate(C, steps);
    expect(lines[4]).toEqual(['c2 ERROR("JOB_NOT_FOUND", *)']);
  });
  it('Perl keeps the job with the worker; the result reaches the client', () => {
    expect(simulate(PERL, steps).lines[4]).toEqual(['c0 WORK_COMPLETE("H:t:1", "r")']);
  });
});

describe('model - coalescing (§4.2)', () => {
  it('same unique joins the job, first data wins, both clients get the result', () => {
    const s = [submit(0, T.SUBMIT_JOB, 'data1', 'u'), submit(1, T.SUBMIT_JOB, 'DIFFERENT', 'u'), canDo(2), grab(2), work(2, T.WORK_COMPLETE, 'r')];
    for (const p of [C, PERL, REF]) {
      const { lines } = simulate(p, s);
      expect(lines[1]).toEqual(['c1 JOB_CREATED("H:t:1")']);
      expect(lines[3]).toEqual(['c2 JOB_ASSIGN("H:t:1", "f", "data1")']);
      expect(lines[4]).toEqual(['c0 WORK_COMPLETE("H:t:1", "r")', 'c1 WORK_COMPLETE("H:t:1", "r")']);
    }
  });
  it('"-" joins an explicit-unique job whose unique and data equal its data on gearmand only one way; Perl both ways; reference never', () => {
    const fwd = [submit(0, T.SUBMIT_JOB_BG, 'k', 'k'), submit(0, T.SUBMIT_JOB_BG, 'k', '-')];
    const back = [submit(0, T.SUBMIT_JOB_BG, 'k', '-'), submit(0, T.SUBMIT_JOB_BG, 'z', 'k')];
    expect(simulate(C, fwd).lines[1]).toEqual(['c0 JOB_CREATED("H:t:1")']);
    expect(simulate(C, back).lines[1]).toEqual(['c0 JOB_CREATED("H:t:2")']);
    expect(simulate(PERL, fwd).lines[1]).toEqual(['c0 JOB_CREATED("H:t:1")']);
    expect(simulate(PERL, back).lines[1]).toEqual(['c0 JOB_CREATED("H:t:1")']);
    expect(simulate(REF, fwd).lines[1]).toEqual(['c0 JOB_CREATED("H:t:2")']);
  });
  it('gearmand: a "-" submit prefers the explicit job over an older "-" job with the same data (seed 4252)', () => {
    const s = [submit(0, T.SUBMIT_JOB_BG, 'k', '-'), submit(0, T.SUBMIT_JOB_BG, 'k', 'k'), submit(0, T.SUBMIT_JOB_BG, 'k', '-')];
    expect(simulate(C, s).lines[2]).toEqual(['c0 JOB_CREATED("H:t:2")']);
    expect(simulate(REF, s).lines[2]).toEqual(['c0 JOB_CREATED("H:t:1")']);
  });
  it('Perl: ECHO_REQ "0" comes back empty (Gearman::Util `$arg ||= \'\'`); others echo it', () => {
    const s = [at(0, { kind: 'echo', data: '0' })];
    expect(simulate(PERL, s).lines[0]).toEqual(['c0 ECHO_RES("")']);
    expect(simulate(C, s).lines[0]).toEqual(['c0 ECHO_RES("0")']);
  });
  it('Perl: "-" with empty data keeps joining a finished job (stale "" key)', () => {
    const s = [submit(0, T.SUBMIT_JOB_BG, '', '-'), canDo(2), grab(2), work(2, T.WORK_COMPLETE), submit(0, T.SUBMIT_JOB_BG, '', '-'), grab(2)];
    const perl = simulate(PERL, s).lines;
    expect(perl[4]).toEqual(['c0 JOB_CREATED("H:t:1")']);
    expect(perl[5]).toEqual(['c2 NO_JOB()']);
    expect(simulate(C, s).lines[4]).toEqual(['c0 JOB_CREATED("H:t:2")']);
  });
});

describe('model - sleep and wake (§4.5)', () => {
  it('PRE_SLEEP with work waiting answers NOOP at once; one NOOP per sleep', () => {
    const s = [canDo(2), submit(0, T.SUBMIT_JOB_BG, 'a'), at(2, { kind: 'pre-sleep' }), grab(2), at(2, { kind: 'pre-sleep' }), submit(0, T.SUBMIT_JOB_BG, 'b'), submit(0, T.SUBMIT_JOB_BG, 'c')];
    for (const p of [C, REF]) {
      const { lines } = simulate(p, s);
      expect(lines[2]).toEqual(['c2 NOOP()']);
      expect(lines[4]).toEqual([]);
      expect(lines[5]).toEqual(['c0 JOB_CREATED("H:t:2")', 'c2 NOOP()']);
      expect(lines[6]).toEqual(['c0 JOB_CREATED("H:t:3")']);
    }
  });
  it('Perl: after the last job is taken, PRE_SLEEP still answers NOOP until a grab finds the queue empty', () => {
    const s = [canDo(2), submit(0, T.SUBMIT_JOB_BG, 'a'), grab(2), at(2, { kind: 'pre-sleep' }), grab(2), at(2, { kind: 'pre-sleep' }), submit(0, T.SUBMIT_JOB_BG, 'b')];
    const { lines } = simulate(PERL, s);
    expect(lines[3]).toEqual(['c2 NOOP()']);
    expect(lines[4]).toEqual(['c2 NO_JOB()']);
    expect(lines[5]).toEqual([]);
    expect(lines[6]).toEqual(['c0 JOB_CREATED("H:t:2")', 'c2 NOOP()']);
  });
  it('gearmand: PRE_SLEEP drops an abandoned job only in the list a grab takes from (a future epoch job ahead of it makes it count as work)', () => {
    const future = at(0, { kind: 'submit', type: T.SUBMIT_JOB_EPOCH as 7, fn: 'f', unique: '', data: 'later', epoch: 'future' });
    const abandonLow = [submit(1, T.SUBMIT_JOB_LOW, 'low'), at(1, { kind: 'close' })];
    const abandonNormal = [submit(1, T.SUBMIT_JOB, 'normal'), at(1, { kind: 'close' })];
    const sleep = [at(2, { kind: 'pre-sleep' }), grab(2)];
    // Observed on gearmand 1.1.20: future + abandoned LOW → NOOP then NO_JOB; either alone, or future + abandoned NORMAL → no NOOP.
    expect(simulate(C, [canDo(2), future, ...abandonLow, ...sleep]).lines.slice(-2)).toEqual([['c2 NOOP()'], ['c2 NO_JOB()']]);
    expect(simulate(C, [canDo(2), ...abandonLow, ...sleep]).lines.slice(-2)).toEqual([[], ['c2 NO_JOB()']]);
    expect(simulate(C, [canDo(2), future, ...abandonNormal, ...sleep]).lines.slice(-2)).toEqual([[], ['c2 NO_JOB()']]);
  });
  it('gearmand: a worker that registers after PRE_SLEEP is still woken; Perl: not', () => {
    const s = [at(2, { kind: 'pre-sleep' }), canDo(2), submit(0, T.SUBMIT_JOB_BG, 'a')];
    expect(simulate(C, s).lines[2]).toEqual(['c0 JOB_CREATED("H:t:1")', 'c2 NOOP()']);
    expect(simulate(PERL, s).lines[2]).toEqual(['c0 JOB_CREATED("H:t:1")']);
  });
  it('cross-function order: gearmand serves the most recently registered function; other profiles allow either', () => {
    const s = [canDo(2, 'a'), canDo(2, 'b'), submit(0, T.SUBMIT_JOB_BG, 'ja', '', 'a'), submit(0, T.SUBMIT_JOB_BG, 'jb', '', 'b'), grab(2)];
    const c = simulate(C, s);
    expect(c.outcomes[4]).toBe(1);
    expect(c.lines[4]).toEqual(['c2 JOB_ASSIGN("H:t:2", "b", "jb")']);
    expect(simulate(PERL, s).outcomes[4]).toBe(2);
  });
  it('reference: the oldest job first whatever its function; an abandoned job at the head is dropped on the way (model-server seed 1267746501)', () => {
    const s = [
      submit(1, T.SUBMIT_JOB, 'abandoned', '', 'a'),
      at(1, { kind: 'close' }),
      submit(0, T.SUBMIT_JOB_BG, 'jb', '', 'b'),
      submit(0, T.SUBMIT_JOB_BG, 'ja', '', 'a'),
      canDo(2, 'b'),
      canDo(2, 'a'),
      grab(2),
      at(0, { kind: 'get-status', job: { created: 0 } }),
    ];
    const r = simulate(REF, s);
    expect(r.outcomes[6]).toBe(1);
    expect(r.lines[6]).toEqual(['c2 JOB_ASSIGN("H:t:2", "b", "jb")']);
    expect(r.lines[7]).toEqual(['c0 STATUS_RES("H:t:1", "0", "0", "0", "0")']);
  });
});
