import { describe, expect, it } from 'vitest';
import { applyBaseline, parseBaseline } from './baseline.js';
import type { CaseDef } from './case-def.js';
import { exitCode } from './exit-code.js';
import type { CaseResult, ServerRun } from './result.js';

const cat = ['a/one', 'a/two', 'a/three'].map((id) => ({ id }) as CaseDef);
const res = (id: string, outcome: CaseResult['outcome']): CaseResult => ({
  id,
  section: '1',
  level: 'MUST',
  requirement: '',
  description: '',
  outcome,
  durationMs: 1,
  detail: '',
  violations: [],
  wire: [],
});
const run = (results: CaseResult[]): ServerRun => ({ server: 's', address: 'a', startedAt: '', durationMs: 1, timeoutMs: 1, strict: false, features: {}, results });
const bl = (ids: string[]) => parseBaseline({ format: 'gearspec-baseline/1', server: 's', entries: ids.map((id) => ({ case: id, reason: 'why', source: 'src' })) }, 'test', cat);

describe('runner - baselines and exit codes', () => {
  it('rejects unknown ids, duplicates, missing reasons and wrong formats', () => {
    expect(() => bl(['a/nope'])).toThrow(/unknown case id/);
    expect(() => bl(['a/one', 'a/one'])).toThrow(/twice/);
    expect(() => parseBaseline({ format: 'gearspec-baseline/1', server: 's', entries: [{ case: 'a/one', reason: '', source: 'x' }] }, 't', cat)).toThrow(/reason/);
    expect(() => parseBaseline({ format: 'other', server: 's', entries: [] }, 't', cat)).toThrow(/format/);
  });

  it('baselined failures exit 0, unbaselined 1, stale entries 1, harness errors 2', () => {
    const b = bl(['a/one']);
    expect(exitCode([run(applyBaseline([res('a/one', 'fail'), res('a/two', 'pass')], b).results)])).toBe(0);
    expect(exitCode([run(applyBaseline([res('a/one', 'fail'), res('a/two', 'fail')], b).results)])).toBe(1);
    const stale = applyBaseline([res('a/one', 'pass')], b).results;
    expect(stale[0]!.baseline?.stale).toBe(true);
    expect(exitCode([run(stale)])).toBe(1);
    expect(exitCode([run([res('a/one', 'harness-error')])])).toBe(2);
    expect(applyBaseline([res('a/two', 'pass')], b).unused).toEqual(['a/one']);
  });

  it('a declared race explains failures of its case families, never a harness error, and rejects prefixes that match no case', () => {
    const withRace = (cases: unknown) => parseBaseline({ format: 'gearspec-baseline/1', server: 's', entries: [], races: [{ cases, reason: 'data race', source: 'lib.go:1' }] }, 'test', cat);
    expect(() => withRace(['b/'])).toThrow(/no case id starts with/);
    expect(() => withRace([])).toThrow(/cases/);
    const b = withRace(['a/t']);
    const applied = applyBaseline([res('a/two', 'fail'), res('a/three', 'pass'), res('a/one', 'fail'), res('a/two', 'harness-error')], b).results;
    expect(applied[0]!.baseline?.stale).toBe(false);
    expect(applied[1]!.baseline).toBeUndefined();
    expect(applied[2]!.baseline).toBeUndefined();
    expect(applied[3]!.baseline).toBeUndefined();
    expect(exitCode([run(applied.slice(0, 2))])).toBe(0);
    // An entry inside the race's families is not stale when it passes; one outside still is.
    const both = parseBaseline(
      {
        format: 'gearspec-baseline/1',
        server: 's',
        entries: [
          { case: 'a/two', reason: 'r', source: 's' },
          { case: 'a/one', reason: 'r', source: 's' },
        ],
        races: [{ cases: ['a/t'], reason: 'data race', source: 'lib.go:1' }],
      },
      'test',
      cat,
    );
    const passed = applyBaseline([res('a/two', 'pass'), res('a/one', 'pass')], both).results;
    expect(passed.map((r) => r.baseline?.stale)).toEqual([false, true]);
    expect(exitCode([run(applied.slice(0, 3))])).toBe(1);
  });
});
