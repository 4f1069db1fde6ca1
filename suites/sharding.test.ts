/**
 * A run split over machines and put back together gives the verdicts of the unsharded run:
 * certify (with a baseline: a baselined failure, an undeclared one, a stale entry, an entry no
 * shard runs), the interop matrix (cells of a built-in and an external driver, one of them
 * failing) and vitest itself (the blob reporter and --merge-reports, as docs/sharding.md's CI
 * recipe runs them). Every run here is real: servers on ephemeral ports, reports in a temp dir.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifyCommand } from '../src/cli/commands/certify.js';
import { interopCommand } from '../src/cli/commands/interop.js';
import { mergeCommand } from '../src/cli/commands/merge.js';
import { repoRoot } from '../src/peers/repo-paths.js';
import { type ReferenceServer, startReferenceServer } from '../src/server/index.js';
import { runCli } from './cli-run.js';
import { DECLARATIONS } from './declarations.js';

const certify = (...argv: string[]) => runCli(certifyCommand(DECLARATIONS), argv);
const interop = (...argv: string[]) => runCli(interopCommand(DECLARATIONS.interop), argv);
const merge = (...argv: string[]) => runCli(mergeCommand(DECLARATIONS), argv, { asMain: true });
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

describe('sharded runs merge into the unsharded verdicts', () => {
  let dir: string;
  let broken: ReferenceServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gearspec-shards-'));
    broken = await startReferenceServer({ host: '127.0.0.1', port: 0, faults: ['wrong-handle-status'] });
  });
  afterAll(async () => {
    await broken.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A report's per-case verdicts: outcome, and the baseline's say. */
  const certifyVerdicts = (out: string) => {
    const index = readJson(join(out, 'json', 'index.json')) as { exitCode: number; servers: Record<string, { cases: Record<string, { outcome: string; baseline?: { stale: boolean } }> }> };
    const run = readJson(join(out, 'json', `${Object.keys(index.servers)[0]!.replace(/[^A-Za-z0-9._-]+/g, '-')}.json`)) as { baselineUnused?: string[] };
    return {
      exitCode: index.exitCode,
      cases: Object.values(index.servers).map((s) => Object.entries(s.cases).map(([id, c]) => `${id} ${c.outcome}${c.baseline ? (c.baseline.stale ? ' stale' : ' baselined') : ''}`)),
      unused: run.baselineUnused,
    };
  };

  /** Two built-in reference drivers and the same driver as an external program, on `target`. */
  const interopSelection = (...target: string[]): string[] => {
    const referenceMain = join(repoRoot(), 'dist', 'src', 'peers', 'drivers', 'reference', 'main.js');
    return [
      ...target,
      '--clients',
      'reference',
      '--client-cmd',
      `mine=${process.execPath} ${referenceMain}`,
      '--workers',
      'reference',
      '--worker-cmd',
      `theirs=${process.execPath} ${referenceMain}`,
      '--scenarios',
      'foreground,background-status',
    ];
  };

  /** An interop report's exit code and per-cell outcomes and grades (a stuck client is timing, not a verdict). */
  const interopVerdicts = (out: string) => {
    const index = readJson(join(out, 'index.json')) as { exitCode: number; servers: { name: string; cells: { client: string; worker: string; file: string }[] }[] };
    return {
      exitCode: index.exitCode,
      cells: index.servers.flatMap((s) =>
        s.cells.map((c) => {
          const cell = readJson(join(out, c.file)) as { scenarios: { id: string; actual: string; grade: string }[] };
          return `${s.name} ${c.client}×${c.worker}: ${cell.scenarios.map((x) => `${x.id}=${x.actual.replace(/\+client-stuck$/, '')}/${x.grade}`).join(' ')}`;
        }),
      ),
    };
  };

  it('certify: two shards and a merge give the unsharded run’s cases, outcomes, baseline marks and exit code', async () => {
    const baseline = join(dir, 'baseline.json');
    writeFileSync(
      baseline,
      JSON.stringify({
        format: 'gearspec-baseline/1',
        server: 'status-broken reference',
        entries: [
          { case: 'binary/status/queued-job', reason: 'GET_STATUS answers known=0', source: 'injected fault wrong-handle-status' },
          { case: 'binary/status/unknown-handle', reason: 'listed though it passes', source: 'test' },
          { case: 'binary/echo/empty', reason: 'not in this selection', source: 'test' },
        ],
      }),
    );
    const common = ['--server', broken.address, '--cases', 'binary/status', '--baseline', baseline];
    const whole = await certify(...common, '--out', join(dir, 'c-whole'));
    const one = await certify(...common, '--shard', '1/2', '--out', join(dir, 'c-1'));
    const two = await certify(...common, '--shard', '2/2', '--out', join(dir, 'c-2'));
    // The failure outside the baseline and the stale entry fail the whole run; each shard has one of them.
    expect(whole.code, whole.out).toBe(1);
    const merged = await merge(join(dir, 'c-2'), join(dir, 'c-1'), '--out', join(dir, 'c-merged'));
    expect(merged.code, merged.out + merged.err).toBe(whole.code);
    expect(merged.out).toMatch(/^merge: 2 certify shards of 2 → /);
    const w = certifyVerdicts(join(dir, 'c-whole'));
    expect(certifyVerdicts(join(dir, 'c-merged'))).toEqual(w);
    expect(w.cases.flat()).toEqual(expect.arrayContaining(['binary/status/queued-job fail baselined', 'binary/status/running-job fail', 'binary/status/unknown-handle pass stale']));
    expect(w.unused).toEqual(['binary/echo/empty']);
    // Each shard ran about half, none of the same cases.
    const halves = [certifyVerdicts(join(dir, 'c-1')).cases.flat(), certifyVerdicts(join(dir, 'c-2')).cases.flat()];
    expect(halves[0]!.length + halves[1]!.length).toBe(w.cases.flat().length);
    expect(halves[0]!.filter((c) => halves[1]!.includes(c))).toEqual([]);
    expect([one.code, two.code].sort()).toEqual([1, 1]);
    expect(readdirSync(join(dir, 'c-merged')).sort()).toEqual(['json', 'junit.xml', 'report.html']);
  }, 120_000);

  it('interop: two shards and a merge give the unsharded matrix’s cells, grades and exit code', async () => {
    const common = interopSelection('--server', broken.address);
    const whole = await interop(...common, '--out', join(dir, 'i-whole'));
    // One at a time: runCli captures the process's output, which two concurrent runs would share.
    for (const [i, shard] of ['1/2', '2/2'].entries()) expect((await interop(...common, '--shard', shard, '--out', join(dir, `i-${i + 1}`))).code).toBe(1);
    expect(whole.code, whole.out).toBe(1); // background-status fails on a server whose GET_STATUS lies
    const merged = await merge(join(dir, 'i-1'), join(dir, 'i-2'), '--out', join(dir, 'i-merged'));
    expect(merged.code, merged.out + merged.err).toBe(whole.code);
    const w = interopVerdicts(join(dir, 'i-whole'));
    expect(w.cells).toHaveLength(4);
    expect(interopVerdicts(join(dir, 'i-merged'))).toEqual(w);
    expect([1, 2].map((i) => interopVerdicts(join(dir, `i-${i}`)).cells.length)).toEqual([2, 2]);
  }, 180_000);

  it('interop: lanes (--lanes 2, whole worker columns each) give one lane’s cells, grades and exit code', async () => {
    const common = [...interopSelection('--peer', 'reference'), '--verbose'];
    const one = await interop(...common, '--out', join(dir, 'l-one'));
    const two = await interop(...common, '--lanes', '2', '--out', join(dir, 'l-two'));
    expect(one.code, one.out).toBe(0);
    expect(two.code, two.out).toBe(0);
    // Two lanes ran, each with whole worker columns: the reference worker's cells in one, the other's in the other.
    for (const [lane, worker] of [
      ['1', 'reference'],
      ['2', 'theirs'],
    ] as const) {
      const cellsOfLane = two.out.split('\n').filter((l) => l.includes(`(lane ${lane}) cell reference /`));
      expect(cellsOfLane.length, two.out).toBe(2);
      for (const l of cellsOfLane) expect(l).toContain(`/ ${worker} worker`);
    }
    expect(one.out).not.toContain('(lane ');
    const whole = interopVerdicts(join(dir, 'l-one'));
    expect(whole.cells).toHaveLength(4);
    expect(interopVerdicts(join(dir, 'l-two'))).toEqual(whole);
  }, 180_000);

  it('merge refuses what is not one whole run: a missing shard, a repeat, two kinds', async () => {
    for (const [argv, message] of [
      [[join(dir, 'c-1'), '--out', join(dir, 'x')], /shard 2\/2 missing: merge needs every shard of the run/],
      [[join(dir, 'c-1'), join(dir, 'c-1'), '--out', join(dir, 'x')], /shard 1\/2 is given twice/],
      [[join(dir, 'c-1'), join(dir, 'i-2'), '--out', join(dir, 'x')], /i-2 is an interop report but .*c-1 a certify report: merge shards of one run/],
      [[join(dir, 'c-whole'), join(dir, 'c-1'), '--out', join(dir, 'x')], /is not a shard/],
      [[join(dir, 'nowhere'), '--out', join(dir, 'x')], /no report here/],
      [[join(dir, 'c-1'), join(dir, 'c-2')], /--out DIR is required/],
    ] as const) {
      const r = await merge(...argv);
      expect(r.code, r.out).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('vitest shards (the CI recipe for npm test)', () => {
  const run = promisify(execFile);
  const vitest = join(repoRoot(), 'node_modules', 'vitest', 'vitest.mjs');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gearspec-vitest-shards-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Every test's full name and state, from vitest's JSON report. */
  const outcomes = (file: string) =>
    (readJson(file) as { testResults: { assertionResults: { fullName: string; status: string }[] }[] }).testResults.flatMap((f) => f.assertionResults.map((a) => `${a.fullName}: ${a.status}`)).sort();

  it('two blob shards merged with --merge-reports report the same tests as one run', async () => {
    const files = ['src/protocol', 'src/shard.test.ts'];
    const opts = { cwd: repoRoot(), maxBuffer: 16 * 1024 * 1024 };
    await run(process.execPath, [vitest, 'run', ...files, '--reporter=json', `--outputFile=${join(dir, 'whole.json')}`], opts);
    await Promise.all([1, 2].map((i) => run(process.execPath, [vitest, 'run', ...files, `--shard=${i}/2`, '--reporter=blob', `--outputFile=${join(dir, 'blobs', `blob-${i}.json`)}`], opts)));
    await run(process.execPath, [vitest, '--merge-reports', join(dir, 'blobs'), '--reporter=json', `--outputFile=${join(dir, 'merged.json')}`], opts);
    const whole = outcomes(join(dir, 'whole.json'));
    expect(whole.length).toBeGreaterThan(10);
    expect(outcomes(join(dir, 'merged.json'))).toEqual(whole);
  }, 180_000);
});
