import { describe, expect, it } from 'vitest';
import type { CellResult, MatrixReport, ScenarioResult, ServerRun } from './model.js';
import { compareReleases, releaseComparisonLines } from './releases.js';

const scenario = (id: string, actual: string, notRun = false): ScenarioResult => ({
  id,
  title: id,
  nominal: 'completed',
  expected: ['completed'],
  actual,
  grade: 'pass',
  detail: '',
  ...(notRun && { notRun }),
  durationMs: 1,
  transcript: [],
});

const cell = (server: string, client: string, scenarios: ScenarioResult[]): CellResult => ({
  server,
  client,
  worker: 'reference',
  provider: 'container',
  grade: 'pass',
  counts: { pass: scenarios.length, 'expected-different': 0, stale: 0, fail: 0 },
  scenarios,
  drivers: {},
  durationMs: 1,
});

const run = (name: string, version: string, cells: CellResult[], error?: string): ServerRun => ({ name, version, provider: 'container', wallMs: 1, cells, ...(error && { error }) });
const report = (servers: ServerRun[]): MatrixReport => ({ generatedAt: '', provider: 'container', wallMs: 1, servers });

describe('comparing releases in an interop report', () => {
  it("puts a code base's builds side by side and lists only the scenarios whose outcome changed", () => {
    const r = report([
      run('gearmand@1.1.19.1', '1.1.19.1', [cell('gearmand@1.1.19.1', 'php', [scenario('foreground', 'completed'), scenario('priorities', 'out-of-order')])]),
      run('gearmand', '1.1.20', [cell('gearmand', 'php', [scenario('foreground', 'completed'), scenario('priorities', 'completed')])]),
      run('gearmand@1.1.21', '1.1.21', [cell('gearmand@1.1.21', 'php', [scenario('foreground', 'completed'), scenario('priorities', 'completed')])]),
      // Another code base is never compared with gearmand.
      run('perl-gearmand', '1.130.1', [cell('perl-gearmand', 'php', [scenario('foreground', 'failed')])]),
    ]);
    const [c, ...more] = compareReleases(r);
    expect(more).toEqual([]);
    expect(c?.base).toBe('gearmand');
    expect(c?.builds.map((b) => b.name)).toEqual(['gearmand@1.1.19.1', 'gearmand', 'gearmand@1.1.21']);
    expect(c?.compared).toBe(2);
    expect(c?.differences).toEqual([
      { client: 'php', worker: 'reference', scenario: 'priorities', outcomes: { 'gearmand@1.1.19.1': 'out-of-order', gearmand: 'completed', 'gearmand@1.1.21': 'completed' } },
    ]);
    expect(releaseComparisonLines(r)[0]).toMatch(/^across releases of gearmand \(1\.1\.19\.1, 1\.1\.20, 1\.1\.21\): 1 of 2 scenarios differ: php×reference priorities/);
  });

  it('names the one declaration that accepts every build where they differ within it (a race, not the release)', () => {
    const raced = (actual: string): ScenarioResult => ({
      ...scenario('payload-binary', actual),
      grade: 'expected-different',
      expectation: { id: 'perl-worker/race', kind: 'interop-bug', why: '', source: '' },
    });
    const r = report([
      run('gearmand', '1.1.20', [cell('gearmand', 'php', [raced('corrupted+worker-stuck')])]),
      run('gearmand@1.1.21', '1.1.21', [cell('gearmand@1.1.21', 'php', [raced('corrupted')])]),
    ]);
    expect(compareReleases(r)[0]?.differences[0]?.within).toBe('perl-worker/race');
    expect(releaseComparisonLines(r)[0]).toMatch(/all within perl-worker\/race\)$/);
  });

  it('names both declarations where a race accepts one build and an expectation another, and none where a build is undeclared', () => {
    const declared = (actual: string, id: string): ScenarioResult => ({
      ...scenario('server-restart', actual),
      grade: 'expected-different',
      expectation: { id, kind: 'interop-bug', why: '', source: '' },
    });
    const both = report([
      run('gearmand', '1.1.20', [cell('gearmand', 'php', [declared('completed+client-stuck', 'rustygear-client/race')])]),
      run('gearmand@1.1.21', '1.1.21', [cell('gearmand@1.1.21', 'php', [declared('lost', 'rustygear-client/lost')])]),
    ]);
    expect(compareReleases(both)[0]?.differences[0]?.within).toBe('rustygear-client/lost / rustygear-client/race');
    const one = report([
      run('gearmand', '1.1.20', [cell('gearmand', 'php', [declared('lost', 'rustygear-client/lost')])]),
      run('gearmand@1.1.21', '1.1.21', [cell('gearmand@1.1.21', 'php', [scenario('server-restart', 'completed')])]),
    ]);
    expect(compareReleases(one)[0]?.differences[0]?.within).toBeUndefined();
  });

  it("matches clients and workers by code base, so each release's own libraries compare as one row", () => {
    const r = report([
      run('gearmand', '1.1.20', [cell('gearmand', 'php', [scenario('foreground', 'completed')])]),
      run('gearmand@1.1.21', '1.1.21', [{ ...cell('gearmand@1.1.21', 'php@8.4', [scenario('foreground', 'lost')]) }]),
    ]);
    expect(compareReleases(r)[0]?.differences).toEqual([{ client: 'php', worker: 'reference', scenario: 'foreground', outcomes: { gearmand: 'completed', 'gearmand@1.1.21': 'lost' } }]);
  });

  it('compares nothing for a single build, a build that could not run, or a scenario run on one build only', () => {
    expect(compareReleases(report([run('gearmand', '1.1.20', [cell('gearmand', 'php', [scenario('foreground', 'completed')])])]))).toEqual([]);
    const r = report([
      run('gearmand', '1.1.20', [cell('gearmand', 'php', [scenario('foreground', 'completed'), scenario('streaming', 'completed')])]),
      run('gearmand@1.1.21', '1.1.21', [cell('gearmand@1.1.21', 'php', [scenario('foreground', 'completed'), scenario('streaming', 'lost', true)])]),
      run('gearmand@1.1.19.1', '?', [], 'did not start'),
    ]);
    const [c] = compareReleases(r);
    expect(c?.builds.map((b) => b.name)).toEqual(['gearmand', 'gearmand@1.1.21']);
    expect(c?.compared).toBe(1);
    expect(c?.differences).toEqual([]);
  });
});
