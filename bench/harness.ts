/**
 * How long the harness itself takes, so each change shows what it costs: certify per server,
 * library certification per driver, the interop matrix per cell, fuzz scenarios/s, and (from a
 * vitest JSON report) `npm test` per file. Each engine runs as a user runs it — `gearspec …` in a
 * child process, reports in a temp dir — and the figures come from the wall clock and the reports
 * it wrote. Prints a table and writes reports/bench/harness.json.
 *
 *   npm run bench:harness [-- --servers reference,gearmand --drivers reference,php --interop reference
 *                            --fuzz 10 --vitest-report reports/vitest.json]
 *
 * A vitest report comes from `npx vitest run --reporter=json --outputFile=reports/vitest.json`
 * (or `npm test -- --reporter=default --reporter=json --outputFile.json=reports/vitest.json`).
 * Everything listens on 127.0.0.1 only; every process started is stopped, pass or fail.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type FlagSpecs, parseArgs } from '../src/cli/args.js';
import { repoRoot } from '../src/peers/repo-paths.js';
import { CLIENT_NAMES, SERVER_NAMES } from '../src/peers/registry/index.js';
import { startReferenceServer } from '../src/server/index.js';

const FLAGS: FlagSpecs = {
  servers: { type: 'string', default: 'reference,gearmand,perl-gearmand', help: `certify these server peers (${SERVER_NAMES.join(', ')})` },
  drivers: { type: 'string', default: 'reference,libgearman-c,php,perl', help: `library certification of these drivers, client and worker (${CLIENT_NAMES.join(', ')})` },
  interop: { type: 'string', default: 'reference', help: 'the interop matrix (ring plan) on this server peer' },
  fuzz: { type: 'number', default: 10, help: 'seconds of fuzzing the reference server (0: skip)' },
  'vitest-report': { type: 'string', help: 'a vitest JSON report to read per-file times from' },
  out: { type: 'string', default: 'reports/bench/harness.json', help: 'JSON report path' },
};

interface Row {
  readonly what: string;
  readonly subject: string;
  readonly wallS: number;
  /** Items the run covered: cases, cells, scenarios, tests. */
  readonly items: number;
  readonly unit: string;
  readonly exitCode: number | null;
  readonly note?: string;
}

/** Runs `gearspec ARGS` as a child process; resolves with its exit code, output and wall time. */
function gearspec(args: readonly string[], timeoutMs: number): Promise<{ code: number | null; out: string; wallS: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'bin', 'gearspec.js'), ...args], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, out, wallS: (performance.now() - t0) / 1000 });
    });
  });
}

const list = (v: unknown): string[] =>
  String(v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** Cases in a certify run's JSON index (every server in it). */
function certifiedCases(dir: string): number {
  const file = path.join(dir, 'json', 'index.json');
  if (!existsSync(file)) return 0;
  const index = readJson(file) as { servers: Record<string, { cases: Record<string, unknown> }> };
  return Object.values(index.servers).reduce((n, s) => n + Object.keys(s.cases).length, 0);
}

async function certifyRows(servers: readonly string[], drivers: readonly string[], tmp: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const server of servers) {
    const out = path.join(tmp, `certify-${server}`);
    const r = await gearspec(['certify', server === 'reference' ? '--reference' : `--peer=${server}`, '--out', out], 3_600_000);
    rows.push({ what: 'certify', subject: server, wallS: r.wallS, items: certifiedCases(out), unit: 'cases', exitCode: r.code });
  }
  for (const driver of drivers) {
    const out = path.join(tmp, `library-${driver}`);
    const r = await gearspec(['certify', `--client=${driver}`, `--worker=${driver}`, '--out', out], 3_600_000);
    rows.push({ what: 'library certification', subject: `${driver} client+worker`, wallS: r.wallS, items: certifiedCases(out), unit: 'cases', exitCode: r.code });
  }
  return rows;
}

async function interopRows(server: string, tmp: string): Promise<Row[]> {
  const out = path.join(tmp, 'interop');
  const r = await gearspec(['interop', `--peer=${server}`, '--plan', 'ring', '--out', out], 3_600_000);
  const cellsDir = path.join(out, 'cells');
  const cells = existsSync(cellsDir) ? readdirSync(cellsDir).map((f) => readJson(path.join(cellsDir, f)) as { client: string; worker: string; durationMs: number; scenarios: unknown[] }) : [];
  const slowest = [...cells].sort((a, b) => b.durationMs - a.durationMs)[0];
  const mean = cells.length ? cells.reduce((n, c) => n + c.durationMs, 0) / cells.length / 1000 : Number.NaN;
  return [
    {
      what: 'interop matrix (ring)',
      subject: server,
      wallS: r.wallS,
      items: cells.length,
      unit: 'cells',
      exitCode: r.code,
      note: `${mean.toFixed(1)} s per cell${slowest ? `; slowest ${slowest.client}×${slowest.worker} ${(slowest.durationMs / 1000).toFixed(1)} s` : ''}`,
    },
  ];
}

async function fuzzRows(seconds: number, tmp: string): Promise<Row[]> {
  const server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
  try {
    const r = await gearspec(['fuzz', '--server', server.address, '--budget', `${seconds}s`, '--seed', '42', '--out', path.join(tmp, 'fuzz')], seconds * 1000 + 300_000);
    // "400 scenarios in 2002 ms; 0 findings", and the server's own line "…: 399 scenarios, 206.6 scenarios/s".
    const scenarios = Number(/^(\d+) scenarios in \d+ ms/m.exec(r.out)?.[1] ?? Number.NaN);
    const rate = /([\d.]+) scenarios\/s/.exec(r.out)?.[1] ?? '?';
    return [{ what: 'fuzz (model)', subject: 'reference', wallS: r.wallS, items: scenarios, unit: 'scenarios', exitCode: r.code, note: `${rate} scenarios/s` }];
  } finally {
    await server.close();
  }
}

function vitestRows(file: string): Row[] {
  const report = readJson(file) as { testResults: { name: string; startTime: number; endTime: number; assertionResults: unknown[]; status: string }[] };
  return report.testResults
    .map((t) => ({
      what: 'npm test file',
      subject: path.relative(repoRoot(), t.name),
      wallS: (t.endTime - t.startTime) / 1000,
      items: t.assertionResults.length,
      unit: 'tests',
      exitCode: t.status === 'passed' ? 0 : 1,
    }))
    .sort((a, b) => b.wallS - a.wallS);
}

function table(rows: readonly Row[]): string {
  const header = ['what', 'subject', 'wall s', 'items', 's/item', 'exit', 'notes'];
  const body = rows.map((r) => [r.what, r.subject, r.wallS.toFixed(1), `${r.items} ${r.unit}`, r.items > 0 ? (r.wallS / r.items).toFixed(2) : '-', String(r.exitCode), r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const { flags } = parseArgs(process.argv.slice(2), FLAGS);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gearspec-bench-harness-'));
  const t0 = Date.now();
  try {
    const rows: Row[] = [...(await certifyRows(list(flags.servers), list(flags.drivers), tmp))];
    if (flags.interop) rows.push(...(await interopRows(String(flags.interop), tmp)));
    if (Number(flags.fuzz) > 0) rows.push(...(await fuzzRows(Number(flags.fuzz), tmp)));
    if (typeof flags['vitest-report'] === 'string') rows.push(...vitestRows(flags['vitest-report']));
    else process.stdout.write('(npm test per file: give --vitest-report FILE, made by `npx vitest run --reporter=json --outputFile=FILE`)\n');
    process.stdout.write(`${table(rows)}\n`);
    const out = path.resolve(String(flags.out));
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ createdAt: new Date().toISOString(), cpus: os.cpus().length, load: os.loadavg(), wallS: (Date.now() - t0) / 1000, rows }, null, 2)}\n`);
    process.stdout.write(`→ ${out}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:harness: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
