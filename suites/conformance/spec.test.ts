/**
 * gearspec's specification (docs/spec.md) and interop-bug catalogue (docs/interop-bugs.md) are
 * what every case, baseline, expectation and comment cites: every case's `section` must be a
 * section of the spec, the section table in src/protocol/spec-sections.ts must match the spec's
 * headings, every `spec §…` and `interop-bugs #…` citation must resolve, and nothing in the
 * repository may point at research documents outside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SPEC_SECTIONS, specAnchor } from '../../src/protocol/spec-sections.js';
import { LIBRARY_CATALOGUE } from '../library/catalogue.js';
import { CATALOGUE } from './catalogue.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SPEC = readFileSync(join(ROOT, 'docs', 'spec.md'), 'utf8');
const BUGS = readFileSync(join(ROOT, 'docs', 'interop-bugs.md'), 'utf8');

/** Section number → heading title, for every `<a id="sN"></a>` directly followed by its heading. */
function specHeadings(md: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = md.split('\n');
  lines.forEach((line, i) => {
    const a = /^<a id="s(\d+(?:\.\d+)*)"><\/a>$/.exec(line.trim());
    if (!a) return;
    const h = /^#{2,4} (\d+(?:\.\d+)*) (.+)$/.exec(lines[i + 1] ?? '');
    if (h && h[1] === a[1]) out.set(a[1]!, h[2]!.trim());
  });
  return out;
}

const HEADINGS = specHeadings(SPEC);
const ANCHORS = new Set([...SPEC.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!));
const BUG_ANCHORS = new Set([...BUGS.matchAll(/<a id="(b5-\d+)"><\/a>/g)].map((m) => m[1]!));

/** The repository's files: tracked and untracked-but-not-ignored (so node_modules, dist, .peers and generated reports are out). */
function repositoryFiles(): string[] {
  try {
    const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return listed.split('\0').filter((f) => f.length > 0);
  } catch {
    // Not a git checkout: walk the tree, leaving out what .gitignore would.
    const skip = new Set(['node_modules', '.git', 'dist', '.peers']);
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (skip.has(e.name)) continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) out.push(relative(ROOT, p));
      }
    };
    walk(ROOT);
    return out;
  }
}

/** Text of every repository file (binary files and files deleted from the work tree are skipped). */
function repositoryTexts(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const file of repositoryFiles()) {
    const p = join(ROOT, file);
    if (!existsSync(p) || !statSync(p).isFile()) continue;
    const bytes = readFileSync(p);
    if (bytes.subarray(0, 8000).includes(0)) continue;
    out.push({ file, text: bytes.toString('utf8') });
  }
  return out;
}

// Built from pieces so that this file does not match its own patterns.
const OUTSIDE = [
  { name: 'shared/' + 'reference', re: new RegExp('shared/' + 'reference') },
  // docs/driver-protocol.md is gearspec's own document and stays allowed.
  { name: 'protocol' + '.md', re: new RegExp('(?<![\\w-])protocol' + '\\.md') },
  { name: 'landscape' + '.md', re: new RegExp('landscape' + '\\.md') },
];

describe('gearspec specification (docs/spec.md)', () => {
  it('has a heading with a stable anchor for every section in src/protocol/spec-sections.ts, with the same title, in order', () => {
    expect([...HEADINGS.entries()]).toEqual(SPEC_SECTIONS.map((s) => [s.section, s.title]));
  });

  it('has a section for the `section` of every conformance and library case', () => {
    const missing = [...CATALOGUE, ...LIBRARY_CATALOGUE].filter((c) => !HEADINGS.has(c.section)).map((c) => `${c.id} (§${c.section})`);
    expect(missing).toEqual([]);
    for (const c of [...CATALOGUE, ...LIBRARY_CATALOGUE]) expect(ANCHORS.has(specAnchor(c.section)), c.id).toBe(true);
  });

  it('has rows 1-31 in its table of differences (cited as "spec §5 row N")', () => {
    for (let n = 1; n <= 31; n++) expect(ANCHORS.has(`s5-row-${n}`), `row ${n}`).toBe(true);
  });

  it('and the interop-bug catalogue (docs/interop-bugs.md) has entries 1-30', () => {
    expect([...BUG_ANCHORS].sort()).toEqual(Array.from({ length: 30 }, (_, i) => `b5-${i + 1}`).sort());
  });
});

describe('citations', () => {
  const texts = repositoryTexts();

  it('lists the repository (sanity check of the file walk)', () => {
    expect(texts.some((t) => t.file.replace(/\\/g, '/') === 'docs/spec.md')).toBe(true);
    expect(texts.length).toBeGreaterThan(100);
  });

  it('no file points at research documents outside the repository', () => {
    const hits: string[] = [];
    for (const { file, text } of texts) {
      text.split('\n').forEach((line, i) => {
        for (const o of OUTSIDE) if (o.re.test(line)) hits.push(`${file}:${i + 1}: ${o.name}: ${line.trim().slice(0, 160)}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('every "spec §N", "spec §5 row N", link into docs/spec.md and "interop-bugs #N" resolves', () => {
    const bad: string[] = [];
    for (const { file, text } of texts) {
      // "spec §4.9, §5 row 3": the first number after "spec", then any "§…" that follows in the same list.
      for (const m of text.matchAll(/\bspec (§[\d.]+(?:(?: row \d+)|(?:[-–]§[\d.]+))?(?:(?:, | and |\/)§[\d.]+(?: rows? \d+(?: and \d+)?)?)*)/g)) {
        for (const s of m[1]!.matchAll(/§(\d+(?:\.\d+)*)(?: rows? (\d+)(?: and (\d+))?)?/g)) {
          if (!HEADINGS.has(s[1]!)) bad.push(`${file}: ${m[0]} (no §${s[1]})`);
          for (const row of [s[2], s[3]]) if (row !== undefined && !ANCHORS.has(`s5-row-${row}`)) bad.push(`${file}: ${m[0]} (no row ${row})`);
        }
      }
      for (const m of text.matchAll(/spec\.md#([\w.-]+)/g)) if (!ANCHORS.has(m[1]!)) bad.push(`${file}: spec.md#${m[1]}`);
      for (const m of text.matchAll(/interop-bugs(?:\.md)?(?:#b5-| #)(\d+)/g)) if (!BUG_ANCHORS.has(`b5-${m[1]}`)) bad.push(`${file}: ${m[0]}`);
      for (const m of text.matchAll(/interop-bugs #\d+(?:(?:, |-|–)#(\d+))+/g)) {
        for (const n of m[0].matchAll(/#(\d+)/g)) if (!BUG_ANCHORS.has(`b5-${n[1]}`)) bad.push(`${file}: ${m[0]}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
