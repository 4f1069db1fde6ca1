/**
 * The benchmark's load generator is itself checked: against each available server it completes
 * echo jobs with byte-identical data and no protocol surprises, so the benchmark's figures count
 * real, correct round trips.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { LoadGenerator } from '../../../bench/lib/load-generator.js';
import { summarise } from '../../../bench/lib/stats.js';
import { Pool, SERVER_KINDS, unavailable } from './harness.js';

describe('bench load generator', () => {
  const pool = new Pool();
  afterAll(() => pool.closeAll());

  for (const kind of SERVER_KINDS) {
    test.skipIf(unavailable(kind) !== undefined)(`echo jobs round-trip correctly through ${kind}`, async () => {
      const srv = await pool.server(kind);
      const gen = new LoadGenerator({ host: srv.host, port: srv.port, clients: 2, inFlight: 4, workers: 2, payloadBytes: 24, functionName: 'bench_echo_test', connectTimeoutMs: 2000 });
      try {
        await gen.start();
        const w = await gen.measure(400);
        expect(w.errors).toEqual([]);
        expect(w.mismatches).toBe(0);
        expect(w.completed).toBeGreaterThan(10);
        expect(w.latenciesMs.length).toBe(w.completed);
        const s = summarise(w.latenciesMs);
        expect(s.p50).toBeGreaterThan(0);
        expect(s.p99).toBeGreaterThanOrEqual(s.p50);
      } finally {
        gen.stop();
      }
    });
  }

  test('percentiles use nearest rank', () => {
    const s = summarise(Float64Array.from([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]));
    expect(s).toEqual({ p50: 5, p99: 10, max: 10 });
    expect(Number.isNaN(summarise(new Float64Array(0)).p50)).toBe(true);
  });
});
