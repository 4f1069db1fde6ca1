import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderInteropHtml } from './html.js';
import { type CellResult, type MatrixReport, countGrades, worstGrade } from './model.js';
import { writeInteropReport } from './write.js';

function cell(server: string, client: string, worker: string, grades: ('pass' | 'fail' | 'stale' | 'expected-different')[]): CellResult {
  return {
    server,
    client,
    worker,
    provider: 'native',
    grade: worstGrade(grades),
    counts: countGrades(grades),
    scenarios: grades.map((g, i) => ({ id: `s${i}`, title: `scenario <${i}>`, nominal: 'ok', expected: ['ok'], actual: g === 'pass' ? 'ok' : 'odd', grade: g, detail: 'a & b', durationMs: 1, transcript: ['>> x'] })),
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
      const index = writeInteropReport(dir, report);
      expect(readdirSync(path.join(dir, 'cells')).sort()).toEqual(['gearmand__php__perl.json', 'gearmand__php__php.json', 'perl-gearmand__php__php.json']);
      expect(index.totals.cells).toEqual({ pass: 1, 'expected-different': 0, stale: 1, fail: 1 });
      const onDisk = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as typeof index;
      expect(onDisk.servers[0]!.cells[0]!.file).toBe('cells/gearmand__php__perl.json');
      expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain('<!doctype html>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
