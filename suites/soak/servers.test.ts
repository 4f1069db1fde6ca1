/**
 * A short soak on every server peer: 60 jobs through the reference and libgearman-c clients and
 * workers (servers.ts: less those the interop matrix declares cannot work there), every priority
 * the server has, foreground and background, payloads up to 1 MiB
 * with NULs and high bytes, and coalescing pairs. Each job must complete exactly once, byte-exact,
 * unless servers.ts declares otherwise with its source. Servers and drivers run as GEARSPEC_PEERS
 * says; a server that cannot run here is skipped loudly (a failure in CI).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '../../src/cli/commands/soak.js';
import { requirePeer } from '../../src/peers/provider.js';
import { MATRIX_SERVER_NAMES } from '../../src/peers/registry/index.js';
import { isAlive } from '../../src/peers/test-helpers.js';
import { DEVIATIONS, type JobFinding, type RestartRecord, type SoakCounts, type SoakDriverInfo } from '../../src/soak/types.js';
import { runCli } from '../cli-run.js';
import type { DriverPeerName, ServerPeerName } from '../../src/peers/types.js';
import { SOAK_EXPECTATIONS, type SoakKind, soakSelection } from './servers.js';

const JOBS = 60;
const SEED = 7;

interface Report {
  readonly totals: SoakCounts;
  readonly restarts: readonly RestartRecord[];
  readonly drivers: readonly SoakDriverInfo[];
  readonly findings: readonly JobFinding[];
  readonly incidents: readonly { deviation: boolean; who: string; what: string }[];
}

describe('a short soak on every server', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gearspec-soak-servers-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Soaks `server` and checks every deviation against its declaration; returns the report. */
  async function soakChecked(server: ServerPeerName, kind: SoakKind, clients: readonly DriverPeerName[], workers: readonly DriverPeerName[], extra: readonly string[] = []): Promise<Report> {
    const declared = SOAK_EXPECTATIONS.find((e) => e.server === server && e.soaks.includes(kind));
    const out = join(dir, `${server}-${kind}`);
    const priorities = (SOAK_EXPECTATIONS.find((e) => e.server === server && e.priorities)?.priorities ?? ['high', 'normal', 'low']).join(',');
    const argv = [
      '--peer',
      server,
      '--clients',
      clients.join(','),
      '--workers',
      workers.join(','),
      '--priorities',
      priorities,
      '--jobs',
      String(JOBS),
      '--seed',
      String(SEED),
      '--job-timeout',
      '20',
      '--out',
      out,
      ...extra,
    ];
    const r = await runCli(command, argv);
    const rep = JSON.parse(readFileSync(join(out, 'soak.json'), 'utf8')) as Report;
    const context = `${server} (${clients.join(',')} × ${workers.join(',')}; left out: ${soakSelection(server).leftOut.join('; ') || 'none'})\n${r.out}`;
    expect(rep.totals.submitted, context).toBe(JOBS);
    expect(rep.totals.unfinished, context).toBe(0);
    const incidents = rep.incidents.filter((i) => i.deviation);
    expect(
      incidents.filter((i) => !declared?.incidents?.test(`${i.who} ${i.what}`)),
      context,
    ).toEqual([]);
    for (const d of DEVIATIONS)
      expect(
        rep.totals[d],
        `${d}: ${rep.findings
          .filter((f) => f.verdict === d)
          .map((f) => `${f.job} ${f.detail}`)
          .join('; ')}\n${context}`,
      ).toBeLessThanOrEqual(declared?.atMost[d] ?? 0);
    const deviations = DEVIATIONS.reduce((n, d) => n + rep.totals[d], 0);
    if (declared && !declared.flaky && (Object.keys(declared.atMost).length > 0 || declared.incidents)) expect(deviations + incidents.length, `stale: ${declared.why}`).toBeGreaterThan(0);
    expect(r.code, context).toBe(deviations + incidents.length > 0 ? 1 : 0);
    for (const d of rep.drivers) if (d.pid !== undefined) expect(isAlive(d.pid), `${d.label} (pid ${d.pid}) still runs`).toBe(false);
    return rep;
  }

  it.each(MATRIX_SERVER_NAMES.map((s) => [s]))(
    '%s: every job completes exactly once, or as declared',
    async (server) => {
      const pick = soakSelection(server);
      expect(pick.clients.length * pick.workers.length, `no client × worker the matrix declares working on ${server}: ${pick.leftOut.join('; ')}`).toBeGreaterThan(0);
      if (!requirePeer([server, ...pick.clients, ...pick.workers], `the soak on ${server}`)) return;
      const rep = await soakChecked(server, 'plain', pick.clients, pick.workers);
      expect(rep.totals.dropped).toBe(0);
    },
    180_000,
  );

  // The server restarted under connected drivers (the reference client, and the reference worker
  // or the one the server can serve): it must come back on its address, take the workers' new
  // registrations and run every later job; only the jobs out at a restart may be dropped.
  it.each(MATRIX_SERVER_NAMES.map((s) => [s]))(
    '%s: restarted every 15 jobs, it serves the reconnected drivers again',
    async (server) => {
      const pick = soakSelection(server);
      const worker = pick.workers.includes('reference') ? 'reference' : pick.workers[0];
      expect(worker, `no worker the matrix declares working on ${server}`).toBeDefined();
      if (!requirePeer([server, worker!], `the restart soak on ${server}`)) return;
      const rep = await soakChecked(server, 'restarts', ['reference'], [worker!], ['--restart-every', '15']);
      expect(rep.restarts.length).toBeGreaterThanOrEqual(2);
      for (const x of rep.restarts) expect(x.upAtMs, x.error).toBeGreaterThanOrEqual(x.atMs);
      expect(rep.totals.completed + rep.totals.dropped + DEVIATIONS.reduce((n, d) => n + rep.totals[d], 0)).toBe(JOBS);
    },
    180_000,
  );
});
