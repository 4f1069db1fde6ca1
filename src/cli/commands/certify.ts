/**
 * gearspec certify: run the conformance catalogue against one or more Gearman servers and report
 * (console summary, JUnit, JSON, HTML). Exit 0 when everything outside the baseline passes, 1 on a
 * failure or a stale baseline entry, 2 on a harness or usage error.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseShard, pickShard, type Shard } from '../../shard.js';
import { type DriverRole, type DriverSource, driverName } from '../../peers/drivers/index.js';
import type { DriverPeerName } from '../../peers/types.js';
import { type LibraryCaseDef, runLibrarySuite } from '../../runner/library/run-library.js';
import { errorMessage, ERROR_CODES, isGearspecError } from '../../errors.js';
import { renderRuns, renderVerdict } from '../../report/console.js';
import { type CertifyFiles, filesIn, writeCertifyReports, writeTextFile } from '../../report/certify-files.js';
import { applyBaseline, type Baseline, BASELINE_FORMAT, type BaselineEntry, raceOf, readBaseline } from '../../runner/baseline.js';
import type { CaseDef } from '../../runner/case-def.js';
import { exitCode } from '../../runner/exit-code.js';
import { OUTCOME_LEGEND, OUTCOMES } from '../../runner/outcome.js';
import { repoRoot } from '../../peers/repo-paths.js';
import type { ServerRun } from '../../runner/result.js';
import { newRunToken, runSuite } from '../../runner/run-suite.js';
import { specLabel } from '../../protocol/spec-sections.js';
import { createdHandles } from '../../runner/cleanup.js';
import { matchesPrefix, selectCases } from '../../runner/select.js';
import { PEER_NAMES, type PeerName, startTarget, type StartedTarget, type TargetSpec } from '../../runner/targets.js';
import { CLIENT_NAMES, WORKER_NAMES, libraryBaselineName, serverBaselineName } from '../../peers/registry/index.js';
import { type FlagSpecs, parseAddress, parseArgs, parseDriverCommand, serverPeerArg, usageError } from '../args.js';
import { type Command, EXIT, exitCodes } from '../command.js';
import { unreachable, unreachableLine } from '../reachable.js';
import { CLEANUP_FLAGS, type FinishCleanup, startCleanup } from '../cleanup.js';
import { restartByCommand } from '../restart-command.js';
import type { Declarations } from '../declarations.js';

/** The catalogues certify runs and their baselines (suites/conformance, suites/library), handed in by the entry. */
type Catalogues = Pick<Declarations, 'serverCases' | 'libraryCases' | 'baselineDirs'>;

const FLAGS: FlagSpecs = {
  server: { type: 'string', repeat: true, help: 'certify a running server at host:port (repeat for a comparison matrix)' },
  reference: { type: 'boolean', help: 'also certify the embedded reference server (the default when no --server/--peer is given)' },
  peer: { type: 'string', repeat: true, help: `start and certify a peer: ${PEER_NAMES.join(' | ')} (uses its committed baseline)` },
  client: { type: 'string', repeat: true, help: `certify a client library through its built-in driver: ${CLIENT_NAMES.join(' | ')} (gearspec plays the server; uses the driver's committed baseline)` },
  'client-cmd': { type: 'string', repeat: true, help: 'certify a client library through your own driver program: [NAME=]COMMAND (speaks the driver protocol, docs/driver-protocol.md)' },
  worker: { type: 'string', repeat: true, help: `certify a worker library through its built-in driver: ${WORKER_NAMES.join(' | ')}` },
  'worker-cmd': { type: 'string', repeat: true, help: 'certify a worker library through your own driver program: [NAME=]COMMAND' },
  cases: {
    type: 'string',
    repeat: true,
    help: 'only case ids under this prefix of whole segments (binary/echo: binary/echo/*, not binary/echoes); end with * for a plain prefix (binary/echo/size-*)',
  },
  exclude: { type: 'string', repeat: true, help: 'skip case ids under this prefix (same matching as --cases)' },
  strict: { type: 'boolean', help: 'SHOULD cases fail too (non-strict becomes fail)' },
  timeout: { type: 'number', default: 1500, help: 'per-read deadline in ms' },
  jobs: { type: 'number', default: 1, help: 'cases in flight per server (1-8)' },
  list: { type: 'boolean', help: 'list the case catalogue (ids, sections, levels, outcomes) and exit' },
  'dry-run': { type: 'boolean', help: 'show which cases would run against which servers, without connecting' },
  baseline: { type: 'string', help: "expected-failures file applied to every server (default: the peer's committed baseline)" },
  'write-baseline': { type: 'string', help: "write this run's failures to FILE as a baseline (one server or library only); entries of the applied baseline keep their reason; exit as if it applied" },
  'no-baseline': { type: 'boolean', help: 'do not apply the committed peer baselines' },
  junit: { type: 'string', help: 'write JUnit XML to FILE' },
  json: { type: 'string', help: 'write index.json and one detail file per server into DIR' },
  html: { type: 'string', help: 'write the HTML matrix report to FILE' },
  out: { type: 'string', help: 'write all three reports into DIR (junit.xml, json/, report.html); --no-reports to skip' },
  'no-reports': { type: 'boolean', help: 'write no report files (console only)' },
  'restart-cmd': {
    type: 'string',
    help: 'how to restart the --server (one only) for the durability cases (spec §4.17): a shell command that returns once the server is stopped and started again on its address',
  },
  'restart-timeout': { type: 'number', default: 120_000, help: 'deadline in ms for --restart-cmd, and again for the server to answer afterwards' },
  shard: { type: 'string', help: 'run only shard i of n of the cases (i/n; needs --out); `gearspec merge` combines the shards’ reports' },
  ...CLEANUP_FLAGS,
};

const usage = ({ serverCases, libraryCases }: Catalogues): string => `gearspec certify [--server host:port]... [--peer ${PEER_NAMES.join('|')}]...
                 [--client NAME|--client-cmd CMD]... [--worker NAME|--worker-cmd CMD]... [options]

Runs the server catalogue (${serverCases.length} cases) against each server, and the library catalogue
(${libraryCases.filter((c) => c.role === 'client').length} client and ${libraryCases.filter((c) => c.role === 'worker').length} worker cases) against each client or worker library, with
gearspec playing the job server. Without --server, --peer, --client or --worker it starts the
embedded reference server and certifies it. Reports go to the console; files
go to reports/certify/ (junit.xml, json/, report.html) unless --out DIR, --junit/--json/--html
FILE, or --no-reports says otherwise.

${exitCodes(
  'every case passes, or fails only as its baseline says',
  'a case fails outside the baseline, or a baselined case now passes (stale baseline)',
  'usage error; a --server nothing accepts connections at (one line; the other servers are still\n     certified); --cases/--exclude leaving no case (for any server or library named); a peer or\n     driver that cannot start; a harness error in a case',
)}`;

/** A client or worker library to certify, through a built-in or external driver. */
interface LibrarySpec {
  readonly source: DriverSource;
  readonly role: DriverRole;
}

interface Plan {
  readonly specs: TargetSpec[];
  readonly cases: CaseDef[];
  readonly libraries: LibrarySpec[];
  readonly libraryCases: LibraryCaseDef[];
  readonly strict: boolean;
  readonly timeoutMs: number;
  readonly jobs: number;
  /** Only this shard of the cases (`--shard i/n`). */
  readonly shard: Shard | undefined;
  readonly baselineFor: (spec: TargetSpec) => { baseline: Baseline; file: string } | undefined;
  readonly libraryBaselineFor: (lib: LibrarySpec) => { baseline: Baseline; file: string } | undefined;
  /** --restart-cmd and its deadline, for the one --server. */
  readonly restartCommand: { readonly command: string; readonly deadlineMs: number } | undefined;
}

/** Committed baseline of a server peer (relative to the package root, `/`-separated: reports show it). */
const serverBaselineFile = (dirs: Catalogues['baselineDirs'], name: PeerName): string => `${dirs.server}/${serverBaselineName(name)}`;

/** Committed baseline of a built-in driver for one role (relative to the package root). */
const libraryBaselineFile = (dirs: Catalogues['baselineDirs'], name: DriverPeerName, role: DriverRole): string => `${dirs.library}/${libraryBaselineName(name, role)}`;

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function plan(argv: readonly string[], { serverCases: serverCatalogue, libraryCases: libraryCatalogue, baselineDirs }: Catalogues): { plan: Plan; flags: Record<string, unknown> } {
  const { flags, positionals } = parseArgs(argv, FLAGS);
  if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])} (case selection is --cases PREFIX)`);
  const timeoutMs = Number(flags.timeout);
  if (!(timeoutMs >= 50 && timeoutMs <= 600_000)) throw usageError('--timeout must be between 50 and 600000 ms');
  const jobs = Number(flags.jobs);
  if (!(Number.isInteger(jobs) && jobs >= 1 && jobs <= 8)) throw usageError('--jobs must be an integer from 1 to 8');
  const specs: TargetSpec[] = flags.reference ? [{ kind: 'reference' }] : [];
  for (const s of strings(flags.server)) specs.push({ kind: 'address', ...parseAddress(s, '--server') });
  for (const p of strings(flags.peer)) {
    specs.push({ kind: 'peer', name: serverPeerArg(p, PEER_NAMES) });
  }
  const libraries: LibrarySpec[] = [];
  for (const role of ['client', 'worker'] as const) {
    for (const n of strings(flags[role])) {
      const known: readonly string[] = role === 'client' ? CLIENT_NAMES : WORKER_NAMES;
      if (!known.includes(n)) throw usageError(`--${role} must be one of ${known.join(', ')}, got ${JSON.stringify(n)} (use --${role}-cmd for your own driver)`);
      libraries.push({ source: n as DriverPeerName, role });
    }
    for (const c of strings(flags[`${role}-cmd`])) libraries.push({ source: parseDriverCommand(c, `--${role}-cmd`), role });
  }
  if (specs.length === 0 && libraries.length === 0) specs.push({ kind: 'reference' });
  // --cases/--exclude prefixes are checked against every catalogue this run uses, then applied to each.
  const inUse = [...(specs.length ? serverCatalogue : []), ...(libraries.length ? libraryCatalogue : [])];
  selectCases(inUse, strings(flags.cases), strings(flags.exclude));
  const pick = <C extends CaseDef | LibraryCaseDef>(catalogue: readonly C[]): C[] => {
    const include = strings(flags.cases).filter((p) => catalogue.some((c) => matchesPrefix(c.id, p)));
    if (strings(flags.cases).length > 0 && include.length === 0) return [];
    return selectCases(
      catalogue,
      include,
      strings(flags.exclude).filter((p) => catalogue.some((c) => matchesPrefix(c.id, p))),
    );
  };
  const cases = specs.length ? pick(serverCatalogue) : [];
  const libraryCases = libraries.length ? pick(libraryCatalogue) : [];
  if (cases.length + libraryCases.length === 0 && !flags.list) throw usageError('the selection is empty: --cases/--exclude leave no case to run');
  // Every library named gets cases of its own role, or the selection is empty for it.
  for (const role of ['client', 'worker'] as const) {
    if (flags.list || !libraries.some((l) => l.role === role) || libraryCases.some((c) => c.role === role)) continue;
    throw usageError(
      `the selection is empty for the ${role} librar${libraries.filter((l) => l.role === role).length === 1 ? 'y' : 'ies'} (${libraries
        .filter((l) => l.role === role)
        .map((l) => driverName(l.source))
        .join(', ')}): --cases/--exclude leave no ${role}/ case`,
    );
  }
  if (specs.length > 0 && cases.length === 0 && !flags.list) throw usageError('the selection is empty for the servers: --cases/--exclude leave no server case (binary/…, admin/…)');
  if (flags.baseline !== undefined && flags['no-baseline']) throw usageError('--baseline and --no-baseline exclude each other');
  const restartCommand = typeof flags['restart-cmd'] === 'string' ? { command: flags['restart-cmd'], deadlineMs: Number(flags['restart-timeout']) } : undefined;
  if (restartCommand) {
    const addresses = specs.filter((s) => s.kind === 'address').length;
    if (addresses !== 1 || specs.length !== 1) throw usageError(`--restart-cmd restarts one server: give exactly one --server (and no --peer or --reference), got ${specs.length} server(s)`);
    if (!restartCommand.command.trim()) throw usageError('--restart-cmd is empty');
    if (!(restartCommand.deadlineMs >= 1000 && restartCommand.deadlineMs <= 3_600_000)) throw usageError('--restart-timeout must be between 1000 and 3600000 ms');
  }
  const shard = typeof flags.shard === 'string' ? parseShard(flags.shard) : undefined;
  if (shard && typeof flags.out !== 'string' && typeof flags.json !== 'string') throw usageError('--shard needs --out DIR (or --json DIR): each shard writes its own report for `gearspec merge`');
  if (shard && flags['write-baseline'] !== undefined) throw usageError('--write-baseline needs the whole run, not a shard: write it from an unsharded run');
  // A baseline belongs to one server (or library): with several, whose failures would it list?
  if (flags['write-baseline'] !== undefined && specs.length + libraries.length !== 1)
    throw usageError(`--write-baseline needs exactly one server or library to certify, got ${specs.length + libraries.length}`);
  // Baselines are read (and validated against the catalogue) up front: a bad one is a usage error.
  const explicit = typeof flags.baseline === 'string' ? { baseline: readBaseline(resolve(flags.baseline), [...serverCatalogue, ...libraryCatalogue]), file: flags.baseline } : undefined;
  const perPeer = new Map<PeerName, { baseline: Baseline; file: string }>();
  const perLibrary = new Map<string, { baseline: Baseline; file: string }>();
  if (!explicit && !flags['no-baseline']) {
    for (const s of specs) {
      if (s.kind !== 'peer' || perPeer.has(s.name)) continue;
      const file = join(repoRoot(), serverBaselineFile(baselineDirs, s.name));
      perPeer.set(s.name, { baseline: readBaseline(file, serverCatalogue), file: serverBaselineFile(baselineDirs, s.name) });
    }
    for (const l of libraries) {
      if (typeof l.source !== 'string') continue;
      const rel = libraryBaselineFile(baselineDirs, l.source, l.role);
      if (perLibrary.has(rel) || !existsSync(join(repoRoot(), rel))) continue;
      perLibrary.set(rel, { baseline: readBaseline(join(repoRoot(), rel), libraryCatalogue), file: rel });
    }
  }
  const baselineFor = (spec: TargetSpec) => explicit ?? (spec.kind === 'peer' ? perPeer.get(spec.name) : undefined);
  const libraryBaselineFor = (l: LibrarySpec) => explicit ?? (typeof l.source === 'string' ? perLibrary.get(libraryBaselineFile(baselineDirs, l.source, l.role)) : undefined);
  // A shard runs every n-th case of the whole selection (the same order in every shard).
  return {
    plan: {
      specs,
      cases: pickShard(cases, shard),
      libraries,
      libraryCases: pickShard(libraryCases, shard),
      shard,
      strict: Boolean(flags.strict),
      timeoutMs,
      jobs,
      baselineFor,
      libraryBaselineFor,
      restartCommand,
    },
    flags,
  };
}

function describeSpec(s: TargetSpec): string {
  switch (s.kind) {
    case 'reference':
      return 'embedded reference server';
    case 'address':
      return `${s.host}:${s.port}`;
    case 'peer':
      return `peer ${s.name}`;
  }
}

function listCatalogue(cases: readonly (CaseDef | LibraryCaseDef)[]): string {
  const lines = [`${cases.length} cases. Outcomes:`];
  for (const o of OUTCOMES) lines.push(`  ${o.padEnd(16)} ${OUTCOME_LEGEND[o]}`);
  lines.push('');
  for (const c of cases) {
    lines.push(`${c.id}  ${specLabel(c.section)} · ${c.level}${c.requires?.length ? `  (optional: ${c.requires.join(', ')})` : ''}`);
    lines.push(`    ${c.requirement}`);
    for (const o of c.outcomes) lines.push(`    - ${o.outcome === 'pass-alternative' ? `alternative ${o.alternative}=${o.choice}` : o.outcome}: ${o.when}`);
  }
  return lines.join('\n');
}

/**
 * Live progress: a rewritten line on a TTY, otherwise a plain line every 25 cases. The baseline is
 * applied after the run, so the line asks it directly: a failure it lists (or one of its races
 * explains) counts as baselined, not failed — a passing run must not read "3 failed".
 */
function progress(server: string, baseline: Baseline | undefined): { onResult: (id: string, done: number, total: number, outcome: string) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  const known = new Set(baseline?.entries.map((e) => e.case));
  let failed = 0;
  let baselined = 0;
  return {
    onResult(id, done, total, outcome) {
      if (outcome === 'fail' && (known.has(id) || raceOf(baseline, id))) baselined++;
      else if (outcome === 'fail' || outcome === 'harness-error') failed++;
      const counts = [failed ? `${failed} failed` : '', baselined ? `${baselined} baselined` : ''].filter(Boolean).join(', ');
      if (tty) {
        const line = `[${server}] ${done}/${total} ${counts ? `${counts} ` : ''}${id}`;
        process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 100) - 1).padEnd((process.stderr.columns ?? 100) - 1)}`);
      } else if (done % 25 === 0 || done === total) process.stderr.write(`[${server}] ${done}/${total} cases${counts ? `, ${counts}` : ''}\n`);
    },
    end() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

/**
 * A baseline listing every case that failed in `run`, for --write-baseline. An entry of the applied
 * baseline is kept as it is (a maintainer may have edited its reason and source) when its case
 * still fails, is marked flaky (a pass proves nothing), or was not in this selection; its races
 * are kept, and a failure one of them explains gets no entry of its own.
 */
function baselineOfRun(run: ServerRun, previous: Baseline | undefined): Baseline {
  const source = `observed: gearspec certify on ${new Date().toISOString().slice(0, 10)} against ${run.server}`;
  const old = new Map((previous?.entries ?? []).map((e) => [e.case, e]));
  // `flaky` is read loosely: it is an optional field a baseline may or may not carry.
  const flaky = (e: BaselineEntry | undefined) => (e as { readonly flaky?: boolean } | undefined)?.flaky === true;
  const entries: BaselineEntry[] = [];
  for (const r of run.results) {
    const kept = old.get(r.id);
    old.delete(r.id);
    if (r.outcome !== 'fail') {
      if (kept && flaky(kept)) entries.push(kept);
      continue;
    }
    // A failure a declared race of the baseline explains stays with the race.
    if (!kept && raceOf(previous, r.id)) continue;
    const line = r.detail.split('\n')[0]!.trim();
    const reason = line.length > 300 ? `${line.slice(0, 299)}…` : line;
    entries.push(kept ?? { case: r.id, reason: reason || 'failed (no detail)', source });
  }
  entries.push(...old.values()); // cases this selection did not run: not judged
  return { format: BASELINE_FORMAT, server: previous?.server ?? run.server, entries, ...(previous?.races && { races: previous.races }) };
}

async function certify(p: Plan, flags: Record<string, unknown>): Promise<number> {
  const runs: ServerRun[] = [];
  let harness = false;
  for (const spec of p.specs) {
    let started: StartedTarget;
    try {
      started = await startTarget(spec);
    } catch (e) {
      process.stderr.write(`gearspec certify: cannot start ${describeSpec(spec)}: ${errorMessage(e)}\n`);
      harness = true;
      continue;
    }
    try {
      // A server nobody runs is one line and exit 2, not 200 failures.
      const why = spec.kind === 'address' ? await unreachable(started.target.host, started.target.port, Math.max(1000, p.timeoutMs * 2)) : undefined;
      if (why) {
        process.stderr.write(unreachableLine('certify', started.target.host, started.target.port, why));
        harness = true;
        continue;
      }
      const bar = progress(started.target.name, p.baselineFor(spec)?.baseline);
      // `server: started`: a peer that crashes is restarted, and the crash charged to its case.
      const onRestart = (n: number, how: string) => process.stderr.write(`\ngearspec certify: ${started.target.name} exited (${how}); restarted it (${n})\n`);
      // A server gearspec did not start is someone's: what the run queues on it is removed afterwards.
      const runToken = newRunToken();
      const cleanUp: FinishCleanup | undefined = spec.kind === 'address' ? await startCleanup(flags, started.target, started.target.name, p.timeoutMs, (fn) => fn.startsWith(runToken)) : undefined;
      const run = await runSuite({
        target: started.target,
        server: started,
        onRestart,
        runToken,
        cases: p.cases,
        timeoutMs: p.timeoutMs,
        strict: p.strict,
        concurrency: p.jobs,
        onResult: (r, done, total) => bar.onResult(r.id, done, total, r.outcome),
        ...(p.restartCommand && spec.kind === 'address' && { restart: restartByCommand(p.restartCommand.command, started.target, p.restartCommand.deadlineMs) }),
      });
      bar.end();
      await cleanUp?.(run.results.flatMap((r) => createdHandles(r.wire)));
      const bl = p.baselineFor(spec);
      if (bl) {
        const applied = applyBaseline(run.results, bl.baseline);
        runs.push({ ...run, results: applied.results, baselineFile: bl.file, baselineUnused: applied.unused });
      } else runs.push(run);
    } finally {
      await started.stop();
    }
  }
  for (const lib of p.libraries) {
    const name = `${driverName(lib.source)} ${lib.role}`;
    const cases = p.libraryCases.filter((c) => c.role === lib.role);
    if (cases.length === 0) continue;
    try {
      const bar = progress(name, p.libraryBaselineFor(lib)?.baseline);
      const run = await runLibrarySuite({
        subject: lib.source,
        role: lib.role,
        cases,
        timeoutMs: p.timeoutMs,
        strict: p.strict,
        concurrency: p.jobs,
        onResult: (r, done, total) => bar.onResult(r.id, done, total, r.outcome),
      });
      bar.end();
      const bl = p.libraryBaselineFor(lib);
      if (bl) {
        const applied = applyBaseline(run.results, bl.baseline);
        runs.push({ ...run, results: applied.results, baselineFile: bl.file, baselineUnused: applied.unused });
      } else runs.push(run);
    } catch (e) {
      process.stderr.write(`gearspec certify: cannot run the ${name} driver: ${errorMessage(e)}\n`);
      harness = true;
    }
  }
  const writeTo = typeof flags['write-baseline'] === 'string' ? flags['write-baseline'] : undefined;
  if (writeTo && runs.length === 1) {
    const previous = p.specs[0] ? p.baselineFor(p.specs[0]) : p.libraries[0] ? p.libraryBaselineFor(p.libraries[0]) : undefined;
    const baseline = baselineOfRun(runs[0]!, previous?.baseline);
    writeTextFile(resolve(writeTo), `${JSON.stringify(baseline, null, 2)}\n`);
    // Judge the run by the baseline just written (the exit code a commit of it would give).
    const applied = applyBaseline(
      runs[0]!.results.map(({ baseline: _old, ...r }) => r),
      baseline,
    );
    runs[0] = { ...runs[0]!, results: applied.results, baselineFile: writeTo, baselineUnused: applied.unused };
    process.stdout.write(`baseline written: ${writeTo} (${baseline.entries.length} entr${baseline.entries.length === 1 ? 'y' : 'ies'})\n`);
  }
  process.stdout.write(renderRuns(runs));
  // Reports go to reports/certify by default; naming any one report file (or --no-reports) opts out of the default folder.
  const explicitFile = [flags.junit, flags.json, flags.html].some((f) => typeof f === 'string');
  const out = typeof flags.out === 'string' ? flags.out : explicitFile || flags['no-reports'] === true ? undefined : 'reports/certify';
  const inOut: CertifyFiles = out ? filesIn(out) : { junit: undefined, json: undefined, html: undefined };
  const named = (flag: 'junit' | 'json' | 'html') => (typeof flags[flag] === 'string' ? flags[flag] : inOut[flag]);
  const files: CertifyFiles = { junit: named('junit'), json: named('json'), html: named('html') };
  // A shard writes its report even when it ran nothing: merge needs every shard.
  if (runs.length > 0 || (p.shard && !harness))
    for (const line of writeCertifyReports(runs, files, { exitCode: harness ? EXIT.HARNESS : exitCode(runs), ...(p.shard && { shard: p.shard }) })) process.stdout.write(`${line}\n`);
  // Nothing ran (every server unreachable, every driver unable to start): the stderr lines say it all.
  if (runs.length === 0 && harness) return EXIT.HARNESS;
  const code = harness ? EXIT.HARNESS : exitCode(runs);
  process.stdout.write(renderVerdict('certify', runs, code));
  return code;
}

/** The certify command over these catalogues (main.ts builds it from the entry's declarations). */
export const certifyCommand = (catalogues: Catalogues): Command => ({
  name: 'certify',
  summary: 'run the conformance catalogue against Gearman servers and report',
  usage: usage(catalogues),
  flags: FLAGS,
  async run(argv) {
    let parsed: ReturnType<typeof plan>;
    try {
      parsed = plan(argv, catalogues);
    } catch (e) {
      if (isGearspecError(e) && e.code === ERROR_CODES.USAGE) {
        process.stderr.write(`gearspec certify: ${e.message}\n`);
        return EXIT.HARNESS;
      }
      throw e;
    }
    const { plan: p, flags } = parsed;
    if (flags.list) {
      // Without a subject named, --list shows both catalogues (servers, then libraries).
      const named = p.libraries.length > 0 || strings(flags.server).length + strings(flags.peer).length > 0 || Boolean(flags.reference);
      const all = named
        ? [...p.cases, ...p.libraryCases]
        : selectCases<CaseDef | LibraryCaseDef>([...catalogues.serverCases, ...catalogues.libraryCases], strings(flags.cases), strings(flags.exclude));
      process.stdout.write(`${listCatalogue(all)}\n`);
      return EXIT.OK;
    }
    if (flags['dry-run']) {
      process.stdout.write(`would run ${p.cases.length + p.libraryCases.length} cases (timeout ${p.timeoutMs} ms${p.strict ? ', strict' : ''}) against:\n`);
      for (const s of p.specs) {
        const bl = p.baselineFor(s);
        process.stdout.write(`  ${describeSpec(s)}${bl ? ` with baseline ${bl.file} (${bl.baseline.entries.length} entries)` : ''}\n`);
      }
      for (const l of p.libraries) {
        const bl = p.libraryBaselineFor(l);
        process.stdout.write(
          `  ${driverName(l.source)} ${l.role} library${typeof l.source === 'string' ? '' : ` (${l.source.command})`}${bl ? ` with baseline ${bl.file} (${bl.baseline.entries.length} entries)` : ''}\n`,
        );
      }
      for (const c of [...p.cases, ...p.libraryCases]) process.stdout.write(`${c.id}\n`);
      return EXIT.OK;
    }
    return certify(p, flags);
  },
});
