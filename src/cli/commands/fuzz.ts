/**
 * gearspec fuzz: model-based fuzzing of one server, or differential fuzzing of several. Prints the
 * seed first (repeat any run with --seed), scenarios per second per server, and each finding with
 * its minimal scenario; with --out, each finding is also a replayable fixture (gearspec replay).
 * Exit codes: see the usage text (README, "Exit codes"). The run is bounded (../lifecycle.ts):
 * --budget, plus --shrink-budget and ten --timeout for each finding (shrinking, re-running and
 * recording it), plus the grace; past that the process reports what is pending and exits 2.
 */
import { errorMessage } from '../../errors.js';
import { PROFILE_ALIASES, profileByName } from '../../model/profiles.js';
import { detectProfile } from '../../fuzz/detect-profile.js';
import { formatFinding, fuzz, FUZZ_NAME_STEM, type FuzzServer } from '../../fuzz/engine.js';
import { type FlagSpecs, parseAddress, parseArgs, usageError } from '../args.js';
import { type Command, EXIT, exitCodes } from '../command.js';
import { GRACE_MS, limitRun } from '../lifecycle.js';
import { unreachable, unreachableLine } from '../reachable.js';
import { CLEANUP_FLAGS, type FinishCleanup, startCleanup } from '../cleanup.js';

const flags: FlagSpecs = {
  server: { type: 'string', repeat: true, help: 'server to fuzz, host:port; give two or more for differential mode' },
  profile: { type: 'string', repeat: true, help: 'model profile: gearmand | perl | reference | auto (once for all servers, or once per server)' },
  budget: { type: 'string', help: 'time to spend generating scenarios, with its unit: 60s, 2m, 500ms', default: '60s' },
  seed: { type: 'number', help: 'fast-check seed (default: random, printed)' },
  out: { type: 'string', help: 'directory for shrunk counterexample fixtures' },
  'max-steps': { type: 'number', help: 'longest scenario, in steps', default: 24 },
  'shrink-budget': { type: 'string', help: 'extra time to shrink each failure, with its unit (30s, 1m, 0s: no shrinking)', default: '30s' },
  timeout: { type: 'number', help: 'deadline in ms for each answer', default: 3000 },
  ...CLEANUP_FLAGS,
};

/** A duration with its unit: ms, s or m. A bare number is an error (is `20` seconds or milliseconds?). */
function parseDuration(text: string, flag: string): number {
  const t = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) throw usageError(`${flag} ${t} has no unit; write ${t}s, ${t}m or ${t}ms (units: ms, s, m)`);
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(t);
  if (!m) throw usageError(`${flag} expects a duration with its unit, like 60s, 2m or 500ms (units: ms, s, m), got ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

export const command: Command = {
  name: 'fuzz',
  summary: 'model-based (one server) or differential (several) fuzzing; shrunk failures become fixtures',
  usage: `gearspec fuzz --server host:port [--server host:port ...] [--profile gearmand|perl|reference|auto] [--budget 60s] [--seed N] [--out DIR]

--budget and --shrink-budget take a unit: ms, s or m (60s, 2m, 500ms); a bare number is an error.
The process ends within --budget, plus --shrink-budget and ten --timeout per finding, plus ${GRACE_MS / 1000} s.

${exitCodes('no finding within the budget', 'a finding (a mismatch with the model, a divergence, a server that died)', 'usage error (a bare number as --budget, a zero budget); a --server nothing accepts\n     connections at (one line); the run outlived its bound')}`,
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const addresses = ((f.server as readonly string[] | undefined) ?? []).map((s) => parseAddress(s, '--server'));
    if (addresses.length === 0) throw usageError('give at least one --server host:port');
    const profiles = (f.profile as readonly string[] | undefined) ?? ['auto'];
    if (profiles.length !== 1 && profiles.length !== addresses.length) throw usageError('give --profile once, or once per --server');
    for (const p of profiles) if (p !== 'auto' && !profileByName(p)) throw usageError(`unknown --profile ${JSON.stringify(p)}; one of ${[...Object.keys(PROFILE_ALIASES), 'auto'].join(', ')}`);
    const budgetMs = parseDuration(String(f.budget), '--budget');
    if (budgetMs <= 0) throw usageError('--budget must be more than 0: with no time there is nothing to do');
    const shrinkBudgetMs = parseDuration(String(f['shrink-budget']), '--shrink-budget');
    const timeoutMs = Number(f.timeout);
    // Every server must be there first (also with --profile, which skips the version probe).
    for (const { host, port } of addresses) {
      const why = await unreachable(host, port, Math.max(1000, timeoutMs));
      if (why) {
        process.stderr.write(unreachableLine('fuzz', host, port, why));
        return EXIT.HARNESS;
      }
    }
    const seed = typeof f.seed === 'number' ? f.seed | 0 : Math.floor(Math.random() * 2 ** 31);

    const servers: FuzzServer[] = [];
    for (let i = 0; i < addresses.length; i++) {
      const { host, port } = addresses[i]!;
      const wanted = profiles.length === 1 ? profiles[0]! : profiles[i]!;
      let profile = profileByName(wanted);
      let note = '';
      if (!profile) {
        try {
          // Only an unreachable server is an error; one without the admin protocol gets the default profile.
          const d = await detectProfile(host, port, Number(f.timeout));
          profile = d.profile;
          note = ` (${d.note})`;
        } catch (e) {
          process.stderr.write(`gearspec fuzz: cannot reach ${host}:${port}: ${errorMessage(e)}\n`);
          return EXIT.HARNESS;
        }
      }
      servers.push({ name: `${host}:${port}`, host, port, profile });
      process.stdout.write(`server ${host}:${port}: profile ${profile.name}${note}\n`);
    }
    process.stdout.write(`seed ${seed} (repeat with --seed ${seed}); budget ${budgetMs} ms; ${servers.length > 1 ? 'differential' : 'model-based'} mode\n`);
    // The bound of the whole run: the budget, and for each finding time to shrink, re-run and
    // record it (the engine calls `log` once per finding, so the next one gets its time too).
    const perFinding = shrinkBudgetMs + 10 * timeoutMs;
    const limit = limitRun(budgetMs + perFinding, `--budget ${String(f.budget)}, --shrink-budget ${String(f['shrink-budget'])} per finding`);
    // Every scenario queues jobs under fresh names; they are removed from each server afterwards.
    const cleanUps: FinishCleanup[] = [];
    for (const s of servers) cleanUps.push(await startCleanup(f, s, s.name, timeoutMs, (fn) => fn.startsWith(FUZZ_NAME_STEM)));
    let result: Awaited<ReturnType<typeof fuzz>>;
    try {
      result = await fuzz({
        servers,
        budgetMs,
        seed,
        shrinkBudgetMs,
        maxSteps: Number(f['max-steps']),
        timeoutMs: Number(f.timeout),
        ...(typeof f.out === 'string' ? { outDir: f.out } : {}),
        cannotRestartReason: 'gearspec fuzz did not start it and has no --restart-cmd',
        log: () => limit.extend(perFinding),
      });
      for (const cleanUp of cleanUps) await cleanUp();
    } finally {
      limit.clear();
    }
    for (const s of result.perServer) process.stdout.write(`${s.name}: ${s.scenarios} scenarios, ${s.perSecond} scenarios/s\n`);
    result.findings.forEach((finding, i) => {
      process.stdout.write(`${formatFinding(finding, i + 1)}\n`);
    });
    process.stdout.write(`${result.scenarios} scenarios in ${result.elapsedMs} ms; ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}\n`);
    return result.findings.length > 0 ? EXIT.FAILED : EXIT.OK;
  },
};
