/** The reference server passes every MUST and SHOULD case of the catalogue (the control run). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index.js';
import { runSuite } from '../../src/runner/run-suite.js';
import type { ServerRun } from '../../src/runner/result.js';
import { CATALOGUE } from './catalogue.js';
import { seenAndDeclaredChoices } from './declared-choices.js';

describe('conformance - reference server', () => {
  let server: ReferenceServer;
  let run: ServerRun;
  beforeAll(async () => {
    server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    run = await runSuite({ target: { name: 'reference', host: server.host, port: server.port }, cases: CATALOGUE, timeoutMs: 2500, concurrency: 2 });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it('runs every case of the catalogue', () => {
    expect(run.results.map((r) => r.id)).toEqual(CATALOGUE.map((c) => c.id));
  });

  it('passes every MUST and SHOULD case (no fail, non-strict or harness-error)', () => {
    const bad = run.results.filter((r) => r.outcome === 'fail' || r.outcome === 'non-strict' || r.outcome === 'harness-error').map((r) => `${r.id}: ${r.detail}`);
    expect(bad).toEqual([]);
  });

  it('implements every optional gearmand packet type', () => {
    const missing = Object.entries(run.features)
      .filter(([name, s]) => !name.startsWith('admin:') && s !== 'supported')
      .map(([n]) => n);
    expect(missing).toEqual([]);
  });

  it('records the choice alternatives.ts declares for the reference server, in every case that meets one', () => {
    const choices = seenAndDeclaredChoices(run.results, 'reference');
    expect(choices.seen.length).toBeGreaterThan(10);
    expect(choices.seen).toEqual(choices.declared);
  });
});
