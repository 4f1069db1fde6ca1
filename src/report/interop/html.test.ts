import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { languageOf, renderInteropHtml } from './html.js';
import { type CellResult, type ExpectationRef, type MatrixReport, countGrades, worstGrade } from './model.js';
import { writeInteropReport } from './write.js';

function cell(server: string, client: string, worker: string, grades: ('pass' | 'fail' | 'stale' | 'expected-different')[]): CellResult {
  return {
    server,
    client,
    worker,
    provider: 'native',
    grade: worstGrade(grades),
    counts: countGrades(grades),
    scenarios: grades.map((g, i) => ({
      id: `s${i}`,
      title: `scenario <${i}>`,
      nominal: 'ok',
      expected: ['ok'],
      actual: g === 'pass' ? 'ok' : 'odd',
      grade: g,
      detail: 'a & b',
      durationMs: 1,
      transcript: ['>> x'],
    })),
    drivers: {},
    durationMs: 5,
  };
}

const report: MatrixReport = {
  generatedAt: '2026-01-01T00:00:00Z',
  provider: 'native',
  wallMs: 1000,
  servers: [
    { name: 'gearmand', version: '1.1.20', provider: 'native', wallMs: 500, cells: [cell('gearmand', 'php', 'perl', ['pass', 'fail']), cell('gearmand', 'php', 'php', ['pass'])] },
    { name: 'perl-gearmand', version: '1.130', provider: 'native', wallMs: 500, cells: [cell('perl-gearmand', 'php', 'php', ['expected-different', 'stale'])] },
  ],
};

/** A cell whose only differences are expected-different under an expectation of `kind`. */
function declared(server: string, client: string, worker: string, kind: ExpectationRef['kind']): CellResult {
  const base = cell(server, client, worker, ['pass', 'expected-different']);
  const expectation: ExpectationRef = { id: `e-${kind}`, kind, why: 'why', source: 'src' };
  return { ...base, scenarios: base.scenarios.map((s) => (s.grade === 'expected-different' ? { ...s, expectation } : s)) };
}

/** The summary section: everything between its tags, and one pair cell's opening tag. */
const summaryOf = (html: string): string => html.slice(html.indexOf('<section class="summary">'), html.indexOf('</section>', html.indexOf('<section class="summary">')));
function pairTd(html: string, client: string, worker: string): string {
  const m = new RegExp(`<td class="pair [^"]*"[^>]*data-client="${client}"[^>]*data-worker="${worker}"[^>]*>[^<]*</td>`).exec(summaryOf(html));
  if (!m) throw new Error(`no pair cell ${client} × ${worker}`);
  return m[0];
}

describe('interop report', () => {
  it('should grade a cell by its worst scenario', () => {
    expect(worstGrade(['pass', 'expected-different', 'stale'])).toBe('stale');
    expect(worstGrade(['pass', 'fail', 'stale'])).toBe('fail');
    expect(worstGrade([])).toBe('pass');
  });

  it('should render a self-contained page with a tab per server, a grid, a legend and cell anchors', () => {
    const html = renderInteropHtml(report);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/);
    expect(html.match(/class="tab[ "]/g)?.length).toBe(2);
    expect(html).toContain('href="#cell-gearmand-php-perl"');
    expect(html).toContain('id="cell-gearmand-php-perl"');
    expect(html).toContain('class="cell g-fail"');
    expect(html).toContain('class="cell g-stale"');
    for (const g of ['pass', 'expected-different', 'stale', 'fail']) expect(html).toContain(`badge g-${g}`);
    expect(html).toContain('scenario &lt;0&gt;');
    expect(html).not.toContain('scenario <0>');
  });

  it('should write one JSON per cell, an index and the page', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gearspec-interop-report-'));
    try {
      const index = writeInteropReport(dir, report, { exitCode: 1 });
      expect(readdirSync(path.join(dir, 'cells')).sort()).toEqual(['gearmand__php__perl.json', 'gearmand__php__php.json', 'perl-gearmand__php__php.json']);
      expect(index.totals.cells).toEqual({ pass: 1, 'expected-different': 0, stale: 1, fail: 1 });
      const onDisk = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as typeof index;
      expect(onDisk.servers[0]!.cells[0]!.file).toBe('cells/gearmand__php__perl.json');
      expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain('<!doctype html>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should summarise pairs over all servers: a pair with an undeclared failure is broken and named', () => {
    const html = renderInteropHtml(report);
    const summary = summaryOf(html);
    expect(html.indexOf('<section class="summary">')).toBeLessThan(html.indexOf('<div class="tabs">'));
    // php × perl fails on gearmand (not run on perl-gearmand).
    const broken = pairTd(html, 'php', 'perl');
    expect(broken).toContain('p-broken');
    expect(broken).toContain('✗');
    expect(broken).toMatch(/title="[^"]*gearmand: fail[^"]*perl-gearmand: not run/);
    // php × php: pass on gearmand, stale on perl-gearmand: broken too, on perl-gearmand only.
    expect(pairTd(html, 'php', 'php')).toContain('p-broken');
    const list = summary.slice(summary.indexOf('<ul class="broken">'));
    expect(list).toMatch(/<b>php<\/b> client × <b>perl<\/b> worker: <a href="#cell-gearmand-php-perl">gearmand<\/a> fail/);
    expect(list).toMatch(/<b>php<\/b> client × <b>php<\/b> worker: <a href="#cell-perl-gearmand-php-php">perl-gearmand<\/a> stale/);
    // Per-server line: cells by grade.
    expect(summary).toMatch(/data-server="gearmand"><b>gearmand<\/b>[\s\S]*?badge g-fail">fail<\/span> 1 <span class="badge g-pass">pass<\/span> 1/);
  });

  it('should mark a pair with only alternative differences as working, and unsupported ones as limited', () => {
    const html = renderInteropHtml({
      ...report,
      servers: [
        { name: 'gearmand', version: '1', provider: 'native', wallMs: 1, cells: [declared('gearmand', 'php', 'perl', 'alternative'), declared('gearmand', 'perl', 'php', 'unsupported')] },
        { name: 'reference', version: '1', provider: 'native', wallMs: 1, cells: [cell('reference', 'php', 'perl', ['pass']), declared('reference', 'perl', 'php', 'alternative')] },
        { name: 'broken-server', version: '1', provider: 'native', wallMs: 1, cells: [], error: 'no binary' },
      ],
    });
    expect(pairTd(html, 'php', 'perl')).toMatch(/class="pair p-ok".*>✓<\/td>/);
    expect(pairTd(html, 'perl', 'php')).toMatch(/class="pair p-limited".*>◐<\/td>/);
    expect(pairTd(html, 'php', 'php')).toMatch(/class="pair p-none".*>–<\/td>/);
    expect(summaryOf(html)).toContain('<h3>Broken pairs</h3><p>none</p>');
    expect(summaryOf(html)).toContain('could not be run: no binary');
  });

  it('should show a declared interop bug as unsafe, apart from an alternative and an unsupported feature, naming the scenario', () => {
    const html = renderInteropHtml({
      ...report,
      servers: [
        {
          name: 'gearmand',
          version: '1',
          provider: 'native',
          wallMs: 1,
          cells: [declared('gearmand', 'php', 'perl', 'interop-bug'), declared('gearmand', 'perl', 'php', 'alternative'), declared('gearmand', 'php', 'php', 'unsupported')],
        },
      ],
    });
    const gridCell = (client: string, worker: string): string => {
      const m = new RegExp(`<td class="cell [^"]*" data-server="gearmand" data-client="${client}"[^>]*data-worker="${worker}"[\\s\\S]*?</td>`).exec(html);
      if (!m) throw new Error(`no grid cell ${client} × ${worker}`);
      return m[0];
    };
    expect(gridCell('php', 'perl')).toMatch(/^<td class="cell g-expected-different k-interop-bug"[\s\S]*<strong>unsafe<\/strong><br><span class="says">unsafe: s1<\/span>/);
    expect(gridCell('perl', 'php')).toMatch(/^<td class="cell g-expected-different k-alternative"[\s\S]*<span class="says">safe \(alternative: s1\)<\/span>/);
    expect(gridCell('php', 'php')).toMatch(/^<td class="cell g-expected-different k-unsupported"[\s\S]*<span class="says">safe \(unsupported: s1\)<\/span>/);
    // Three different colours, the interop bug's orange.
    expect(html).toContain('.g-expected-different.k-interop-bug{background:#e65100');
    expect(html).toContain('.g-expected-different.k-unsupported{background:#757575');
    expect(html).toContain('.g-expected-different.k-alternative{background:#1565c0');
    // The pair summary: unsafe, listed with its server and scenario.
    expect(pairTd(html, 'php', 'perl')).toMatch(/class="pair p-unsafe".*>⚠<\/td>/);
    expect(pairTd(html, 'php', 'php')).toMatch(/class="pair p-limited"/);
    expect(summaryOf(html)).toMatch(/<ul class="unsafe"><li [^>]*><b>php<\/b> client × <b>perl<\/b> worker: <a href="#cell-gearmand-php-perl">gearmand<\/a> unsafe: s1<\/li><\/ul>/);
  });

  it('should offer filters with every server, language, driver and grade as options, and data attributes to filter on', () => {
    const html = renderInteropHtml({ ...report, servers: [...report.servers, { name: 'x', version: '1', provider: 'native', wallMs: 1, cells: [cell('x', 'my-driver', 'reference', ['pass'])] }] });
    const options = (key: string): string[] => {
      const sel = new RegExp(`<select data-filter="${key}">(.*?)</select>`).exec(html);
      if (!sel) throw new Error(`no ${key} filter`);
      return [...sel[1]!.matchAll(/<option value="([^"]*)">/g)].map((m) => m[1]!);
    };
    expect(languageOf('php')).toBe('PHP');
    expect(languageOf('my-driver')).toBe('other');
    expect(options('server')).toEqual(['', 'gearmand', 'perl-gearmand', 'x']);
    expect(options('lang')).toEqual(['', 'PHP', 'Perl', 'TypeScript', 'other']);
    expect(options('client')).toEqual(['', 'php', 'my-driver']);
    expect(options('worker')).toEqual(['', 'perl', 'php', 'reference']);
    expect(options('grade')).toEqual(['', 'fail', 'stale', 'expected-different', 'pass']);
    expect(html).toContain('<td class="cell g-fail" data-server="gearmand" data-client="php" data-client-lang="PHP" data-worker="perl" data-worker-lang="Perl" data-grade="fail">');
    expect(html).toContain('data-client="my-driver" data-client-lang="other" data-worker="reference" data-worker-lang="TypeScript"');
    expect(html).toMatch(/<button class="tab f active" data-tab="0" data-server="gearmand">/);
    // The page's script compiles (it only runs in a browser).
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(() => new Function(script)).not.toThrow();
  });
});
