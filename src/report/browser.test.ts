/**
 * The reports in a real browser: headless Chromium (Debian's `chromium`) opens a certify report
 * of a failing run and an interop report, and a probe script appended to a copy of each page reads
 * what a person would see (the verdict, where the first failure sits in a 1280×800 viewport, what a
 * filter leaves, the computed colours) into the DOM that `--dump-dom` prints. No driver library:
 * the browser is one process group per page, killed in `finally` if it outlives its dump.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaseResult, ServerRun } from '../runner/result.js';
import { renderHtml } from './html.js';
import type { CellResult, ExpectationRef, MatrixReport } from './interop/model.js';
import { countGrades, worstGrade } from './interop/model.js';
import { renderInteropHtml } from './interop/html.js';

const CHROMIUM = process.env.GEARSPEC_CHROMIUM ?? '/usr/bin/chromium';
const HAVE = existsSync(CHROMIUM);
const HOW = 'install it with `sudo apt-get install -y chromium` (Debian; .ci/run does), or point GEARSPEC_CHROMIUM at a Chromium binary';
const dir = mkdtempSync(path.join(os.tmpdir(), 'gearspec-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Opens `html` with `probe` appended, returns what the probe wrote (JSON in <pre id="probe">). */
async function probePage<T>(name: string, html: string, probe: string): Promise<T> {
  const file = path.join(dir, `${name}.html`);
  writeFileSync(file, html.replace('</body>', `<script>${probe}</script></body>`));
  const args = [
    '--headless',
    '--no-sandbox', // CI runs as root, where Chromium's sandbox refuses to start
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--window-size=1280,800',
    `--user-data-dir=${path.join(dir, `profile-${name}`)}`,
    '--virtual-time-budget=3000',
    '--dump-dom',
    pathToFileURL(file).href,
  ];
  // Its own process group, so the renderer and helper processes go with it.
  const child = spawn(CHROMIUM, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`chromium did not finish in 30 s: ${err.slice(-2000)}`)), 30_000);
      child.on('error', reject);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const m = /<pre id="probe">([\s\S]*?)<\/pre>/.exec(out);
    if (!m) throw new Error(`chromium (exit ${code}) printed no probe result: ${err.slice(-2000)}`);
    return JSON.parse(m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as T;
  } finally {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group has exited already: nothing left behind.
      }
    }
  }
}

const result = (id: string, section: string, outcome: CaseResult['outcome'], extra: Partial<CaseResult> = {}): CaseResult => ({
  id,
  section,
  level: 'MUST',
  requirement: `requirement of ${id}`,
  description: 'sends a packet',
  outcome,
  durationMs: 3,
  detail: `detail of ${id}`,
  violations: [],
  wire: [{ t: 1, dir: 'recv', conn: 'c', hex: '00 52 45 53', summary: 'RES JOB_CREATED(handle="H:vm:142"+NUL)' }],
  ...extra,
});

/** A failing run: a new failure, a baselined one, a stale entry, a harness error, and enough passes to fill several screens. */
const failing: ServerRun = {
  server: 'srv',
  address: '127.0.0.1:1',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1200,
  timeoutMs: 100,
  strict: false,
  features: {},
  baselineFile: 'suites/conformance/baselines/srv.json',
  results: [
    ...Array.from({ length: 60 }, (_, i) => result(`binary/pass-${i}`, i < 30 ? '4.1' : '4.10', 'pass')),
    result('binary/unique/coalesce', '4.2', 'fail', { expected: ['one JOB_CREATED per unique'], actual: 'two handles' }),
    result('binary/known', '4.2', 'fail', { baseline: { reason: 'known', source: 'issue 1', stale: false } }),
    result('binary/fixed', '4.3', 'pass', { baseline: { reason: 'was broken', source: 'issue 2', stale: true } }),
    result('binary/harness', '4.4', 'harness-error'),
  ],
};

function cell(client: string, worker: string, kind: ExpectationRef['kind']): CellResult {
  const grades = ['pass', 'expected-different'] as const;
  return {
    server: 'gearmand',
    client,
    worker,
    provider: 'native',
    grade: worstGrade(grades),
    counts: countGrades(grades),
    scenarios: grades.map((g, i) => ({
      id: `scenario-${i}`,
      title: `scenario ${i}`,
      nominal: 'ok',
      expected: ['ok'],
      actual: g === 'pass' ? 'ok' : 'odd',
      grade: g,
      detail: '',
      durationMs: 1,
      transcript: [],
      ...(g === 'expected-different' ? { expectation: { id: `e-${kind}`, kind, why: 'why', source: 'src' } } : {}),
    })),
    drivers: {},
    durationMs: 5,
  };
}

const matrix: MatrixReport = {
  generatedAt: '2026-01-01T00:00:00Z',
  provider: 'native',
  wallMs: 1000,
  servers: [{ name: 'gearmand', version: '1', provider: 'native', wallMs: 500, cells: [cell('php', 'perl', 'interop-bug'), cell('perl', 'php', 'alternative'), cell('php', 'php', 'unsupported')] }],
};

interface CertifyProbe {
  viewport: [number, number];
  verdict: string;
  decisive: string;
  first: { id: string; top: number; bottom: number };
  specHref: string;
  all: string[];
  baselinedOnly: string[];
  section42: string[];
  sectionsShown: number;
  cleared: number;
  colours: { fail: string; baselined: string };
}

const CERTIFY_PROBE = `(function(){
  function shown(sel){return [].filter.call(document.querySelectorAll(sel),function(e){return e.getClientRects().length>0;});}
  function rows(){return shown('#grid tr.case').map(function(r){return r.querySelector('summary').textContent.trim().split(' ')[0];});}
  function pick(name,value){var s=document.querySelector('select[data-filter='+name+']');s.value=value;s.dispatchEvent(new Event('change',{bubbles:true}));}
  var o={viewport:[innerWidth,innerHeight]};
  o.verdict=document.querySelector('#verdict h1').textContent;
  o.decisive=document.querySelector('#verdict .decisive').textContent;
  var f=document.querySelector('article.failure'), b=f.getBoundingClientRect();
  o.first={id:f.id,top:b.top,bottom:b.bottom};
  o.specHref=f.querySelector('a.spec').getAttribute('href');
  o.all=rows();
  pick('standing','baselined'); o.baselinedOnly=rows();
  pick('standing',''); pick('section','4.2'); o.section42=rows(); o.sectionsShown=shown('#grid tr.section').length;
  pick('section',''); o.cleared=rows().length;
  o.colours={fail:getComputedStyle(f.querySelector('.tag')).backgroundColor,baselined:getComputedStyle(document.querySelector('article.f-baselined .tag')).backgroundColor};
  var pre=document.createElement('pre'); pre.id='probe'; pre.textContent=JSON.stringify(o); document.body.appendChild(pre);
})();`;

interface InteropProbe {
  bug: { cls: string; bg: string; text: string };
  alt: { cls: string; bg: string; text: string };
  unsupported: { cls: string; bg: string; text: string };
}

const INTEROP_PROBE = `(function(){
  function at(c,w){var td=document.querySelector('table.grid td.cell[data-client="'+c+'"][data-worker="'+w+'"]');
    return {cls:td.className,bg:getComputedStyle(td).backgroundColor,text:td.textContent};}
  var o={bug:at('php','perl'),alt:at('perl','php'),unsupported:at('php','php')};
  var pre=document.createElement('pre'); pre.id='probe'; pre.textContent=JSON.stringify(o); document.body.appendChild(pre);
})();`;

describe('reports in headless Chromium', () => {
  if (!HAVE) {
    // CI installs Chromium (.ci/run): its absence there is a broken setup, not a skip.
    if (process.env.CI) {
      it('needs Chromium', () => {
        throw new Error(`no Chromium at ${CHROMIUM}: ${HOW}`);
      });
      return;
    }
    process.stderr.write(`\nSKIPPED: the browser tests of the reports need Chromium at ${CHROMIUM}: ${HOW}\n\n`);
    it.skip(`needs Chromium at ${CHROMIUM} (${HOW})`, () => {});
    return;
  }

  it('certify: the verdict first, the first failure above the fold, filters that hide rows, spec links', async () => {
    const html = renderHtml([failing], 'gearspec certify', { specLocation: '../docs/spec.md' });
    const o = await probePage<CertifyProbe>('certify', html, CERTIFY_PROBE);
    // A 1280×800 window: its viewport is at most that (headless Chromium keeps room for the window's chrome).
    expect(o.viewport[0]).toBe(1280);
    expect(o.viewport[1]).toBeLessThanOrEqual(800);
    expect(o.verdict).toMatch(/^HARNESS ERROR exit 2/);
    expect(o.decisive).toBe('1 new failure · 1 stale baseline entry · 1 harness error · 1 baselined (known, not counted)');
    // The first failure listed is the new one, and it is on screen without scrolling.
    expect(o.first.id).toBe('f-srv-binary_unique_coalesce');
    expect(o.first.top).toBeGreaterThan(0);
    expect(o.first.bottom).toBeLessThanOrEqual(o.viewport[1]);
    expect(o.specHref).toBe('../docs/spec.md#s4.2');
    // Filters: by outcome, by section (with its heading only), and back.
    expect(o.all).toHaveLength(64);
    expect(o.baselinedOnly).toEqual(['binary/known']);
    expect(o.section42).toEqual(['binary/unique/coalesce', 'binary/known']);
    expect(o.sectionsShown).toBe(1);
    expect(o.cleared).toBe(64);
    // A baselined failure is not painted like a new one.
    expect(o.colours.fail).toBe('rgb(211, 58, 44)');
    expect(o.colours.baselined).not.toBe(o.colours.fail);
  });

  it('interop: an interop bug looks unsafe, unlike an alternative or an unsupported feature', async () => {
    const o = await probePage<InteropProbe>('interop', renderInteropHtml(matrix), INTEROP_PROBE);
    expect(o.bug.cls).toContain('k-interop-bug');
    expect(o.alt.cls).toContain('k-alternative');
    expect(o.bug.bg).toBe('rgb(230, 81, 0)');
    expect(new Set([o.bug.bg, o.alt.bg, o.unsupported.bg]).size).toBe(3);
    expect(o.bug.text).toContain('unsafe: scenario-1');
    expect(o.alt.text).toContain('safe (alternative: scenario-1)');
  });
});
