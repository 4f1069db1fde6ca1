/**
 * Model-based server suite (issue #6): random client/worker scenarios against real servers over
 * sockets, checked step by step against the executable model. Fixed time budget per server
 * (GEARSPEC_FUZZ_MS, default 15 s) and a printed seed (GEARSPEC_SEED to repeat a run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES, type ModelProfile } from '../../src/model/profiles.js';
import { formatFinding, fuzz, type FuzzResult } from '../../src/fuzz/engine.js';
import type { ServerPeerName } from '../../src/peers/types.js';
import { startServerPeer } from '../../src/peers/servers/index.js';
import type { StartedServer } from '../../src/peers/types.js';
import { skipReason } from './peer-servers.js';

const BUDGET_MS = Number(process.env.GEARSPEC_FUZZ_MS ?? 15_000);
const SEED = Number(process.env.GEARSPEC_SEED ?? Date.now() % 2 ** 31);
/** Per-answer deadline: generous, because a loaded CI machine must not turn slowness into findings. */
const ANSWER_TIMEOUT_MS = Number(process.env.GEARSPEC_ANSWER_TIMEOUT_MS ?? 10_000);

function summary(name: string, r: FuzzResult): string {
  const s = r.perServer[0]!;
  return `[model-server] ${name}: seed=${r.seed} scenarios=${r.scenarios} (${s.perSecond}/s) findings=${r.findings.length}`;
}

function suite(name: ServerPeerName, profile: ModelProfile): void {
  describe.skipIf(skipReason(name, 'model-server') !== undefined)(`model-based - ${name}`, () => {
    let server: StartedServer | undefined;
    beforeAll(async () => {
      server = await startServerPeer(name);
    });
    afterAll(async () => {
      await server?.stop();
    });
    it(
      `conforms to the ${profile.name} model for ${BUDGET_MS} ms of random scenarios`,
      async () => {
        const r = await fuzz({ servers: [{ name, host: server!.host, port: server!.port, profile }], budgetMs: BUDGET_MS, seed: SEED, shrinkBudgetMs: 10_000, timeoutMs: ANSWER_TIMEOUT_MS });
        process.stdout.write(`${summary(name, r)}\n`);
        r.findings.forEach((f, i) => {
          process.stdout.write(`${formatFinding(f, i + 1)}\n  repeat with GEARSPEC_SEED=${f.seed}\n`);
        });
        expect(r.scenarios).toBeGreaterThan(0);
        expect(r.findings.map((f) => `${f.kind}: ${f.message}`)).toEqual([]);
      },
      BUDGET_MS + 120_000,
    );
  });
}

suite('reference', PROFILES.reference);
suite('gearmand', PROFILES['gearmand-1.1.20']);
suite('perl-gearmand', PROFILES['perl-gearman-server-1.130']);
