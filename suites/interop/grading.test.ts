import { describe, expect, it } from 'vitest';
import { ALTERNATIVES } from '../../src/protocol/alternatives.js';
import { findExpectation as findDeclared } from '../../src/interop/declared.js';
import { grade as gradeWith } from '../../src/interop/grading.js';
import type { CellId, Scenario } from '../../src/interop/types.js';
import { DECLARATIONS } from '../declarations.js';
import { EXPECTATIONS } from './expectations.js';
import { RACES } from './expectations/races.js';
import { SCENARIOS, SCENARIO_IDS } from './scenarios/index.js';

// The engine grades against the declarations it is given: these, as the CLI composes them.
const grade = (cell: CellId, scenario: Scenario, actual: string) => gradeWith(DECLARATIONS.interop, cell, scenario, actual);
const findExpectation = (cell: CellId, scenario: string) => findDeclared(DECLARATIONS.interop, cell, scenario);

const byId = (id: string) => SCENARIOS.find((s) => s.id === id)!;
const perlCell: CellId = { server: 'perl-gearmand', client: 'reference', worker: 'reference' };
const refCell: CellId = { server: 'reference', client: 'reference', worker: 'reference' };

describe('interop grading', () => {
  it('should pass the nominal outcome when nothing is declared', () => {
    expect(grade(refCell, byId('worker-death'), 'requeued').grade).toBe('pass');
    expect(grade(refCell, byId('worker-death'), 'failed').grade).toBe('fail');
  });

  it('should grade a declared difference as expected-different and name its source', () => {
    const g = grade(perlCell, byId('worker-death'), 'failed');
    expect(g.grade).toBe('expected-different');
    expect(g.expectation?.alternative).toBe('worker-death');
    expect(g.expectation?.source).toMatch(/spec §4\.7/);
  });

  it('should report a declared difference that did not happen as stale', () => {
    expect(grade(perlCell, byId('worker-death'), 'requeued').grade).toBe('stale');
  });

  it('should fail an outcome that is neither nominal nor declared', () => {
    expect(grade(perlCell, byId('worker-death'), 'lost').grade).toBe('fail');
  });

  it("should apply a code base's declaration to its other releases' builds, and call its absence there version-specific", () => {
    // Declared for gearmand (the Perl worker dies under it); gearmand@1.1.21 is a build of gearmand.
    const at = (server: CellId['server']): CellId => ({ server, client: 'reference', worker: 'perl' });
    const declared = 'exception+worker-error+worker-gone';
    expect(grade(at('gearmand@1.1.21'), byId('exception-throw'), declared).grade).toBe('expected-different');
    // Nominal on another release: not stale (it was declared for the code base), but marked.
    const elsewhere = grade(at('gearmand@1.1.21'), byId('exception-throw'), byId('exception-throw').nominal);
    expect(elsewhere.grade).toBe('pass');
    expect(elsewhere.expectation?.versionSpecific).toBe('declared for gearmand (as gearmand@1.1.21), not seen with these builds');
    // A server of another code base is not selected by gearmand's declaration.
    expect(findExpectation(at('rustygeard'), 'exception-throw')?.servers ?? []).not.toContain('gearmand');
  });

  it('should let a specific entry win over a general one', () => {
    expect(findExpectation({ server: 'perl-gearmand', client: 'perl', worker: 'perl' }, 'priorities')?.id).toBe('perl-client/error-reply-breaks-taskset');
    expect(findExpectation({ server: 'perl-gearmand', client: 'php', worker: 'perl' }, 'priorities')?.id).toBe('libgearman-client/refused-task-blocks-next-run');
    expect(findExpectation({ server: 'perl-gearmand', client: 'reference', worker: 'perl' }, 'priorities')?.id).toBe('perl-server/no-low-priority');
  });

  it('should grade what the fresh-job check found as part of the outcome', () => {
    // A worker the scenario left gone or stuck is never nominal, even when the job itself was.
    expect(grade(refCell, byId('fail-native'), 'failed+worker-gone').grade).toBe('fail');
    expect(grade(refCell, byId('fail-native'), 'failed+worker-error').grade).toBe('fail');
    expect(grade(refCell, byId('work-fail'), 'failed+client-stuck').grade).toBe('fail');
    // Declared with its suffixes: a Perl worker whose function dies does not survive gearmand.
    const gearmandPerl: CellId = { server: 'gearmand', client: 'reference', worker: 'perl' };
    const g = grade(gearmandPerl, byId('exception-throw'), 'exception+worker-error+worker-gone');
    expect(g.grade).toBe('expected-different');
    expect(g.expectation?.kind).toBe('interop-bug');
    expect(g.expectation?.source).toMatch(/Gearman\/Worker\.pm lines 344-366/);
    // The same worker on the reference server survives: the bare outcome is declared there.
    expect(grade({ ...gearmandPerl, server: 'reference' }, byId('exception-throw'), 'exception').grade).toBe('expected-different');
    expect(grade({ ...gearmandPerl, server: 'reference' }, byId('exception-throw'), 'exception+worker-error+worker-gone').grade).toBe('fail');
  });

  it('should accept what a declared race allows, the nominal outcome too, and nothing else', () => {
    const rustygear: CellId = { server: 'gearmand', client: 'rustygear', worker: 'reference' };
    // The race lets the racy client end without its result ...
    const lost = grade(rustygear, byId('foreground'), 'no-result+client-stuck');
    expect(lost.grade).toBe('expected-different');
    expect(lost.expectation?.id).toBe('rustygear-client/packets-behind-job-created');
    expect(grade(rustygear, byId('foreground'), 'completed').grade).toBe('pass');
    // ... but not take the worker or the server down with it.
    expect(grade(rustygear, byId('foreground'), 'no-result+worker-gone+client-stuck').grade).toBe('fail');
    expect(grade(rustygear, byId('foreground'), 'completed+server-crashed').grade).toBe('fail');
    // Another client in the same cell is not covered by it.
    expect(grade({ ...rustygear, client: 'reference' }, byId('foreground'), 'no-result+client-stuck').grade).toBe('fail');
  });

  it('should use the explicit-call form for the explicit-packet scenarios and the native form for the rest', () => {
    const fn = (scenario: string, suffix?: string): string => `${scenario}${suffix ?? ''}`;
    const forms = (id: string) =>
      byId(id)
        .functions(fn)
        .map((r) => (r.behaviour.outcome.kind === 'die' || r.behaviour.outcome.kind === 'exit' ? undefined : r.behaviour.outcome.form));
    for (const id of ['work-fail', 'exception-option', 'exception-no-option']) expect(forms(id), id).toEqual(['call']);
    expect(forms('fail-native')).toEqual(['native']);
    expect(forms('exception-throw')).toEqual(['throw']);
    for (const id of ['foreground', 'streaming', 'payload-empty']) expect(forms(id), id).toEqual([undefined]);
  });

  it('should declare every expectation with a known scenario, a source and a reason', () => {
    for (const e of EXPECTATIONS) {
      expect(e.source.length, e.id).toBeGreaterThan(10);
      expect(e.why.length, e.id).toBeGreaterThan(20);
      if (e.scenarios !== '*') for (const s of e.scenarios) expect(SCENARIO_IDS, e.id).toContain(s);
      if (e.alternative) expect(Object.keys(ALTERNATIVES), e.id).toContain(e.alternative);
      const expect_ = typeof e.expect === 'string' ? [e.expect] : e.expect;
      if (e.scenarios !== '*') for (const s of e.scenarios) expect(expect_, e.id).not.toContain(byId(s).nominal);
    }
    expect(new Set(EXPECTATIONS.map((e) => e.id)).size).toBe(EXPECTATIONS.length);
  });

  it('should declare every race with known scenarios, a source, a reason, and a pattern the nominal outcomes do not need', () => {
    for (const r of RACES) {
      expect(r.source.length, r.id).toBeGreaterThan(10);
      expect(r.why.length, r.id).toBeGreaterThan(20);
      if (r.scenarios !== '*') for (const s of r.scenarios) expect(SCENARIO_IDS, r.id).toContain(s);
      // A harness failure is never a library's race.
      expect(r.outcomes.test('harness-error'), r.id).toBe(false);
    }
    expect(new Set([...EXPECTATIONS, ...RACES].map((e) => e.id)).size).toBe(EXPECTATIONS.length + RACES.length);
  });
});
