/**
 * Where a certify run's report files go and writing them: JUnit XML, the JSON index with one detail
 * file per server, and the HTML page. `gearspec certify` writes them for its own run and
 * `gearspec merge` for shards put back together, so both write the same files the same way.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ServerRun } from '../runner/result.js';
import type { RunMeta } from '../shard.js';
import { renderHtml } from './html.js';
import { writeJsonReports } from './json.js';
import { renderJUnit } from './junit.js';
import { slug } from './model.js';

/** Each report's path, or undefined when it is not written. */
export interface CertifyFiles {
  readonly junit: string | undefined;
  readonly json: string | undefined;
  readonly html: string | undefined;
}

/** The three reports inside one directory (`--out DIR`). */
export const filesIn = (dir: string): CertifyFiles => ({ junit: join(dir, 'junit.xml'), json: join(dir, 'json'), html: join(dir, 'report.html') });

export function writeTextFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Writes the reports `files` names; returns a line per report written ("HTML report: …"). */
export function writeCertifyReports(runs: readonly ServerRun[], files: CertifyFiles, meta: RunMeta): string[] {
  const { junit, json, html } = files;
  if (junit) writeTextFile(junit, renderJUnit(runs));
  if (json) writeJsonReports(json, runs, meta);
  // Passing cases link their wire log in the JSON detail file instead of carrying it (page size).
  const detailHref = (run: ServerRun) =>
    json
      ? relative(dirname(resolve(html ?? '.')), join(resolve(json), `${slug(run.server)}.json`))
          .split(sep)
          .join('/')
      : undefined;
  if (html) writeTextFile(html, renderHtml(runs, 'gearspec certify', { detailHref, exitCode: meta.exitCode }));
  return (
    [
      ['JUnit', junit],
      ['JSON', json],
      ['HTML', html],
    ] as const
  ).flatMap(([what, path]) => (path ? [`${what} report: ${path}`] : []));
}
