/**
 * Echo-job throughput and latency: the gearspec reference server vs C gearmand 1.1.20 (-t 1, 2, 4)
 * vs Perl Gearman::Server 1.130, in one run, with one load generator (bench/lib/load-generator.ts)
 * for all. Prints a table and writes reports/bench/echo-throughput.json.
 *
 *   npm run bench [-- --duration 8 --warmup 2 --clients 4 --in-flight 16 --workers 8 --only reference,gearmand-t4]
 *   --profile-reference DIR   run the reference server child under node --cpu-prof (profiles in DIR)
 *
 * Everything listens and connects on 127.0.0.1 only; every process started is stopped, pass or fail.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, type FlagSpecs } from '../src/cli/args.js';
import { LoadGenerator, type LoadOptions } from './lib/load-generator.js';
import { rankAgainstC, renderTable, type BenchRow } from './lib/report.js';
import { summarise } from './lib/stats.js';
import { startTarget, type BenchTarget, type RunningTarget } from './lib/targets.js';

const TARGETS: readonly BenchTarget[] = [
  { server: 'reference', config: 'node, 1 event loop' },
  { server: 'gearmand', config: '-t 1', threads: 1 },
  { server: 'gearmand', config: '-t 2', threads: 2 },
  { server: 'gearmand', config: '-t 4', threads: 4 },
  { server: 'perl-gearmand', config: 'default' },
];
const targetId = (t: BenchTarget): string => (t.server === 'gearmand' ? `gearmand${t.config.replace(/ /g, '')}` : t.server);

const FLAGS: FlagSpecs = {
  duration: { type: 'number', help: 'measured seconds per server', default: 8 },
  warmup: { type: 'number', help: 'warm-up seconds per server (not measured)', default: 2 },
  clients: { type: 'number', help: 'client connections', default: 4 },
  'in-flight': { type: 'number', help: 'jobs each client keeps outstanding', default: 16 },
  workers: { type: 'number', help: 'worker connections', default: 8 },
  payload: { type: 'number', help: 'payload bytes per job (>= 8)', default: 16 },
  only: { type: 'string', help: `comma list of ${TARGETS.map(targetId).join(', ')}` },
  out: { type: 'string', help: 'JSON report path', default: 'reports/bench/echo-throughput.json' },
  'profile-reference': { type: 'string', help: 'directory for a --cpu-prof profile of the reference server' },
  'serve-reference': { type: 'boolean', help: '(internal) run the reference server child' },
};

async function serveReference(): Promise<void> {
  const { startReferenceServer } = await import('../src/server/index.js');
  const server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`PORT ${server.port}\n`);
  const stop = (): void => {
    void server.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // If the parent dies without signalling, its end of our stdin closes: do not outlive it.
  process.stdin.on('end', stop);
  process.stdin.resume();
}

async function measureOne(t: BenchTarget, o: { load: Omit<LoadOptions, 'host' | 'port'>; warmupMs: number; durationMs: number; profileDir?: string }, started: Set<RunningTarget>): Promise<BenchRow> {
  const base = { server: t.server, config: t.config };
  let running: RunningTarget | undefined;
  let gen: LoadGenerator | undefined;
  try {
    running = await startTarget(t, { timeoutMs: 10_000, ...(o.profileDir ? { profileDir: o.profileDir } : {}) });
    started.add(running);
    gen = new LoadGenerator({ ...o.load, host: running.host, port: running.port });
    await gen.start();
    await new Promise((r) => setTimeout(r, o.warmupMs));
    const cpu0 = running.cpuSeconds();
    const w = await gen.measure(o.durationMs);
    const serverCpuPercent = ((running.cpuSeconds() - cpu0) / (w.elapsedMs / 1000)) * 100;
    const lat = summarise(w.latenciesMs);
    const ok = w.completed > 0 && w.mismatches === 0;
    return {
      ...base,
      version: running.version,
      status: ok ? 'ok' : 'failed',
      jobsPerSec: (w.completed / w.elapsedMs) * 1000,
      p50Ms: lat.p50,
      p99Ms: lat.p99,
      maxMs: lat.max,
      completed: w.completed,
      mismatches: w.mismatches,
      serverCpuPercent,
      serverCpuUsPerJob: w.completed > 0 ? ((serverCpuPercent / 100) * (w.elapsedMs * 1000)) / w.completed : Number.NaN,
      generatorCpuPercent: w.generatorCpuPercent,
      perJob: w.perJob,
      ratioVsBestC: Number.NaN,
      bestC: false,
      errors: w.errors,
    };
  } catch (e) {
    return {
      ...base,
      version: running?.version ?? '',
      status: 'failed',
      jobsPerSec: Number.NaN,
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      maxMs: Number.NaN,
      completed: 0,
      mismatches: 0,
      serverCpuPercent: Number.NaN,
      serverCpuUsPerJob: Number.NaN,
      generatorCpuPercent: Number.NaN,
      perJob: undefined,
      ratioVsBestC: Number.NaN,
      bestC: false,
      errors: [e instanceof Error ? e.message : String(e)],
    };
  } finally {
    gen?.stop();
    if (running) {
      await running.stop();
      started.delete(running);
    }
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const { flags: f } = parseArgs(argv, FLAGS);
  if (f['serve-reference']) {
    await serveReference();
    return -1; // keep running until signalled
  }
  const only = typeof f.only === 'string' ? new Set(f.only.split(',').map((s) => s.trim())) : undefined;
  const targets = TARGETS.filter((t) => !only || only.has(targetId(t)));
  if (targets.length === 0) throw new Error(`--only matched nothing; choose from ${TARGETS.map(targetId).join(', ')}`);
  const loadOpts = { clients: Number(f.clients), inFlight: Number(f['in-flight']), workers: Number(f.workers), payloadBytes: Number(f.payload), functionName: 'bench_echo', connectTimeoutMs: 5000 };
  const warmupMs = Number(f.warmup) * 1000;
  const durationMs = Number(f.duration) * 1000;
  const profileDir = typeof f['profile-reference'] === 'string' ? path.resolve(f['profile-reference']) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  const generator = `raw packets via gearspec's codec (encodeFrame/StreamDecoder) in one Node ${process.version} process: ${loadOpts.clients} client connections x ${loadOpts.inFlight} foreground SUBMIT_JOB in flight, ${loadOpts.workers} worker connections (GRAB_JOB loop, WORK_COMPLETE echoes the data), ${loadOpts.payloadBytes}-byte payload, empty unique; warm-up ${warmupMs / 1000} s, then ${durationMs / 1000} s measured; latency = submit to WORK_COMPLETE at the client`;
  console.log(`echo-throughput: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${os.loadavg()[0]!.toFixed(2)} load`);
  console.log(`generator: ${generator}\n`);

  const started = new Set<RunningTarget>();
  const cleanup = async (): Promise<void> => {
    await Promise.all([...started].map((s) => s.stop()));
  };
  // A hard ceiling on the whole run, whatever happens inside it.
  const ceilingMs = targets.length * (warmupMs + durationMs + 20_000) + 10_000;
  const ceiling = setTimeout(() => {
    console.error(`benchmark exceeded its ${ceilingMs} ms ceiling; stopping`);
    void cleanup().finally(() => process.exit(2));
  }, ceilingMs);
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  const rows: BenchRow[] = [];
  try {
    for (const t of targets) {
      process.stdout.write(`  ${t.server} ${t.config} ... `);
      const row = await measureOne(t, { load: loadOpts, warmupMs, durationMs, ...(profileDir && t.server === 'reference' ? { profileDir } : {}) }, started);
      console.log(row.status === 'ok' ? `${row.jobsPerSec.toFixed(0)} jobs/s` : `FAILED: ${row.errors.join('; ')}`);
      rows.push(row);
    }
  } finally {
    clearTimeout(ceiling);
    await cleanup();
  }
  rankAgainstC(rows);
  console.log(`\n${renderTable(rows)}\n`);
  console.log('"vs best C": jobs/s relative to the fastest C gearmand setting. CPU% is per core (100% = one core saturated).');
  console.log('server µs/job: server CPU time per completed job; the fairest figure when other work shares the machine.');
  const load = os.loadavg()[0]!;
  if (load > os.cpus().length) console.log(`WARNING: load average ${load.toFixed(1)} exceeds the ${os.cpus().length} CPUs; throughput and latency figures are contended.`);
  console.log('NOOP/job and reads/job: wake-ups the workers received and socket reads the generator made, per completed job.');
  const out = path.resolve(String(f.out));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ benchmark: 'echo-throughput', at: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() }, generator, parameters: { ...loadOpts, warmupMs, durationMs }, results: rows }, null, 2)}\n`,
  );
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
  if (profileDir) console.log(`reference server CPU profile in ${profileDir}`);
  return rows.every((r) => r.status === 'ok') ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    console.error(`echo-throughput: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
