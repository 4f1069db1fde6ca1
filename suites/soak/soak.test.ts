/**
 * `gearspec soak` end to end, on the reference server (started by the command, or running in the
 * test for --server cases): every job through the reference and libgearman-c drivers is accounted
 * for exactly once; a broken worker driver (fixtures/broken-worker.ts) is caught on exactly the jobs
 * the seed's job list says it spoils, each with its transcript; killed workers cost reruns, never
 * jobs; bad flags and an unreachable server are one line and exit 2. No driver process outlives a
 * run. Reports land in a temp dir. libgearman-c runs as GEARSPEC_PEERS says (native or container);
 * when it cannot run, its test is skipped loudly (a failure in CI).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '../../src/cli/commands/soak.js';
import { requirePeer } from '../../src/peers/provider.js';
import { repoRoot } from '../../src/peers/repo-paths.js';
import { isAlive } from '../../src/peers/test-helpers.js';
import { SOAK_JOURNAL_FORMAT } from '../../src/report/soak/journal.js';
import { SOAK_FORMAT } from '../../src/report/soak/write.js';
import { RUNAWAY_RUNS } from '../../src/soak/ledger.js';
import { planJobs } from '../../src/soak/plan.js';
import type { JobFinding, SoakCounts, SoakDriverInfo } from '../../src/soak/types.js';
import { startReferenceServer } from '../../src/server/index.js';
import { runCli } from '../cli-run.js';
import { startCli } from '../fixtures/cli-run.js';
import { STALL_AFTER, spoilOf, swallowed } from './fixtures/spoil.js';

const soak = (...argv: string[]) => runCli(command, argv);
/** As the gearspec process runs it: a thrown usage error is one stderr line and exit 2. */
const soakMain = (...argv: string[]) => runCli(command, argv, { asMain: true });
const brokenWorker = join(repoRoot(), 'dist', 'suites', 'soak', 'fixtures', 'broken-worker.js');
const swallowingClient = join(repoRoot(), 'dist', 'suites', 'soak', 'fixtures', 'swallowing-client.js');
const stallingWorker = join(repoRoot(), 'dist', 'suites', 'soak', 'fixtures', 'stalling-worker.js');
const loopingWorker = join(repoRoot(), 'dist', 'suites', 'soak', 'fixtures', 'looping-worker.js');

interface Report {
  readonly format: string;
  readonly exitCode: number;
  readonly seed: number;
  readonly totals: SoakCounts;
  readonly pairs: readonly (SoakCounts & { client: string; worker: string })[];
  readonly drivers: readonly SoakDriverInfo[];
  readonly kills: readonly { victim: string; replacement?: string; error?: string }[];
  readonly findings: readonly JobFinding[];
  readonly incidents: readonly { deviation: boolean; who: string; what: string }[];
  readonly notSubmitted: number;
  readonly stalledWorkers: readonly { worker: string; why: string; atMs: number; lastRunAtMs?: number; notSubmitted: number }[];
}

const haveC = requirePeer('libgearman-c', 'soak through libgearman-c');

describe('gearspec soak', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gearspec-soak-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const report = (out: string): Report => JSON.parse(readFileSync(join(out, 'soak.json'), 'utf8')) as Report;
  /** Every driver process the run started has ended. */
  const noneLeft = (r: Report): void => {
    for (const d of r.drivers) if (d.pid !== undefined) expect(isAlive(d.pid), `${d.label} (pid ${d.pid}) still runs`).toBe(false);
  };
  const clean = (t: SoakCounts): SoakCounts => ({ ...t, completed: t.submitted, corrupted: 0, failed: 0, refused: 0, lost: 0, duplicated: 0, unfinished: 0 });

  it.skipIf(!haveC)(
    'accounts for every job exactly once through the reference and libgearman-c clients and workers',
    async () => {
      const out = join(dir, 'clean');
      const r = await soak('--clients', 'reference,libgearman-c', '--workers', 'reference,libgearman-c', '--jobs', '120', '--seed', '5', '--out', out);
      expect(r.code, r.out).toBe(0);
      const rep = report(out);
      expect(rep.format).toBe(SOAK_FORMAT);
      expect(rep.seed).toBe(5);
      expect(rep.totals.submitted).toBe(120);
      expect(rep.totals).toEqual(clean(rep.totals));
      expect(rep.pairs.map((p) => `${p.client}/${p.worker}`)).toEqual(['reference/reference', 'reference/libgearman-c', 'libgearman-c/reference', 'libgearman-c/libgearman-c']);
      for (const p of rep.pairs) expect(p.submitted).toBeGreaterThan(0);
      expect(rep.findings).toEqual([]);
      expect(rep.incidents.filter((i) => i.deviation)).toEqual([]);
      expect(r.out).toMatch(/libgearman-c × libgearman-c\s+\d+/);
      expect(r.out).toContain('every job completed exactly once, byte-exact');
      // The journal: a start line, each job settled once as it happened, the summary last.
      const journal = readFileSync(join(out, 'soak.jsonl'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; job?: string; ok?: boolean; totals?: SoakCounts });
      expect(journal[0]).toMatchObject({ kind: 'start', format: SOAK_JOURNAL_FORMAT, seed: 5 });
      expect(journal.at(-1)).toMatchObject({ kind: 'summary', exitCode: 0, totals: rep.totals, findings: [] });
      const settled = journal.filter((e) => e.kind === 'settled');
      expect(settled.map((e) => e.job).sort()).toEqual(Array.from({ length: 120 }, (_, i) => `j${i + 1}`).sort());
      expect(settled.every((e) => e.ok === true)).toBe(true);
      noneLeft(rep);
    },
    60_000,
  );

  it('reports exactly the jobs a broken worker spoils, each with its transcript, and exits 1', async () => {
    const out = join(dir, 'broken');
    const seed = 3;
    const jobs = 60;
    const r = await soak('--worker-cmd', `broken=${process.execPath} ${brokenWorker}`, '--jobs', String(jobs), '--seed', String(seed), '--job-timeout', '3', '--out', out);
    expect(r.code, r.out).toBe(1);
    const rep = report(out);
    // What the seed's job list says: a held job is lost; a corrupted result shows only on a
    // foreground job (a background job's client gets no result, and the worker did finish it).
    const plan = planJobs({ seed, clients: ['reference'], workers: ['broken'], priorities: ['high', 'normal', 'low'], maxPayload: 1024 * 1024 }, jobs);
    const expected = new Map<string, string>();
    for (const j of plan) {
      if (spoilOf(j.group) === 'hold') expected.set(j.id, 'lost');
      else if (spoilOf(j.group) === 'corrupt' && !j.background) expected.set(j.id, 'corrupted');
    }
    expect(new Map(rep.findings.map((f) => [f.job, f.verdict]))).toEqual(expected);
    const count = (v: string) => [...expected.values()].filter((x) => x === v).length;
    expect(rep.totals).toMatchObject({ submitted: jobs, completed: jobs - expected.size, corrupted: count('corrupted'), lost: count('lost'), failed: 0, refused: 0, duplicated: 0 });
    for (const f of rep.findings) {
      expect(
        f.transcript.some((l) => /reference-client#\d+ >> submit/.test(l)),
        f.job,
      ).toBe(true);
      expect(
        f.transcript.some((l) => /broken-worker#\d+ << job\(/.test(l)),
        f.job,
      ).toBe(true);
      if (f.verdict === 'corrupted') expect(f.mismatch).toMatchObject({ expectedLength: f.size, firstDifference: 0 });
    }
    noneLeft(rep);
  }, 60_000);

  it('parks a client library that loses results: a fresh driver takes the next jobs, the lost ones are named', async () => {
    const out = join(dir, 'swallowing');
    const seed = 4;
    const jobs = 60;
    const r = await soak('--client-cmd', `swallowing=${process.execPath} ${swallowingClient}`, '--jobs', String(jobs), '--seed', String(seed), '--job-timeout', '5', '--out', out);
    expect(r.code, r.out).toBe(1);
    const rep = report(out);
    const plan = planJobs({ seed, clients: ['swallowing'], workers: ['reference'], priorities: ['high', 'normal', 'low'], maxPayload: 1024 * 1024 }, jobs);
    const lost = plan.filter((j) => !j.background && swallowed(j.group)).map((j) => j.id);
    expect(lost.length).toBeGreaterThan(0);
    expect(new Map(rep.findings.map((f) => [f.job, f.verdict]))).toEqual(new Map(lost.map((id) => [id, 'lost'])));
    expect(rep.totals).toMatchObject({ submitted: jobs, completed: jobs - lost.length, lost: lost.length, duplicated: 0 });
    // Each command that held a swallowed job was parked once the server had ended its jobs, and
    // retired at the job timeout; fresh drivers carried the rest, so nothing waited a job timeout.
    const parked = rep.incidents.filter((i) => /^parked: the server ended every job of /.test(i.what));
    expect(parked.length).toBeGreaterThan(0);
    expect(rep.incidents.filter((i) => /, parked since$/.test(i.what))).toHaveLength(parked.length);
    expect(rep.incidents.filter((i) => /a fresh client driver takes its place$/.test(i.what))).toEqual([]);
    expect(rep.drivers.filter((d) => d.role === 'client')).toHaveLength(2 + parked.length);
    noneLeft(rep);
  }, 60_000);

  // Two client libraries: a worker is judged stalled on jobs of two or more (one client library
  // that never sends its jobs must not make a worker look stalled).
  it.skipIf(!haveC)(
    'stops feeding a worker library that stopped taking jobs, and the other pairs carry on',
    async () => {
      const out = join(dir, 'stalling');
      const jobs = 160;
      const r = await soak(
        '--worker-cmd',
        `stalling=${process.execPath} ${stallingWorker}`,
        '--workers',
        'reference',
        '--clients',
        'reference,libgearman-c',
        '--jobs',
        String(jobs),
        '--seed',
        '8',
        '--job-timeout',
        '4',
        '--out',
        out,
      );
      expect(r.code, r.out).toBe(1);
      const rep = report(out);
      // Seen once, from a job that waited the whole timeout while neither instance started one.
      expect(rep.stalledWorkers.map((x) => `${x.worker} ${x.why}`)).toEqual(['stalling stalled']);
      const [stall] = rep.stalledWorkers;
      expect(stall!.notSubmitted).toBeGreaterThan(0);
      expect(rep.notSubmitted).toBe(stall!.notSubmitted);
      expect(rep.totals.submitted).toBe(jobs - stall!.notSubmitted);
      expect(rep.incidents.filter((i) => i.who === 'stalling worker' && /^stopped taking jobs/.test(i.what))).toHaveLength(1);
      expect(r.out).toMatch(/stalled: the stalling worker stopped taking jobs/);
      // Every reference-worker job still completed; the stalling worker's instances ended STALL_AFTER
      // runs each (a coalesced pair is two jobs in one run), and its other jobs were lost.
      const of = (w: string, k: 'completed' | 'submitted') => rep.pairs.filter((p) => p.worker === w).reduce((n, p) => n + p[k], 0);
      expect(rep.pairs.filter((p) => p.worker === 'reference').every((p) => p.completed === p.submitted)).toBe(true);
      expect(of('stalling', 'completed')).toBeLessThanOrEqual(2 * 2 * STALL_AFTER);
      expect(of('stalling', 'completed')).toBeLessThan(of('stalling', 'submitted'));
      expect(new Set(rep.findings.map((f) => `${f.worker} ${f.verdict}`))).toEqual(new Set(['stalling lost']));
      noneLeft(rep);
    },
    90_000,
  );

  it('stops a worker library caught in a storm of reruns of one job, and the other pairs carry on', async () => {
    const out = join(dir, 'looping');
    const jobs = 80;
    const r = await soak('--worker-cmd', `looping=${process.execPath} ${loopingWorker}`, '--workers', 'reference', '--jobs', String(jobs), '--seed', '9', '--job-timeout', '5', '--out', out);
    expect(r.code, r.out).toBe(1);
    const rep = report(out);
    expect(rep.stalledWorkers.map((x) => `${x.worker} ${x.why}`)).toEqual(['looping runaway']);
    expect(rep.incidents.filter((i) => i.who === 'looping worker' && new RegExp(`ran one job \\(handle \\S+\\) ${RUNAWAY_RUNS} times`).test(i.what))).toHaveLength(1);
    expect(r.out).toMatch(/runaway: the looping worker ran one job over and over/);
    // The job it looped on is run again and again (duplicated); none of its jobs completed; every
    // reference-worker job did; no looping driver outlives the run.
    expect(rep.findings.some((f) => f.worker === 'looping' && f.verdict === 'duplicated')).toBe(true);
    expect(rep.pairs.filter((p) => p.worker === 'looping').every((p) => p.completed === 0)).toBe(true);
    expect(rep.pairs.filter((p) => p.worker === 'reference').every((p) => p.completed === p.submitted)).toBe(true);
    noneLeft(rep);
  }, 90_000);

  it('on a server that forgets one acknowledged job in N, reports exactly those jobs as lost, with their handles', async () => {
    // The reference server's drop-job fault answers JOB_CREATED and then forgets the job, logging
    // its handle: the soak must name exactly the dropped handles, and nothing else.
    const dropped: string[] = [];
    const server = await startReferenceServer({
      host: '127.0.0.1',
      port: 0,
      faults: ['drop-job'],
      faultEvery: 25,
      log: (line) => {
        const m = /^fault drop-job: dropped (\S+)/.exec(line);
        if (m) dropped.push(m[1]!);
      },
    });
    try {
      const out = join(dir, 'drop');
      const r = await soak('--server', server.address, '--jobs', '150', '--seed', '11', '--job-timeout', '3', '--out', out);
      expect(r.code, r.out).toBe(1);
      const rep = report(out);
      expect(dropped.length).toBeGreaterThanOrEqual(5);
      expect(rep.findings.every((f) => f.verdict === 'lost')).toBe(true);
      expect(rep.findings.map((f) => f.handles.join(',')).sort()).toEqual([...dropped].sort());
      expect(rep.totals).toMatchObject({ submitted: 150, completed: 150 - dropped.length, lost: dropped.length, corrupted: 0, failed: 0, refused: 0, duplicated: 0 });
      for (const f of rep.findings) expect(f.transcript.some((l) => l.includes(f.handles[0]!))).toBe(true);
      noneLeft(rep);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('kills worker drivers as it runs: every job still completes exactly once', async () => {
    const out = join(dir, 'kills');
    const workers = haveC ? 'reference,libgearman-c' : 'reference';
    const r = await soak('--workers', workers, '--jobs', '150', '--kill-every', '20', '--seed', '9', '--out', out);
    expect(r.code, r.out).toBe(0);
    const rep = report(out);
    expect(rep.totals.submitted).toBe(150);
    expect(rep.totals).toEqual(clean(rep.totals));
    expect(rep.kills.length).toBeGreaterThan(0);
    for (const k of rep.kills) expect(k.replacement, k.error).toBeDefined();
    noneLeft(rep);
  }, 60_000);

  it('restarts the server under the drivers: workers come back, jobs out at a restart are dropped, the rest complete exactly once', async () => {
    const out = join(dir, 'restarts');
    const r = await soak('--jobs', '200', '--restart-every', '40', '--seed', '3', '--job-timeout', '10', '--out', out);
    expect(r.code, r.out).toBe(0);
    const rep = report(out) as Report & { restarts: readonly { atMs: number; upAtMs?: number; error?: string }[] };
    expect(rep.restarts.length).toBeGreaterThanOrEqual(3);
    for (const x of rep.restarts) expect(x.upAtMs, x.error).toBeGreaterThanOrEqual(x.atMs);
    // Jobs after the last restart still complete: the workers reconnected and registered again.
    expect(rep.totals).toMatchObject({ submitted: 200, corrupted: 0, failed: 0, refused: 0, lost: 0, duplicated: 0, unfinished: 0 });
    expect(rep.totals.completed + rep.totals.dropped).toBe(200);
    expect(rep.totals.completed).toBeGreaterThan(200 - rep.restarts.length * 16 * 2);
    const journal = readFileSync(join(out, 'soak.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    expect(journal.filter((e) => e.kind === 'restart')).toHaveLength(rep.restarts.length);
    expect(r.out).toMatch(/restarts: the server was restarted \d+ time/);
  }, 60_000);

  it('kill -9 of a running soak leaves a journal with every job settled up to the kill', async () => {
    const out = join(dir, 'killed');
    const journal = join(out, 'soak.jsonl');
    const run = startCli(['soak', '--jobs', '100000', '--max-payload', '4096', '--seed', '21', '--out', out], 120_000, { launcher: 'bin' });
    const settled = (): number =>
      existsSync(journal)
        ? readFileSync(journal, 'utf8')
            .split('\n')
            .filter((l) => l.includes('"kind":"settled"')).length
        : 0;
    try {
      // The journal itself is the signal: kill once it holds 40 settled jobs (or the run ended).
      const deadline = Date.now() + 90_000;
      let exited = false;
      void run.done.then(() => (exited = true));
      while (settled() < 40 && !exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(exited, 'the soak ended before it was killed').toBe(false);
    } finally {
      run.signal('SIGKILL');
    }
    expect((await run.done).code).toBeNull();
    const lines = readFileSync(journal, 'utf8').split('\n');
    // Whole lines only (the last write may be cut by the kill: at most that one is lost).
    const complete = lines.slice(0, -1).map((l) => JSON.parse(l) as { kind: string; format?: string; seed?: number; job?: string; end?: string; ok?: boolean });
    expect(complete[0]).toMatchObject({ kind: 'start', format: SOAK_JOURNAL_FORMAT, seed: 21 });
    const jobs = complete.filter((e) => e.kind === 'settled');
    expect(jobs.length).toBeGreaterThanOrEqual(40);
    expect(new Set(jobs.map((e) => e.job)).size).toBe(jobs.length);
    for (const e of jobs) expect(e, e.job).toMatchObject({ ok: true });
    expect(complete.some((e) => e.kind === 'summary')).toBe(false);
  }, 120_000);

  it('bad flags, an unknown driver and an unreachable server are one line and exit 2', async () => {
    for (const [argv, message] of [
      [['--clients', 'cobol'], /--clients: unknown "cobol"/],
      [['--jobs', '0'], /--jobs needs a whole number of at least 1/],
      [['--jobs', 'many'], /--jobs needs a non-negative number/],
      [['--priorities', 'urgent'], /--priorities: unknown "urgent"/],
      [['--peer', 'reference', '--server', '127.0.0.1:1'], /give --peer or --server, not both/],
      [['--server', '127.0.0.1:1', '--restart-every', '10'], /--restart-every needs a server gearspec starts/],
    ] as const) {
      const r = await soakMain(...argv);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const closed = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    const address = closed.address;
    await closed.close();
    const r = await soakMain('--server', address, '--out', join(dir, 'closed'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^gearspec soak: cannot reach ${address.replace(/\./g, '\\.')}: connection refused`));
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });
});
