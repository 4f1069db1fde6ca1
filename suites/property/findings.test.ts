/**
 * The recorded divergences (./findings) stay true: every fixture is a shrunk counterexample that
 * says its finding in words, and replaying it against a fresh instance of the server it names
 * shows the same difference again (`finding.reproduced`: every answer as recorded, NOOPs counted
 * exactly, as the fuzzer compared). Each is replayed twice on the same instance: the fixture's
 * per-run names are fresh on every replay, so what the first replay left on the server (queued
 * or abandoned jobs under the same names) cannot change the second. Where C gearmand answered
 * that step differently, replaying against gearmand must not reproduce the finding: the fixture
 * tells the two servers apart. A difference means that server changed the behaviour (for the
 * reference server: update the profile quirk), or the fixture is stale (re-record it with
 * record-findings.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixture } from '../../src/fixtures/read.js';
import { replayAgainstServer } from '../../src/fixtures/replay/replay.js';
import { renderResult } from '../../src/fixtures/replay/types.js';
import { isServerPeerName } from '../../src/peers/servers/index.js';
import { HANDLE_PATTERN } from '../../src/fixtures/replay/handle-map.js';
import { startServerPeer } from '../../src/peers/servers/index.js';
import type { StartedServer } from '../../src/peers/types.js';
import { skipReason } from './peer-servers.js';

const DIR = join(import.meta.dirname, 'findings');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.fixture.jsonl'));
/** Perl picks among a worker's functions in hash order, which changes with the (fresh) names: the finding shows on some replays only. */
const ORDER_DEPENDENT = new Set(['perl-gearmand.crossFunctionOrder.fixture.jsonl']);
const ORDER_TRIES = 12;

interface SidecarFinding {
  readonly sent: readonly string[];
  readonly other?: { readonly sent: readonly string[] };
}
const sidecarOf = (file: string): SidecarFinding | undefined =>
  (JSON.parse(readFileSync(join(DIR, file.replace(/\.fixture\.jsonl$/, '.scenario.json')), 'utf8')) as { finding?: SidecarFinding }).finding;
const norm = (lines: readonly string[]): string => JSON.stringify(lines.map((l) => l.replace(HANDLE_PATTERN, 'H:*')));

describe('recorded divergences', () => {
  let gearmand: StartedServer | undefined;
  const baselineSkip = skipReason('gearmand', 'findings');
  beforeAll(async () => {
    if (baselineSkip === undefined) gearmand = await startServerPeer('gearmand');
  }, 180_000);
  afterAll(async () => {
    await gearmand?.stop();
  });

  it('there are some', () => expect(FILES.length).toBeGreaterThan(0));

  for (const file of FILES) {
    const server = file.split('.')[0]!;
    if (!isServerPeerName(server)) throw new Error(`${file}: unknown server ${server}`);
    it.skipIf(skipReason(server, 'findings') !== undefined)(
      `${file} shows its finding again on a fresh ${server}`,
      async () => {
        const fixture = await readFixture(join(DIR, file));
        expect(fixture.header.source).toBe('shrink');
        expect(typeof fixture.header.seed).toBe('number');
        const finding = fixture.header.finding;
        expect(finding, `${file} has no finding in its header: re-record it (suites/property/record-findings.ts)`).toBeDefined();
        expect(fixture.header.runNames?.length).toBeGreaterThan(0);
        // In words: which server, which step, what it sent.
        expect(finding!.text.startsWith(`${server} answered step ${finding!.step} of ${finding!.steps} (`)).toBe(true);
        expect(finding!.records[1]).toBeLessThanOrEqual(fixture.records.length);

        const peer = await startServerPeer(server);
        try {
          if (ORDER_DEPENDENT.has(file)) {
            let shown = 0;
            for (let k = 0; k < ORDER_TRIES && shown === 0; k++) {
              const r = await replayAgainstServer(fixture, peer, { timeoutMs: 10_000, file });
              expect(r.differences.length - r.finding!.differencesInStep, renderResult(r)).toBe(0);
              if (r.finding!.reproduced) shown++;
            }
            expect(shown, `${file}: the finding never showed in ${ORDER_TRIES} replays`).toBeGreaterThan(0);
            return;
          }
          for (let k = 0; k < 2; k++) {
            const r = await replayAgainstServer(fixture, peer, { timeoutMs: 10_000, file });
            expect(r.differences, renderResult(r)).toEqual([]);
            expect(r.finding?.reproduced, renderResult(r)).toBe(true);
          }
        } finally {
          await peer.stop();
        }

        // The fixture tells the servers apart where gearmand answered that step differently.
        const facts = sidecarOf(file);
        if (!gearmand || !facts?.other || norm(facts.sent) === norm(facts.other.sent) || ORDER_DEPENDENT.has(file)) return;
        const r = await replayAgainstServer(fixture, gearmand, { timeoutMs: 3_000, file });
        expect(r.finding?.reproduced, renderResult(r)).toBe(false);
        expect(r.finding!.differencesInStep, renderResult(r)).toBeGreaterThan(0);
      },
      120_000,
    );
  }
});
