/**
 * The recorded divergences (./findings) stay true: each fixture parses, is a shrunk counterexample,
 * and replays the same against a fresh instance of the server it was recorded from. A difference
 * means that server changed the behaviour (for the reference server: update the profile quirk).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../src/fixtures/read.js';
import { replayAgainstServer } from '../../src/fixtures/replay/replay.js';
import { renderResult } from '../../src/fixtures/replay/types.js';
import { isServerPeerName } from '../../src/peers/servers/index.js';
import { skipReason, startPeer } from './peer-servers.js';

const DIR = join(import.meta.dirname, 'findings');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.fixture.jsonl'));
/** Perl picks among a worker's functions in per-process hash order, so that replay may differ by chance. */
const ORDER_DEPENDENT = new Set(['perl-gearmand.crossFunctionOrder.fixture.jsonl']);

describe('recorded divergences', () => {
  it('there are some', () => expect(FILES.length).toBeGreaterThan(0));
  for (const file of FILES) {
    const server = file.split('.')[0]!;
    if (!isServerPeerName(server)) throw new Error(`${file}: unknown server ${server}`);
    it.skipIf(skipReason(server, 'findings') !== undefined)(`${file} replays the same on a fresh ${server}`, async () => {
      const fixture = await readFixture(join(DIR, file));
      expect(fixture.header.source).toBe('shrink');
      expect(typeof fixture.header.seed).toBe('number');
      if (ORDER_DEPENDENT.has(file)) return;
      const peer = await startPeer(server);
      try {
        const r = await replayAgainstServer(fixture, peer, { timeoutMs: 10_000, file });
        expect(r.differences, renderResult(r)).toEqual([]);
      } finally {
        await peer.stop();
      }
    }, 60_000);
  }
});
