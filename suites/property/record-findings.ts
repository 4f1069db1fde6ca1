/**
 * Re-records the committed findings (suites/property/findings): each `<server>.<name>.scenario.json`
 * is run again on C gearmand (the baseline) and on the server it names, and its fixture is written
 * anew with what makes it replay to the same difference: fresh per-run names (`runNames`) and the
 * finding (which step, what that server sent, what gearmand and the baseline's model expected, in
 * words and as the step's record range). Seed and path are kept; the scenario is the same.
 *
 *   npm run build && GEARSPEC_PEERS=native node dist/suites/property/record-findings.js [FILE-PREFIX...]
 *
 * findings.test.ts then checks that every committed fixture reproduces its finding.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeStep, type Step } from '../../src/model/actions.js';
import { describeSlots } from '../../src/model/checker.js';
import { PROFILES, type ModelQuirks, profileByName, withChoicesOf, withQuirkOf } from '../../src/model/profiles.js';
import { ScenarioRunner } from '../../src/model/run-scenario.js';
import { HANDLE_PATTERN } from '../../src/fixtures/replay/handle-map.js';
import { T } from '../../src/protocol/constants.js';
import { isServerPeerName } from '../../src/peers/servers/index.js';
import { repoRoot } from '../../src/peers/repo-paths.js';
import type { ServerPeerName } from '../../src/peers/types.js';
import type { FindingFacts } from '../../src/fuzz/finding-text.js';
import { readableNames } from '../../src/fuzz/finding-text.js';
import { offlineCheck } from '../../src/fuzz/offline-check.js';
import { startServerPeer } from '../../src/peers/servers/index.js';
import type { StartedServer } from '../../src/peers/types.js';
import { recordRun, writeFindingFixture } from '../../src/fuzz/shrunk-fixture.js';

/** Findings recorded under a quirk that is now a declared alternative (findings/README.md, run 1). */
const NOW_DECLARED: Readonly<Record<string, string>> = {
  notOwnerCode: 'error-code-spelling',
  unknownOptionCode: 'error-code-spelling',
  canDoWakes: 'wake-on-can-do',
  dashUnique: 'dash-unique',
  crossFunctionOrder: 'cross-function-order',
  peekDropsAbandoned: 'abandoned-job-at-pre-sleep',
};

interface Sidecar {
  readonly steps: Step[];
  readonly acceptedQuirks?: string[];
}

const stillAQuirk = (name: string): name is keyof ModelQuirks => name in PROFILES.reference.quirks;

/** The recorded names carry their run's prefix (`r…_`); give them `prefix` instead. */
function withPrefix(steps: readonly Step[], prefix: string): Step[] {
  const first = steps.map((s) => ('fn' in s.action ? s.action.fn : undefined)).find((f) => f !== undefined);
  const old = first?.slice(0, first.indexOf('_') + 1);
  if (!old) return [...steps];
  return JSON.parse(JSON.stringify(steps).split(old).join(prefix)) as Step[];
}

const freshPrefix = (): string =>
  `r${Math.floor(Math.random() * 36 ** 8)
    .toString(36)
    .padStart(8, '0')}_`;
const normalised = (lines: readonly string[]): string => JSON.stringify(lines.map((l) => l.replace(HANDLE_PATTERN, 'H:*')));

export async function recordFinding(dir: string, file: string, servers: ReadonlyMap<ServerPeerName, StartedServer>, log: (line: string) => void): Promise<void> {
  const [serverName, name] = file.split('.');
  if (!serverName || !isServerPeerName(serverName) || !name) throw new Error(`${file}: expected <server>.<name>.scenario.json`);
  const sidecar = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Sidecar;
  const accepted = (sidecar.acceptedQuirks ?? []).filter(stillAQuirk);
  const fixtureFile = join(dir, file.replace(/\.scenario\.json$/, '.fixture.jsonl'));
  const header = JSON.parse(readFileSync(fixtureFile, 'utf8').split('\n')[0]!) as { seed: number; path?: string };
  const baseline = servers.get('gearmand')!;
  const target = servers.get(serverName)!;
  const baseProfile = PROFILES['gearmand-1.1.20'];
  const profile = profileByName(serverName)!;
  let hybrid = withChoicesOf(baseProfile, profile);
  for (const q of accepted) hybrid = withQuirkOf(hybrid, profile, q);
  const declared = NOW_DECLARED[name];
  if (!declared && !stillAQuirk(name)) throw new Error(`${file}: ${name} is neither a model quirk nor listed as declared since`);

  // The difference must show; order-dependent ones (Perl's hash order) may need a few runs.
  for (let attempt = 1; attempt <= 12; attempt++) {
    const prefix = freshPrefix();
    const steps = withPrefix(sidecar.steps, prefix);
    const last = steps.length - 1;
    const options = { prefix, timeoutMs: 10_000 };
    const baseRunner = new ScenarioRunner(baseline);
    const targetRunner = new ScenarioRunner(target);
    try {
      const base = await recordRun(baseRunner, steps, { ...options, profile: baseProfile });
      const run = await recordRun(targetRunner, steps, { ...options, profile });
      if (base.result.error || run.result.error) throw new Error(`${file}: ${base.result.error ?? run.result.error}`);
      if (base.result.mismatch) throw new Error(`${file}: gearmand no longer follows its own model: ${base.result.mismatch.message}`);
      if (run.result.mismatch) throw new Error(`${file}: ${serverName} no longer follows its own model: ${run.result.mismatch.message}`);
      // What each server sent at the last step, its handles named by the job they belong to (a
      // join shows as "job#0", a new job's handle unnamed), so handles compare across servers.
      const atLast = (r: typeof run): readonly string[] => {
        const names: Record<string, string> = {};
        for (const o of r.result.observed) {
          if (o.step === steps[last]) return describeSlots(o.seen, names).map((l) => readableNames(l, prefix));
          for (const p of Object.values(o.seen).flat()) if (p.type === T.JOB_CREATED && !(p.args[0]! in names)) names[p.args[0]!] = `job#${Object.keys(names).length}`;
        }
        return [];
      };
      const sent = atLast(run);
      const other = atLast(base);
      const d = offlineCheck(hybrid, run.result.observed);
      if (!declared && (!d || steps.indexOf(d.step) !== last)) throw new Error(`${file}: no divergence at the last step any more (${d ? d.message : 'the baseline model accepts every step'})`);
      // A declared one is a difference between the servers: it must show between them.
      if (declared && normalised(sent) === normalised(other)) continue;
      const stepText = readableNames(describeStep(steps[last]!), prefix);
      // Committed findings name the peer, not the ephemeral port it had while recording.
      const ref = (s: StartedServer, p: string): { name: string; address: string; profile: string } => ({ name: s.name, address: s.name, profile: p });
      const facts: FindingFacts = {
        kind: 'divergence',
        server: ref(target, profile.name),
        step: last + 1,
        steps: steps.length,
        stepText,
        sent,
        expected: d ? d.expected.map((e) => readableNames(e, prefix)) : other.length ? other : ['(nothing)'],
        expectedBy: d
          ? `the model of gearmand (${baseProfile.name}) with ${serverName}'s declared alternatives${accepted.length ? ` and the quirks already accepted for it (${accepted.join(', ')})` : ''}`
          : 'the baseline gearmand',
        other: { ...ref(baseline, baseProfile.name), sent: other },
        explainedBy: declared ? [] : [name],
        ...(declared ? { declared } : {}),
      };
      await writeFindingFixture(fixtureFile, {
        run,
        stepIndex: last,
        facts,
        seed: header.seed,
        path: header.path,
        message: d?.message ?? `${stepText}\n  ${serverName}: ${sent.join('; ') || '(nothing)'}\n  gearmand: ${other.join('; ') || '(nothing)'}`,
        ...(sidecar.acceptedQuirks ? { acceptedQuirks: sidecar.acceptedQuirks } : {}),
      });
      log(`${file}: re-recorded (${attempt} run${attempt > 1 ? 's' : ''})`);
      return;
    } finally {
      await baseRunner.close();
      await targetRunner.close();
    }
  }
  throw new Error(`${file}: ${serverName} answered like gearmand in 12 runs: the finding no longer shows`);
}

async function main(): Promise<void> {
  const dir = join(repoRoot(), 'suites', 'property', 'findings');
  const wanted = process.argv.slice(2);
  const files = readdirSync(dir).filter((f) => f.endsWith('.scenario.json') && (wanted.length === 0 || wanted.some((w) => f.startsWith(w))));
  const names = new Set<ServerPeerName>(['gearmand']);
  for (const f of files) names.add(f.split('.')[0] as ServerPeerName);
  const servers = new Map<ServerPeerName, StartedServer>();
  try {
    for (const n of names) servers.set(n, await startServerPeer(n));
    for (const f of files) await recordFinding(dir, f, servers, (l) => process.stdout.write(`${l}\n`));
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`record-findings: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
