import { describe, expect, it } from 'vitest';
import { ALTERNATIVES } from '../../src/protocol/alternatives.js';
import { EXPECTATIONS, findExpectation } from './expectations.js';
import { grade } from './grading.js';
import { SCENARIOS, SCENARIO_IDS } from './scenarios/index.js';
import type { CellId } from './types.js';

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
    expect(g.expectation?.source).toMatch(/protocol\.md §4\.7/);
  });

  it('should report a declared difference that did not happen as stale', () => {
    expect(grade(perlCell, byId('worker-death'), 'requeued').grade).toBe('stale');
  });

  it('should fail an outcome that is neither nominal nor declared', () => {
    expect(grade(perlCell, byId('worker-death'), 'lost').grade).toBe('fail');
  });

  it('should let a specific entry win over a general one', () => {
    expect(findExpectation({ server: 'perl-gearmand', client: 'perl', worker: 'perl' }, 'priorities')?.id).toBe('perl-client/error-reply-breaks-taskset');
    expect(findExpectation({ server: 'perl-gearmand', client: 'php', worker: 'perl' }, 'priorities')?.id).toBe('perl-server/no-low-priority');
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
});
