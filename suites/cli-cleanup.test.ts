/**
 * A run leaves a server it did not start as it found it (README, "What a run leaves on a
 * server"): certify --server, fuzz and interop --server against a real gearmand, each followed by
 * the admin `status` and `show jobs` listings compared with the ones taken before. Whatever is
 * still there must be exactly what the command's cleanup line said it left, and the line must
 * say why (gearmand keeps a job scheduled for later even after `cancel job`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePeer } from '../src/peers/provider.js';
import { startServerPeer } from '../src/peers/servers/index.js';
import type { StartedServer } from '../src/peers/types.js';
import { parseShowJobsRows, parseStatusRows, type StatusRow } from '../src/protocol/admin.js';
import { GearmanConnection } from '../src/transport/connection.js';
import { runCli } from './fixtures/cli-run.js';

interface Listing {
  readonly status: readonly StatusRow[];
  readonly jobs: readonly string[];
}

async function listing(host: string, port: number): Promise<Listing> {
  const c = await GearmanConnection.connect({ host, port, connectTimeoutMs: 10_000, label: 'cleanup-test' });
  try {
    const status = parseStatusRows(await c.admin('status', 10_000));
    const jobs = parseShowJobsRows(await c.admin('show jobs', 10_000)).map((r) => r.handle);
    return { status, jobs };
  } finally {
    c.close();
  }
}

/** What the run added: rows and job handles the server did not list before. */
function added(before: Listing, after: Listing): { rows: StatusRow[]; jobs: string[] } {
  const known = new Set(before.status.map((r) => r.function));
  const had = new Set(before.jobs);
  return { rows: after.status.filter((r) => !known.has(r.function)), jobs: after.jobs.filter((h) => !had.has(h)) };
}

/** The numbers of the command's cleanup line: drained jobs, names and jobs it says it left. */
function cleanupLine(stdout: string): { drained: number; leftNames: number; leftJobs: number; notes: string } {
  const m = /cleanup: drained (\d+) job\(s\)[^\n]*?(?:; left on the server: (\d+) function name\(s\), (\d+) job\(s\)|; nothing of this run is left on the server)\n((?: {2}[^\n]*\n)*)/.exec(stdout);
  if (!m) throw new Error(`no cleanup line in:\n${stdout.slice(-3000)}`);
  return { drained: Number(m[1]), leftNames: Number(m[2] ?? 0), leftJobs: Number(m[3] ?? 0), notes: m[4] ?? '' };
}

/** The server holds exactly what the cleanup line reported, no worker of the run, and each leftover job is explained. */
function expectLeftAsReported(before: Listing, after: Listing, stdout: string): void {
  const line = cleanupLine(stdout);
  const extra = added(before, after);
  expect(extra.rows.length, `new function names: ${JSON.stringify(extra.rows.map((r) => r.function))}`).toBe(line.leftNames);
  expect(extra.jobs.length, 'jobs the server still lists').toBe(line.leftJobs);
  expect(extra.rows.filter((r) => r.workers > 0 || r.running > 0)).toEqual([]);
  // Each function still holding jobs is named, or covered by the name prefix the line gives.
  const prefix = /whose names start with ("(?:[^"\\]|\\.)*")/.exec(line.notes);
  for (const r of extra.rows.filter((row) => row.total > 0)) {
    if (prefix) expect(r.function.startsWith(JSON.parse(prefix[1]!) as string), r.function).toBe(true);
    else expect(line.notes).toContain(JSON.stringify(r.function));
  }
  if (line.leftJobs > 0) expect(line.notes).toMatch(/scheduled for later/);
}

describe.skipIf(!requirePeer('gearmand', 'cleanup after a run'))('a run against a server gearspec did not start (gearmand)', () => {
  let server: StartedServer;
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'gearspec-cleanup-'));
    server = await startServerPeer('gearmand');
  }, 180_000);
  afterAll(async () => {
    rmSync(out, { recursive: true, force: true });
    await server?.stop();
  }, 60_000);
  const address = (): string => `${server.host}:${server.port}`;

  it('certify --server drains and drops what its cases created; what stays is what it printed', async () => {
    const before = await listing(server.host, server.port);
    const r = await runCli(['certify', '--server', address(), '--no-reports'], 300_000);
    expect(r.code, r.stderr).not.toBe(2);
    const line = cleanupLine(r.stdout);
    // The catalogue queues background jobs no case ends: the cleanup had work to do.
    expect(line.drained).toBeGreaterThan(0);
    expectLeftAsReported(before, await listing(server.host, server.port), r.stdout);
  }, 320_000);

  it('fuzz drains the jobs of thousands of scenarios; what stays is what it printed', async () => {
    const before = await listing(server.host, server.port);
    const r = await runCli(['fuzz', '--server', address(), '--budget', '5s', '--seed', '7'], 120_000);
    expect([0, 1], r.stderr).toContain(r.code);
    const line = cleanupLine(r.stdout);
    expect(line.drained).toBeGreaterThan(0);
    expectLeftAsReported(before, await listing(server.host, server.port), r.stdout);
  }, 140_000);

  it('interop --server leaves nothing (every scenario, reference client and worker)', async () => {
    const before = await listing(server.host, server.port);
    const r = await runCli(['interop', '--server', address(), '--clients', 'reference', '--workers', 'reference', '--out', join(out, 'interop')], 120_000);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cleanup: drained \d+ job\(s\)[^\n]*; nothing of this run is left on the server/);
    expect(added(before, await listing(server.host, server.port))).toEqual({ rows: [], jobs: [] });
  }, 140_000);

  it('--no-cleanup keeps what the run created, and says so', async () => {
    const before = await listing(server.host, server.port);
    const r = await runCli(['certify', '--server', address(), '--no-reports', '--no-cleanup', '--cases', 'binary/submit'], 120_000);
    expect(r.stdout).toContain('cleanup skipped (--no-cleanup)');
    expect(added(before, await listing(server.host, server.port)).rows.length).toBeGreaterThan(0);
  }, 140_000);
});
