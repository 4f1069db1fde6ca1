/**
 * Writes a shrunk counterexample as a replayable fixture (src/fixtures format, source "shrink",
 * with the fast-check seed and path), by running the minimal scenario once more and recording
 * every packet each way. A sidecar `.scenario.json` keeps the scenario itself.
 */
import { writeFile } from 'node:fs/promises';
import { describeStep, type Step } from '../../src/model/actions.js';
import type { ModelProfile } from '../../src/model/profiles.js';
import { type Exchange, ScenarioRunner } from '../../src/model/run-scenario.js';
import { recordsFromPackets, type ExchangeItem } from '../../src/fixtures/builders.js';
import { FIXTURE_FORMAT } from '../../src/fixtures/format.js';
import { writeFixture } from '../../src/fixtures/write.js';

export interface ShrunkFixtureInput {
  readonly server: { readonly name: string; readonly host: string; readonly port: number; readonly profile: ModelProfile };
  readonly steps: readonly Step[];
  readonly seed: number;
  readonly path: string | undefined;
  readonly description: string;
  readonly message: string;
  readonly timeoutMs: number;
  /** Differential mode: the quirks already accepted for this server when the finding was made. */
  readonly acceptedQuirks?: readonly string[];
}

export async function writeShrunkFixture(file: string, input: ShrunkFixtureInput): Promise<void> {
  const items: ExchangeItem[] = [];
  const t0 = performance.now();
  const onExchange = (x: Exchange): void => {
    const t = Math.round((performance.now() - t0) * 10) / 10;
    items.push('close' in x ? { conn: x.conn, t, close: x.close } : { conn: x.conn, t, dir: x.dir, packet: x.packet });
  };
  const runner = new ScenarioRunner({ host: input.server.host, port: input.server.port });
  try {
    await runner.run(input.steps, { profile: input.server.profile, runId: `fx${Date.now().toString(36)}`, timeoutMs: input.timeoutMs, onExchange });
  } finally {
    await runner.close();
  }
  await writeFixture(file, {
    header: {
      format: FIXTURE_FORMAT,
      description: input.description,
      peers: { server: `${input.server.name} (${input.server.profile.name})` },
      recordedAt: new Date().toISOString(),
      source: 'shrink',
      seed: input.seed,
      ...(input.path !== undefined ? { path: input.path } : {}),
    },
    records: recordsFromPackets(items),
  });
  await writeFile(file.replace(/\.fixture\.jsonl$/, '') + '.scenario.json', JSON.stringify({ steps: input.steps, readable: input.steps.map(describeStep), mismatch: input.message, ...(input.acceptedQuirks ? { acceptedQuirks: input.acceptedQuirks } : {}) }, null, 2) + '\n', 'utf8');
}
