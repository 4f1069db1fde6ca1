import { describe, expect, it } from 'vitest';
import type { CaseResult, ServerRun } from '../runner/result.js';
import { renderHtml } from './html.js';
import { buildIndex } from './json.js';
import { renderJUnit } from './junit.js';
import { compareSections } from './model.js';

const r = (id: string, section: string, outcome: CaseResult['outcome'], extra: Partial<CaseResult> = {}): CaseResult => ({
  id,
  section,
  level: 'MUST',
  requirement: 'req <&>',
  description: 'd',
  outcome,
  durationMs: 5,
  detail: `detail ${id}`,
  violations: [],
  wire: [{ t: 1, dir: 'send', conn: 'c', hex: '00 52 45 51', summary: 'REQ ECHO_REQ(data="<x>")' }],
  ...extra,
});
const run: ServerRun = {
  server: 'srv',
  address: '127.0.0.1:1',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 10,
  timeoutMs: 100,
  strict: false,
  features: {},
  results: [
    r('a/pass', '4.10', 'pass'),
    r('a/fail', '4.2', 'fail', { expected: ['E1', 'E2'], actual: 'A' }),
    r('a/harness', '4.2', 'harness-error'),
    r('a/unsupp', '2', 'unsupported'),
    r('a/bl', '2', 'fail', { baseline: { reason: 'known', source: 's', stale: false } }),
    r('a/stale', '2', 'pass', { baseline: { reason: 'old', source: 's', stale: true } }),
    r('a/alt', '1.1', 'pass-alternative', { alternative: { id: 'worker-death', choice: 'requeue' } }),
  ],
};

describe('reports', () => {
  it('sections sort as numeric tuples', () => {
    expect(['4.10', '4.2', '1.1', '2'].sort(compareSections)).toEqual(['1.1', '2', '4.2', '4.10']);
  });

  it('JUnit: fail → <failure>, harness-error → <error>, unsupported and baselined → <skipped>, stale → <failure>', () => {
    const x = renderJUnit([run]);
    expect(x).toMatch(/name="a\/fail"[\s\S]*?<failure message="detail a\/fail" type="fail">/);
    expect(x).toMatch(/name="a\/harness"[\s\S]*?<error /);
    expect(x).toMatch(/name="a\/unsupp"[\s\S]*?<skipped /);
    expect(x).toMatch(/name="a\/bl"[\s\S]*?<skipped message="baselined failure: known/);
    expect(x).toMatch(/name="a\/stale"[\s\S]*?<failure [^>]*type="stale-baseline"/);
    expect(x).toContain('<testsuites name="gearspec certify" tests="7" failures="2" errors="1" skipped="2">');
    expect(x).not.toContain('<&>');
  });

  it('JSON index maps server → case → outcome, alternative and baseline', () => {
    const idx = buildIndex([run]);
    expect(idx.servers.srv!.cases['a/alt']).toMatchObject({ outcome: 'pass-alternative', alternative: { id: 'worker-death', choice: 'requeue' } });
    expect(idx.servers.srv!.cases['a/stale']!.baseline).toEqual({ reason: 'old', stale: true });
    expect(idx.servers.srv!.totals.fail).toBe(2);
  });

  it('HTML is self-contained, escaped, and has the matrix, legend and wire logs', () => {
    const h = renderHtml([run]);
    expect(h).not.toMatch(/<script|https?:\/\//);
    expect(h).toContain('<table class="matrix">');
    expect(h).toContain('STALE');
    expect(h).toContain('data=&quot;&lt;x&gt;&quot;');
    expect(h.indexOf('§1.1')).toBeLessThan(h.indexOf('§4.10'));
  });

  it('HTML shows each section with its title from docs/spec.md and links it to the section anchor', () => {
    const h = renderHtml([run], 'gearspec certify', { specLocation: '../docs/spec.md' });
    expect(h).toContain('<a class="spec" href="../docs/spec.md#s4.10">§4.10 Forwarding of WORK_* packets</a>');
    expect(h).toContain('<a class="spec" href="../docs/spec.md#s2">§2 Packet types</a>');
    // By default the link points at this installation's docs/spec.md.
    expect(renderHtml([run])).toMatch(/href="file:\/\/[^"]*\/docs\/spec\.md#s4\.2">§4\.2 Unique IDs and coalescing<\/a>/);
  });
});
