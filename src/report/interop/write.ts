/**
 * Writes an interop matrix report: cells/<server>__<client>__<worker>.json per cell, index.json
 * (summary per server and cell), and a self-contained index.html.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderInteropHtml } from './html.js';
import type { RunMeta, Shard } from '../../shard.js';
import { type InteropGrade, type MatrixReport, cellFileName, countGrades } from './model.js';
import { type ReleaseComparison, compareReleases } from './releases.js';

export const INTEROP_FORMAT = 'gearspec-interop/1';

interface IndexJson {
  readonly format: typeof INTEROP_FORMAT;
  readonly exitCode: number;
  readonly shard?: Shard;
  readonly generatedAt: string;
  readonly provider: string;
  readonly wallMs: number;
  readonly totals: { readonly cells: Record<InteropGrade, number>; readonly scenarios: Record<InteropGrade, number> };
  readonly servers: readonly {
    readonly name: string;
    readonly version: string;
    readonly provider: string;
    readonly wallMs: number;
    readonly error?: string;
    readonly cells: readonly { readonly client: string; readonly worker: string; readonly grade: InteropGrade; readonly counts: Record<InteropGrade, number>; readonly file: string }[];
  }[];
  /** Builds of one code base side by side (present when the run had two or more of one). */
  readonly releases?: readonly ReleaseComparison[];
}

export function summarise(report: MatrixReport, meta: RunMeta): IndexJson {
  const cells = report.servers.flatMap((s) => s.cells);
  const releases = compareReleases(report);
  return {
    format: INTEROP_FORMAT,
    exitCode: meta.exitCode,
    ...(meta.shard && { shard: meta.shard }),
    generatedAt: report.generatedAt,
    provider: report.provider,
    wallMs: report.wallMs,
    totals: { cells: countGrades(cells.map((c) => c.grade)), scenarios: countGrades(cells.flatMap((c) => c.scenarios.map((s) => s.grade))) },
    servers: report.servers.map((s) => ({
      name: s.name,
      version: s.version,
      provider: s.provider,
      wallMs: s.wallMs,
      ...(s.error ? { error: s.error } : {}),
      cells: s.cells.map((c) => ({ client: c.client, worker: c.worker, grade: c.grade, counts: { ...c.counts }, file: `cells/${cellFileName(c)}` })),
    })),
    ...(releases.length > 0 && { releases }),
  };
}

export function writeInteropReport(dir: string, report: MatrixReport, meta: RunMeta): IndexJson {
  const cellsDir = path.join(dir, 'cells');
  rmSync(cellsDir, { recursive: true, force: true });
  mkdirSync(cellsDir, { recursive: true });
  for (const s of report.servers) {
    for (const c of s.cells) writeFileSync(path.join(cellsDir, cellFileName(c)), `${JSON.stringify(c, null, 2)}\n`);
  }
  const index = summarise(report, meta);
  writeFileSync(path.join(dir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  writeFileSync(path.join(dir, 'index.html'), renderInteropHtml(report));
  return index;
}
