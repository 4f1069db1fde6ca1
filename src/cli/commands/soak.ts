/**
 * gearspec soak: many jobs at once through real client and worker libraries (their drivers), on a
 * server gearspec starts (--peer) or a running one (--server), with mixed priorities, foreground and
 * background jobs, binary payloads up to --max-payload, coalescing pairs, and optionally worker
 * drivers killed as it runs (--kill-every). Every job is accounted for exactly once (src/soak/);
 * the table goes to stdout, a progress line to stderr, the JSON report to --out (docs/soak.md).
 */
import path from 'node:path';
import { PeerError, errorMessage } from '../../errors.js';
import { driverName, type JobPriority } from '../../peers/drivers/index.js';
import { driverProvider, serverProvider } from '../../peers/provider.js';
import { CLIENT_NAMES, SERVER_NAMES, WORKER_NAMES } from '../../peers/registry/index.js';
import type { ProviderKind } from '../../peers/types.js';
import { type MatrixTarget, targetName } from '../../interop/run-on.js';
import { renderSoakSummary } from '../../report/soak/summary.js';
import { SoakJournal } from '../../report/soak/journal.js';
import { SOAK_FORMAT, type SoakReportOptions, writeSoakReport } from '../../report/soak/write.js';
import { IN_FLIGHT } from '../../soak/clients.js';
import { newRunToken, SOAK_NAME_PREFIX } from '../../soak/plan.js';
import { runSoak } from '../../soak/run.js';
import { soakExitCode } from '../../soak/types.js';
import { lastLines } from '../../soak/workers.js';
import { driverSources, type FlagSpecs, parseAddress, parseArgs, pickList, serverPeerArg, usageError, wholeNumber as whole } from '../args.js';
import { CLEANUP_FLAGS, startCleanup } from '../cleanup.js';
import { type Command, EXIT, exitCodes } from '../command.js';
import { onStop } from '../lifecycle.js';
import { ProgressLine } from '../progress.js';
import { reportUnreachable } from '../reachable.js';

const DEFAULT_OUT = 'reports/soak';
const DEFAULT_JOBS = 200;
const PRIORITIES: readonly JobPriority[] = ['high', 'normal', 'low'];
/** Beyond this a payload is not a soak but a memory test of the harness (each travels base64 in JSON, twice). */
const MAX_PAYLOAD_LIMIT = 64 * 1024 * 1024;

const flags: FlagSpecs = {
  peer: { type: 'string', help: `a server gearspec starts: ${SERVER_NAMES.join(' | ')} (default reference)` },
  server: { type: 'string', help: 'a running server at host:port instead (its soak jobs and names are cleaned up afterwards)' },
  clients: { type: 'string', help: `comma list of client drivers, of ${CLIENT_NAMES.join(',')} (default reference)` },
  workers: { type: 'string', help: `comma list of worker drivers, of ${WORKER_NAMES.join(',')} (default reference)` },
  'client-cmd': { type: 'string', repeat: true, help: 'add your own client driver program, NAME=COMMAND (docs/driver-protocol.md); without --clients it is the only client' },
  'worker-cmd': { type: 'string', repeat: true, help: 'add your own worker driver program, NAME=COMMAND; without --workers it is the only worker' },
  jobs: { type: 'number', help: `stop submitting after this many jobs (default ${DEFAULT_JOBS}; with --duration alone, no limit)` },
  duration: { type: 'number', help: 'stop submitting after this many seconds (whichever of --jobs and --duration comes first)' },
  priorities: { type: 'string', default: PRIORITIES.join(','), help: 'the priorities jobs are submitted with, a comma list' },
  'max-payload': { type: 'number', default: 1024 * 1024, help: 'the largest payload in bytes (most are small; some near 64 KiB; a few exactly this)' },
  'kill-every': { type: 'number', help: 'kill a random worker driver (and start a replacement) after every N completed jobs' },
  'restart-every': { type: 'number', help: 'restart the server (a --peer) on the same address after every N completed jobs, drivers still connected' },
  seed: { type: 'number', help: 'seed of the job list, the payloads and the kills (default: random, printed)' },
  'job-timeout': { type: 'number', default: 30, help: 'seconds after its submit by which a job must have ended, or it is lost' },
  out: { type: 'string', default: DEFAULT_OUT, help: 'report directory (soak.json, and the journal soak.jsonl)' },
  ...CLEANUP_FLAGS,
};

export const command: Command = {
  name: 'soak',
  summary: 'many jobs at once through real client and worker libraries; every job accounted for exactly once',
  usage: `gearspec soak [--peer NAME | --server host:port] [--clients a,b] [--workers a,b] [--client-cmd NAME=CMD] [--worker-cmd NAME=CMD]
             [--jobs N] [--duration SECONDS] [--priorities high,normal,low] [--max-payload BYTES] [--kill-every N] [--restart-every N] [--seed S] [--out DIR]

Every client library × worker library pair gets its share of the jobs, all at once: two driver
instances of each library, at most ${IN_FLIGHT} jobs of a client library out at a time. Each job must
complete exactly once with its own bytes; the report (DIR/soak.json, format ${SOAK_FORMAT}, docs/soak.md)
has every job that did not, with its transcript; DIR/soak.jsonl has each job as it settled, written
line by line, so a killed soak keeps everything it had seen. On a --server its function names start with
${SOAK_NAME_PREFIX}<run token>. and are cleaned up afterwards (README, "What a run leaves on a server").

${exitCodes(
  'every job completed exactly once, byte-exact',
  'a job corrupted, failed, refused, lost or duplicated; a driver or the server exited on its own',
  'usage error; a --server nothing accepts connections at (one line); a peer or driver that could\n     not start (also a replacement during the run)',
)}`,
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (f.peer !== undefined && f.server !== undefined) throw usageError('give --peer or --server, not both');
    const peer = f.peer === undefined ? 'reference' : serverPeerArg(String(f.peer), SERVER_NAMES);
    const target: MatrixTarget = f.server !== undefined ? { kind: 'external', ...parseAddress(String(f.server), '--server') } : { kind: 'peer', name: peer };
    const clients = driverSources(f, 'client', CLIENT_NAMES, ['reference']);
    const workers = driverSources(f, 'worker', WORKER_NAMES, ['reference']);
    if (clients.length === 0 || workers.length === 0) throw usageError(`the selection is empty: ${clients.length} client(s) × ${workers.length} worker(s)`);
    const durationS = f.duration === undefined ? undefined : Number(f.duration);
    if (durationS !== undefined && durationS <= 0) throw usageError('--duration must be more than 0 seconds');
    const jobs = f.jobs !== undefined ? whole(f.jobs, 'jobs', 1) : durationS === undefined ? DEFAULT_JOBS : undefined;
    const priorities = pickList(f.priorities, PRIORITIES, '--priorities');
    if (priorities.length === 0) throw usageError('--priorities needs at least one of high, normal, low');
    const maxPayload = whole(f['max-payload'], 'max-payload', 0);
    if (maxPayload > MAX_PAYLOAD_LIMIT) throw usageError(`--max-payload is at most ${MAX_PAYLOAD_LIMIT} bytes, got ${maxPayload}`);
    const killEvery = f['kill-every'] === undefined ? undefined : whole(f['kill-every'], 'kill-every', 1);
    const restartEvery = f['restart-every'] === undefined ? undefined : whole(f['restart-every'], 'restart-every', 1);
    if (restartEvery !== undefined && target.kind === 'external') throw usageError('--restart-every needs a server gearspec starts (--peer): a --server is not ours to restart');
    const jobTimeoutS = Number(f['job-timeout']);
    if (!(jobTimeoutS > 0)) throw usageError('--job-timeout must be more than 0 seconds');
    const seed = f.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : whole(f.seed, 'seed', 0) >>> 0;

    if (target.kind === 'external' && (await reportUnreachable('soak', [target]))) return EXIT.HARNESS;
    const resolved = driverProvider();
    const provider: ProviderKind = resolved.provider;
    const runToken = newRunToken();
    const names = (s: readonly { toString(): string }[]): string => s.join(',');
    process.stdout.write(
      `soak: ${targetName(target)}; clients ${names(clients.map(driverName))} × workers ${names(workers.map(driverName))}; ${jobs ?? 'unlimited'} jobs${durationS !== undefined ? ` or ${durationS} s` : ''}${killEvery ? `, a worker killed every ${killEvery} completed jobs` : ''}${restartEvery ? `, the server restarted every ${restartEvery} completed jobs` : ''}; seed ${seed} (repeat with --seed ${seed}); drivers ${provider} (${resolved.reason})\n`,
    );

    // SIGINT/SIGTERM: stop submitting, stop every driver and the server, write what was seen.
    let signal: number | undefined;
    let interrupt: () => void = () => undefined;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    const off = onStop((why) => {
      signal = why.includes('SIGINT') ? 130 : 143;
      interrupt();
    });
    const reportOptions: SoakReportOptions = {
      target: targetName(target),
      clients: clients.map(driverName),
      workers: workers.map(driverName),
      jobs: jobs ?? null,
      durationS: durationS ?? null,
      priorities,
      maxPayload,
      killEvery: killEvery ?? null,
      restartEvery: restartEvery ?? null,
      jobTimeoutS,
      provider,
      cleanup: f['no-cleanup'] !== true,
    };
    const outDir = path.resolve(String(f.out));
    // Every job settled, kill and incident goes to DIR/soak.jsonl as it happens.
    const journal = new SoakJournal(outDir, { seed, runToken, options: reportOptions });
    const progress = new ProgressLine();
    try {
      // On a server gearspec did not start, what the run leaves under its names is removed afterwards.
      const ours = `${SOAK_NAME_PREFIX}${runToken}.`;
      const cleanUp = target.kind === 'external' ? await startCleanup(f, target, targetName(target), 3000, (fn) => fn.startsWith(ours)) : undefined;
      let result: Awaited<ReturnType<typeof runSoak>>;
      try {
        result = await runSoak({
          target,
          clients,
          workers,
          provider,
          serverProvider: serverProvider(),
          seed,
          jobs,
          durationMs: durationS === undefined ? undefined : durationS * 1000,
          priorities,
          maxPayload,
          killEvery,
          restartEvery,
          jobTimeoutMs: jobTimeoutS * 1000,
          runToken,
          interrupt: interrupted,
          onEvent: (e) => journal.event(e),
          onProgress: (p) =>
            progress.update(
              `soak: ${p.submitted}${p.planned !== undefined ? `/${p.planned}` : ''} submitted, ${p.completed} completed, ${p.spoiled} spoiled, ${p.inFlight} in flight${killEvery ? `, ${p.kills} kills` : ''}${restartEvery ? `, ${p.restarts} restarts` : ''}, ${p.elapsedMs > 0 ? ((p.completed * 1000) / p.elapsedMs).toFixed(1) : '0.0'} jobs/s, ${Math.round(p.elapsedMs / 1000)} s`,
            ),
        });
      } catch (e) {
        progress.done();
        if (!(e instanceof PeerError)) throw e;
        process.stderr.write(`gearspec soak: ${errorMessage(e)}${e.log ? `\n  its last output: ${lastLines(e.log)}` : ''}\n`);
        await cleanUp?.();
        return EXIT.HARNESS;
      }
      progress.done();
      await cleanUp?.();
      const code = signal ?? soakExitCode(result);
      const file = writeSoakReport(outDir, result, reportOptions, code);
      journal.end(result, code);
      process.stdout.write(renderSoakSummary(result));
      process.stdout.write(`report → ${file}\n`);
      return code;
    } finally {
      off();
      journal.close();
    }
  },
};
