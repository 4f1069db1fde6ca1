/**
 * Differential mode (issue #6 item 5) on real servers, with C gearmand as the baseline:
 *  - every recorded finding (./findings/*.scenario.json) is re-run on gearmand and on the server it
 *    was found on. A finding whose behaviour is now a declared alternative must pass silently. One
 *    still named by a model quirk must be reported again as a divergence, named by that quirk.
 *  - a short random differential run over gearmand, Perl gearmand and the reference server may
 *    report only divergences that a named quirk explains: never a mismatch against a server's own
 *    model, a harness error, or an unexplained divergence (GEARSPEC_DIFF_MS, default 10 s; the
 *    seed is printed).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from '../../src/model/actions.js';
import { PROFILES, type ModelQuirks, profileByName } from '../../src/model/profiles.js';
import { isServerPeerName } from '../../src/peers/servers/index.js';
import type { ServerPeerName } from '../../src/peers/types.js';
import { checkScenarioOnce, formatFinding, fuzz, type FuzzServer } from '../../src/fuzz/engine.js';
import { startServerPeer } from '../../src/peers/servers/index.js';
import type { StartedServer } from '../../src/peers/types.js';
import { skipReason } from './peer-servers.js';

const BUDGET_MS = Number(process.env.GEARSPEC_DIFF_MS ?? 10_000);
const SEED = Number(process.env.GEARSPEC_SEED ?? Date.now() % 2 ** 31);
const ANSWER_TIMEOUT_MS = Number(process.env.GEARSPEC_ANSWER_TIMEOUT_MS ?? 10_000);
const DIR = join(import.meta.dirname, 'findings');
const SERVERS: readonly ServerPeerName[] = ['gearmand', 'perl-gearmand', 'reference'];

interface RecordedFinding {
  readonly file: string;
  readonly server: ServerPeerName;
  /** The model quirk the finding was named by when it was recorded. */
  readonly name: string;
  readonly steps: readonly Step[];
  /** Quirks the recording run had already accepted for that server (still quirks today). */
  readonly accepted: readonly (keyof ModelQuirks)[];
}

const stillAQuirk = (name: string): name is keyof ModelQuirks => name in PROFILES.reference.quirks;

const RECORDED: readonly RecordedFinding[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.scenario.json'))
  .map((file) => {
    const [server, name] = file.split('.');
    if (!server || !isServerPeerName(server) || !name) throw new Error(`${file}: expected <server>.<quirk>.scenario.json`);
    const parsed = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { steps?: unknown; acceptedQuirks?: unknown };
    if (!Array.isArray(parsed.steps) || parsed.steps.length === 0) throw new Error(`${file}: no steps`);
    const accepted = Array.isArray(parsed.acceptedQuirks) ? parsed.acceptedQuirks.filter((q): q is keyof ModelQuirks => typeof q === 'string' && stillAQuirk(q)) : [];
    return { file, server, name, steps: parsed.steps as Step[], accepted };
  });

/** The recorded names carry the recording run's prefix (`r…_`); give them a fresh one so reruns never collide. */
function withPrefix(steps: readonly Step[], prefix: string): Step[] {
  const first = steps.map((s) => ('fn' in s.action ? s.action.fn : undefined)).find((f) => f !== undefined);
  const old = first?.slice(0, first.indexOf('_') + 1);
  if (!old) return [...steps];
  return JSON.parse(JSON.stringify(steps).split(old).join(prefix)) as Step[];
}

const skip = SERVERS.map((s) => skipReason(s, 'differential')).find((r) => r !== undefined);

describe.skipIf(skip !== undefined)('differential mode - baseline gearmand', () => {
  const started = new Map<ServerPeerName, StartedServer>();
  const fuzzServer = (name: ServerPeerName): FuzzServer => {
    const s = started.get(name)!;
    // Every server peer name is also a profile alias (profiles.ts PROFILE_ALIASES).
    return { name, host: s.host, port: s.port, profile: profileByName(name)! };
  };
  beforeAll(async () => {
    for (const name of SERVERS) started.set(name, await startServerPeer(name));
  }, 180_000);
  afterAll(async () => {
    await Promise.all([...started.values()].map((s) => s.stop()));
  });

  it('has recorded findings of both kinds to check', () => {
    expect(RECORDED.some((r) => stillAQuirk(r.name))).toBe(true);
    expect(RECORDED.some((r) => !stillAQuirk(r.name))).toBe(true);
  });

  let run = 0;
  for (const f of RECORDED) {
    const declared = !stillAQuirk(f.name);
    it(`${f.file}: ${declared ? 'now a declared alternative, accepted silently' : `reported again as undeclared (${f.name})`}`, async () => {
      const runId = `d${process.pid.toString(36)}${(++run).toString(36)}_`;
      const verdict = await checkScenarioOnce([fuzzServer('gearmand'), fuzzServer(f.server)], withPrefix(f.steps, runId), runId, { timeoutMs: ANSWER_TIMEOUT_MS, accepted: [[], f.accepted] });
      if (declared) expect(verdict, verdict?.statement).toBeUndefined();
      else
        expect(verdict && { kind: verdict.kind, server: verdict.server, explainedBy: verdict.explainedBy }, verdict?.statement).toEqual({
          kind: 'divergence',
          server: f.server,
          explainedBy: [f.name],
        });
      // Said in words: that server, at the scenario's last step, against gearmand's model.
      if (verdict)
        expect(verdict.statement).toMatch(
          new RegExp(
            `^${f.server} \\(127\\.0\\.0\\.1:\\d+\\) answered step ${f.steps.length} of ${f.steps.length} \\(.*\\. The baseline gearmand \\(127\\.0\\.0\\.1:\\d+\\) answered the same step with .*the model of gearmand \\(gearmand-1\\.1\\.20\\) with ${f.server}'s declared alternatives.*explained by the model quirk ${f.name}\\.$`,
            'i',
          ),
        );
    }, 60_000);
  }

  it(
    `random scenarios for ${BUDGET_MS} ms: every difference is a declared alternative or a named quirk`,
    async () => {
      const r = await fuzz({ servers: SERVERS.map(fuzzServer), budgetMs: BUDGET_MS, seed: SEED, shrinkBudgetMs: 5_000, timeoutMs: ANSWER_TIMEOUT_MS });
      process.stdout.write(`[differential] seed=${r.seed} scenarios=${r.scenarios} ${r.perServer.map((s) => `${s.name}=${s.perSecond}/s`).join(' ')} findings=${r.findings.length}\n`);
      r.findings.forEach((f, i) => {
        process.stdout.write(`${formatFinding(f, i + 1)}\n`);
      });
      expect(r.scenarios).toBeGreaterThan(0);
      const unexplained = r.findings.filter((f) => f.kind !== 'divergence' || f.explainedBy.length === 0).map((f) => `${f.kind}: ${f.statement} (repeat with GEARSPEC_SEED=${f.seed})`);
      expect(unexplained).toEqual([]);
    },
    BUDGET_MS + 180_000,
  );
});
