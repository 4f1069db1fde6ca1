/**
 * Expected-failure baselines (landscape.md A6, MCP conformance): a committed JSON file per server
 * listing cases known to fail, each with its reason and source. A baselined failure does not fail
 * the run; a baselined case that now passes is *stale* and does (exit 1); an entry naming a case
 * id the catalogue does not have is a usage error.
 */
import { readFileSync } from 'node:fs';
import { ERROR_CODES, InputError } from '../errors.js';
import type { CaseDef } from './case-def.js';
import { isFailing, isPassing } from './outcome.js';
import type { CaseResult } from './result.js';

export const BASELINE_FORMAT = 'gearspec-baseline/1';

export interface BaselineEntry {
  readonly case: string;
  readonly reason: string;
  /** protocol.md section and observation key, e.g. "protocol.md §4.1 [OBS:long_handle_get_status]". */
  readonly source: string;
  /**
   * The failure depends on timing (a race inside the implementation), so a pass is not stale.
   * Only for races whose cause `reason` names; every other entry must keep failing.
   */
  readonly flaky?: true;
}

export interface Baseline {
  readonly format: typeof BASELINE_FORMAT;
  readonly server: string;
  readonly entries: readonly BaselineEntry[];
}

const bad = (where: string, message: string) => new InputError(ERROR_CODES.USAGE, where, message);

/** Validate parsed JSON as a baseline against the catalogue. */
export function parseBaseline(json: unknown, where: string, catalogue: readonly Pick<CaseDef, 'id'>[]): Baseline {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad(where, 'a baseline must be a JSON object');
  const o = json as Record<string, unknown>;
  if (o.format !== BASELINE_FORMAT) throw bad(where, `"format" must be "${BASELINE_FORMAT}"`);
  if (typeof o.server !== 'string') throw bad(where, '"server" must be a string');
  if (!Array.isArray(o.entries)) throw bad(where, '"entries" must be an array');
  const ids = new Set(catalogue.map((c) => c.id));
  const seen = new Set<string>();
  const entries = o.entries.map((e: unknown, i: number): BaselineEntry => {
    const at = `${where} entries[${i}]`;
    if (typeof e !== 'object' || e === null) throw bad(at, 'an entry must be an object');
    const r = e as Record<string, unknown>;
    if (typeof r.case !== 'string' || r.case.length === 0) throw bad(at, '"case" must be a case id');
    if (!ids.has(r.case)) throw bad(at, `unknown case id ${JSON.stringify(r.case)} (gearspec certify --list shows the ids)`);
    if (seen.has(r.case)) throw bad(at, `case ${r.case} is listed twice`);
    seen.add(r.case);
    if (typeof r.reason !== 'string' || r.reason.trim().length === 0) throw bad(at, '"reason" must say why the case fails');
    if (typeof r.source !== 'string' || r.source.trim().length === 0) throw bad(at, '"source" must cite protocol.md or an observation');
    if (r.flaky !== undefined && r.flaky !== true) throw bad(at, '"flaky" must be true or absent');
    return { case: r.case, reason: r.reason, source: r.source, ...(r.flaky === true && { flaky: true as const }) };
  });
  return { format: BASELINE_FORMAT, server: o.server, entries };
}

export function readBaseline(path: string, catalogue: readonly Pick<CaseDef, 'id'>[]): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw bad(path, `cannot read baseline: ${e instanceof Error ? e.message : String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw bad(path, `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseBaseline(json, path, catalogue);
}

/** Mark results the baseline explains, and stale entries; returns ids of entries not run. */
export function applyBaseline(results: readonly CaseResult[], baseline: Baseline): { results: CaseResult[]; unused: string[] } {
  const byId = new Map(baseline.entries.map((e) => [e.case, e]));
  const ran = new Set<string>();
  const out = results.map((r) => {
    const e = byId.get(r.id);
    if (!e) return r;
    ran.add(r.id);
    if (isFailing(r.outcome)) return { ...r, baseline: { reason: e.reason, source: e.source, stale: false } };
    if (isPassing(r.outcome)) return { ...r, baseline: { reason: e.reason, source: e.source, stale: e.flaky !== true } };
    // non-strict, unsupported, skipped, harness-error: the entry is neither confirmed nor stale.
    return { ...r, baseline: { reason: e.reason, source: e.source, stale: false } };
  });
  return { results: out, unused: baseline.entries.filter((e) => !ran.has(e.case)).map((e) => e.case) };
}
