/**
 * Scenario runs as transcripts, and findings as replayable fixtures (src/fixtures format, source
 * "shrink", with the fast-check seed and path). A fixture carries what makes it replay to the same
 * difference: `runNames` (the run's prefix, so `gearspec replay` gives every run fresh function
 * names, uniques and client ids) and `finding` (the difference in words, and the records of the
 * step it is in, which replay then compares as the fuzzer did, NOOPs counted exactly). A sidecar
 * `.scenario.json` keeps the scenario itself and the finding's facts.
 */
import { writeFile } from 'node:fs/promises';
import { describeStep, type Step } from '../model/actions.js';
import type { ModelProfile } from '../model/profiles.js';
import type { Exchange, ScenarioResult, ScenarioRunner } from '../model/run-scenario.js';
import { recordsFromPackets, type ExchangeItem } from '../fixtures/builders.js';
import { FIXTURE_FORMAT, type FixtureFinding, type FixtureRecord } from '../fixtures/format.js';
import { writeFixture } from '../fixtures/write.js';
import { type FindingFacts, findingStatement, readableNames, serverLabel } from './finding-text.js';

/** One scenario run with everything it exchanged, and where each step's exchange starts. */
export interface RecordedRun {
  readonly steps: readonly Step[];
  /** The run's prefix (function names, uniques and client ids all contain it). */
  readonly prefix: string;
  readonly result: ScenarioResult;
  readonly items: readonly ExchangeItem[];
  /** Step index → number of items exchanged before it (steps the model skipped are absent). */
  readonly stepStarts: ReadonlyMap<number, number>;
}

/** Runs `steps` once on `runner`'s server, keeping the transcript (cheap: packets are kept by reference). */
export async function recordRun(
  runner: ScenarioRunner,
  steps: readonly Step[],
  options: { readonly profile: ModelProfile; readonly prefix: string; readonly timeoutMs: number },
): Promise<RecordedRun> {
  const items: ExchangeItem[] = [];
  const stepStarts = new Map<number, number>();
  const t0 = performance.now();
  const onExchange = (x: Exchange): void => {
    const t = Math.round((performance.now() - t0) * 10) / 10;
    items.push('close' in x ? { conn: x.conn, t, close: x.close } : { conn: x.conn, t, dir: x.dir, packet: x.packet });
  };
  const result = await runner.run(steps, { profile: options.profile, runId: options.prefix, timeoutMs: options.timeoutMs, onExchange, onStep: (i) => stepStarts.set(i, items.length) });
  return { steps, prefix: options.prefix, result, items, stepStarts };
}

/** The run's transcript as fixture records, and the 1-based records [first, last] of step `index` (to the end). */
function runRecords(run: RecordedRun, index: number): { records: FixtureRecord[]; window: [number, number] } {
  const records = recordsFromPackets(run.items);
  const before = run.stepStarts.get(index) ?? run.items.length;
  const first = Math.min(recordsFromPackets(run.items.slice(0, before)).length + 1, Math.max(records.length, 1));
  return { records, window: [first, Math.max(first, records.length)] };
}

interface FindingFixtureInput {
  readonly run: RecordedRun;
  /** 0-based index of the step the finding is at. */
  readonly stepIndex: number;
  /** The finding's facts, with texts already in readable ("p_") names. */
  readonly facts: FindingFacts;
  readonly seed: number;
  readonly path: string | undefined;
  /** The model's or harness's full message (in the run's own names). */
  readonly message: string;
  /** Differential mode: the quirks already accepted for this server when the finding was made. */
  readonly acceptedQuirks?: readonly string[];
  /** Extra fields for the `.scenario.json` (e.g. the unshrunk scenario of a server death). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Writes `<file>` (the fixture) and its `.scenario.json`; returns the header's finding. */
export async function writeFindingFixture(file: string, input: FindingFixtureInput): Promise<FixtureFinding> {
  const { run, facts } = input;
  const { records, window } = runRecords(run, input.stepIndex);
  const text = findingStatement(facts);
  const finding: FixtureFinding = {
    kind: facts.kind,
    server: `${serverLabel(facts.server)}, model ${facts.server.profile}`,
    step: facts.step,
    steps: facts.steps,
    records: window,
    sent: facts.sent.length ? facts.sent : ['(nothing)'],
    expected: facts.expected.length ? facts.expected : ['(nothing)'],
    expectedBy: facts.expectedBy,
    text,
  };
  await writeFixture(file, {
    header: {
      format: FIXTURE_FORMAT,
      description: `${facts.kind} on ${serverLabel(facts.server)} (model ${facts.server.profile}) at step ${facts.step} of ${facts.steps}: ${facts.stepText}`,
      peers: {
        server: `${serverLabel(facts.server)}, checked against the model ${facts.server.profile}`,
        ...(facts.other ? { baseline: `${serverLabel(facts.other)}, model ${facts.other.profile}` } : {}),
      },
      recordedAt: new Date().toISOString(),
      source: 'shrink',
      seed: input.seed,
      ...(input.path !== undefined ? { path: input.path } : {}),
      runNames: [run.prefix],
      finding,
    },
    records,
  });
  const sidecar = {
    steps: run.steps,
    readable: run.steps.map((s) => readableNames(describeStep(s), run.prefix)),
    mismatch: input.message,
    ...(input.acceptedQuirks ? { acceptedQuirks: input.acceptedQuirks } : {}),
    finding: { ...facts, text, fixtureRecords: window, runPrefix: run.prefix },
    ...(input.extra ?? {}),
  };
  await writeFile(`${file.replace(/\.fixture\.jsonl$/, '')}.scenario.json`, `${JSON.stringify(sidecar, null, 2)}\n`, 'utf8');
  return finding;
}
