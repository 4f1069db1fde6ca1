/**
 * gearspec fuzz: model-based fuzzing of one server, or differential fuzzing of several. Prints the
 * seed first (repeat any run with --seed), scenarios per second per server, and each finding with
 * its minimal scenario; with --out, each finding is also a replayable fixture (gearspec replay).
 * Exit 0 no finding, 1 findings, 2 harness or usage error.
 */
import { errorMessage } from '../../errors.js';
import { PROFILE_ALIASES, profileByName } from '../../model/profiles.js';
import { detectProfile } from '../../../suites/property/detect-profile.js';
import { formatFinding, fuzz, type FuzzServer } from '../../../suites/property/fuzz-engine.js';
import { type FlagSpecs, parseAddress, parseArgs, usageError } from '../args.js';
import { type Command, EXIT } from '../command.js';

const flags: FlagSpecs = {
  server: { type: 'string', repeat: true, help: 'server to fuzz, host:port; give two or more for differential mode' },
  profile: { type: 'string', repeat: true, help: 'model profile: gearmand | perl | reference | auto (once for all servers, or once per server)' },
  budget: { type: 'string', help: 'time budget, e.g. 60s, 2m, 500ms', default: '60s' },
  seed: { type: 'number', help: 'fast-check seed (default: random, printed)' },
  out: { type: 'string', help: 'directory for shrunk counterexample fixtures' },
  'max-steps': { type: 'number', help: 'longest scenario, in steps', default: 24 },
  'shrink-budget': { type: 'string', help: 'extra time to shrink a failure', default: '30s' },
  timeout: { type: 'number', help: 'deadline in ms for each answer', default: 3000 },
};

export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw usageError(`${flag} expects a duration like 60s, 2m or 500ms, got ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

export const command: Command = {
  name: 'fuzz',
  summary: 'model-based (one server) or differential (several) fuzzing; shrunk failures become fixtures',
  usage: 'gearspec fuzz --server host:port [--server host:port ...] [--profile gearmand|perl|reference|auto] [--budget 60s] [--seed N] [--out DIR]',
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
    const shrinkBudgetMs = parseDuration(String(f['shrink-budget']), '--shrink-budget');
    const seed = typeof f.seed === 'number' ? f.seed | 0 : Math.floor(Math.random() * 2 ** 31);

    const servers: FuzzServer[] = [];
    for (let i = 0; i < addresses.length; i++) {
      const { host, port } = addresses[i]!;
      const wanted = profiles.length === 1 ? profiles[0]! : profiles[i]!;
      let profile = profileByName(wanted);
      let note = '';
      if (!profile) {
        try {
          const d = await detectProfile(host, port, Number(f.timeout));
          profile = d.profile;
          note = ` (detected from version ${JSON.stringify(d.version)})`;
        } catch (e) {
          process.stderr.write(`gearspec fuzz: cannot reach ${host}:${port}: ${errorMessage(e)}\n`);
          return EXIT.HARNESS;
        }
      }
      servers.push({ name: `${host}:${port}`, host, port, profile });
      process.stdout.write(`server ${host}:${port}: profile ${profile.name}${note}\n`);
    }
    process.stdout.write(`seed ${seed} (repeat with --seed ${seed}); budget ${budgetMs} ms; ${servers.length > 1 ? 'differential' : 'model-based'} mode\n`);
    const result = await fuzz({
      servers,
      budgetMs,
      seed,
      shrinkBudgetMs,
      maxSteps: Number(f['max-steps']),
      timeoutMs: Number(f.timeout),
      ...(typeof f.out === 'string' ? { outDir: f.out } : {}),
    });
    for (const s of result.perServer) process.stdout.write(`${s.name}: ${s.scenarios} scenarios, ${s.perSecond} scenarios/s\n`);
    result.findings.forEach((finding, i) => process.stdout.write(`${formatFinding(finding, i + 1)}\n`));
    process.stdout.write(`${result.scenarios} scenarios in ${result.elapsedMs} ms; ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}\n`);
    return result.findings.length > 0 ? EXIT.FAILED : EXIT.OK;
  },
};
