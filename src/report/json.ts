/**
 * JSON reports (Autobahn's index.json model): `index.json` maps server → case
 * id → {outcome, alternative, durationMs, detail, baseline}, with the run's exit code and shard;
 * `<server>.json` holds every result in full, with expected/actual, violations and the wire log
 * (the ServerRun itself: what `gearspec merge` reads back).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTCOME_LEGEND } from '../runner/outcome.js';
import type { ServerRun } from '../runner/result.js';
import type { RunMeta, Shard } from '../shard.js';
import { slug, totals } from './model.js';

export const CERTIFY_FORMAT = 'gearspec-certify/1';

interface JsonIndex {
  readonly format: typeof CERTIFY_FORMAT;
  readonly exitCode: number;
  readonly shard?: Shard;
  readonly createdAt: string;
  readonly legend: typeof OUTCOME_LEGEND;
  readonly servers: Record<
    string,
    {
      readonly address: string;
      readonly startedAt: string;
      readonly durationMs: number;
      readonly totals: ReturnType<typeof totals>;
      readonly detailFile: string;
      readonly cases: Record<string, { outcome: string; alternative?: { id: string; choice: string }; durationMs: number; detail: string; baseline?: { reason: string; stale: boolean } }>;
    }
  >;
}

export function buildIndex(runs: readonly ServerRun[], meta: RunMeta): JsonIndex {
  const servers: JsonIndex['servers'] = {};
  for (const run of runs) {
    const cases: JsonIndex['servers'][string]['cases'] = {};
    for (const r of run.results) {
      cases[r.id] = {
        outcome: r.outcome,
        ...(r.alternative ? { alternative: { ...r.alternative } } : {}),
        durationMs: r.durationMs,
        detail: r.detail,
        ...(r.baseline ? { baseline: { reason: r.baseline.reason, stale: r.baseline.stale } } : {}),
      };
    }
    servers[run.server] = { address: run.address, startedAt: run.startedAt, durationMs: run.durationMs, totals: totals(run.results), detailFile: `${slug(run.server)}.json`, cases };
  }
  return { format: CERTIFY_FORMAT, exitCode: meta.exitCode, ...(meta.shard && { shard: meta.shard }), createdAt: new Date().toISOString(), legend: OUTCOME_LEGEND, servers };
}

/** Write index.json and one detail file per server into `dir`; returns the paths written. */
export function writeJsonReports(dir: string, runs: readonly ServerRun[], meta: RunMeta): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const index = join(dir, 'index.json');
  writeFileSync(index, `${JSON.stringify(buildIndex(runs, meta), null, 2)}\n`);
  written.push(index);
  for (const run of runs) {
    const p = join(dir, `${slug(run.server)}.json`);
    writeFileSync(p, `${JSON.stringify(run, null, 1)}\n`);
    written.push(p);
  }
  return written;
}
