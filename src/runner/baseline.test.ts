import { describe, expect, it } from 'vitest';
import { applyBaseline, parseBaseline } from './baseline.js';
import type { CaseDef } from './case-def.js';
import { exitCode } from './exit-code.js';
import type { CaseResult, ServerRun } from './result.js';

const cat = ['a/one', 'a/two', 'a/three'].map((id) => ({ id }) as CaseDef);
const res = (id: string, outcome: CaseResult['outcome']): CaseResult => ({ id, section: '1', level: 'MUST', requirement: '', description: '', outcome, durationMs: 1, detail: '', violations: [], wire: [] });
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
});
