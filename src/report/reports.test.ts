import { describe, expect, it } from 'vitest';
import type { CaseResult, ServerRun } from '../runner/result.js';
import { describePacket, res, T } from '../protocol/packet.js';
import { renderSummary } from './console.js';
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
    const idx = buildIndex([run], { exitCode: 0 });
    expect(idx.servers.srv!.cases['a/alt']).toMatchObject({ outcome: 'pass-alternative', alternative: { id: 'worker-death', choice: 'requeue' } });
    expect(idx.servers.srv!.cases['a/stale']!.baseline).toEqual({ reason: 'old', stale: true });
    expect(idx.servers.srv!.totals.fail).toBe(2);
  });

  it('HTML opens with the verdict, then the failures in order, then the grid; self-contained and escaped', () => {
    const h = renderHtml([run], 'gearspec certify', { detailHref: () => 'json/srv.json' });
    expect(h).not.toMatch(/<(script|link|img)[^>]+(src|href)=|https?:\/\//);
    // The banner: the exit code of the run (a stale entry and a harness error: exit 2) and the counts.
    expect(h).toMatch(/<section id="verdict" class="verdict v-error">\s*<h1><span class="word">HARNESS ERROR<\/span> <span class="exit">exit 2<\/span>/);
    expect(h).toContain('1 new failure · 1 stale baseline entry · 1 harness error · 1 baselined (known, not counted)');
    expect(renderHtml([{ ...run, results: run.results.filter((x) => x.id === 'a/pass' || x.id === 'a/bl') }])).toMatch(
      /class="verdict v-pass">\s*<h1><span class="word">PASS<\/span> <span class="exit">exit 0/,
    );
    // Failures before the grid: new failure, stale entry, harness error, then the baselined one.
    const order = ['id="f-srv-a_fail"', 'id="f-srv-a_stale"', 'id="f-srv-a_harness"', 'id="f-srv-a_bl"', '<table class="matrix">'].map((x) => h.indexOf(x));
    expect(order.every((i) => i > h.indexOf('id="verdict"'))).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const fail = h.slice(order[0], h.indexOf('</article>', order[0]));
    expect(fail).toContain('<span class="tag s-fail">FAIL</span>');
    expect(fail).toContain('<li><code>E1</code></li><li><code>E2</code></li>');
    expect(fail).toContain('<b>Seen</b><p><code>A</code>');
    expect(fail).toContain('data=&quot;&lt;x&gt;&quot;');
    expect(fail).toContain('<details class="wirelog" open>');
    // A baselined failure has its own label and colour, and is not counted as failed.
    expect(h).toContain('<span class="tag s-baselined">baselined</span>');
    expect(h).toMatch(/\.s-baselined\{background:#f6d3cf/);
    expect(h).toMatch(/<td class="s-baselined" [^>]*><a href="#f-srv-a_bl">baselined<\/a><\/td>/);
    expect(h).toContain('<span class="chip s-fail">1 FAIL</span> <span class="chip s-stale">1 STALE</span>');
    // Passing cases carry no wire log, only a link to the JSON detail file.
    const pass = h.slice(h.indexOf('data-standing="pass"'), h.indexOf('</tr>', h.indexOf('data-standing="pass"')));
    expect(pass).not.toContain('class="wire"');
    expect(pass).toContain('<a href="json/srv.json">');
    // Filters by outcome and by section, with the standings this run has.
    expect(h).toMatch(/<select name="standing" data-filter="standing"><option value="">all<\/option><option value="fail">FAIL<\/option><option value="stale">STALE<\/option>/);
    expect(h).toContain('<option value="4.10">§4.10 Forwarding of WORK_* packets</option>');
    expect(h.indexOf('§1.1')).toBeLessThan(h.indexOf('§4.10'));
    const script = /<script>([\s\S]*?)<\/script>/.exec(h)![1]!;
    expect(() => new Function(script)).not.toThrow();
  });

  it('console: a baselined failure has its own column, not FAIL', () => {
    const out = renderSummary({ ...run, results: run.results.filter((x) => x.id === 'a/pass' || x.id === 'a/bl') });
    const head = out.split('\n')[1]!.split(/\s+/);
    const all = out
      .split('\n')
      .find((l) => l.startsWith('all'))!
      .split(/\s+/);
    expect(all[head.indexOf('FAIL')]).toBe('0');
    expect(all[head.indexOf('bl')]).toBe('1');
  });

  it('wire summaries show handles and arguments as text with escapes, payloads as hex', () => {
    expect(describePacket(res(T.JOB_CREATED, Buffer.from('H:vm:142\0', 'latin1')))).toBe('RES JOB_CREATED(handle="H:vm:142"+NUL)');
    expect(describePacket(res(T.JOB_CREATED, Buffer.from([1, 2, 3, 0x41])))).toBe('RES JOB_CREATED(handle=0x01020341)');
  });

  it('HTML shows each section with its title from docs/spec.md and links it to the section anchor', () => {
    const h = renderHtml([run], 'gearspec certify', { specLocation: '../docs/spec.md' });
    expect(h).toContain('<a class="spec" href="../docs/spec.md#s4.10">§4.10 Forwarding of WORK_* packets</a>');
    expect(h).toContain('<a class="spec" href="../docs/spec.md#s2">§2 Packet types</a>');
    // By default the link points at this installation's docs/spec.md.
    expect(renderHtml([run])).toMatch(/href="file:\/\/[^"]*\/docs\/spec\.md#s4\.2">§4\.2 Unique IDs and coalescing<\/a>/);
  });
});
