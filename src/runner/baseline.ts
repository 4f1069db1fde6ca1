/**
 * Expected-failure baselines (after the MCP conformance suite's): a committed JSON file per server
 * listing cases known to fail, each with its reason and source. A baselined failure does not fail
 * the run; a baselined case that now passes is *stale* and does (exit 1); an entry naming a case
 * id the catalogue does not have is a usage error.
 */
import { inputError, readJsonFile } from '../json-file.js';
import type { CaseDef } from './case-def.js';
import { PROBE_CASE_IDS } from './features.js';
import { isFailing, isPassing } from './outcome.js';
import type { CaseResult } from './result.js';

export const BASELINE_FORMAT = 'gearspec-baseline/1';

export interface BaselineEntry {
  readonly case: string;
  readonly reason: string;
  /** Spec section (docs/spec.md) and evidence key, e.g. "spec §4.1 [OBS:long_handle_get_status]". */
  readonly source: string;
  /**
   * The failure depends on timing (a race inside the implementation), so a pass is not stale.
   * Only for races whose cause `reason` names; every other entry must keep failing.
   */
  readonly flaky?: true;
}

/**
 * A race inside the implementation that can make any case of some families fail, with no case
 * reliably failing (a data race that corrupts packets, a task that drops them): a failing case
 * whose id starts with one of `cases` is explained by it, a passing one is fine, and an entry
 * for such a case is not stale when it passes.
 */
interface BaselineRace {
  /** Case id prefixes, e.g. "worker/payload/". */
  readonly cases: readonly string[];
  readonly reason: string;
  readonly source: string;
}

export interface Baseline {
  readonly format: typeof BASELINE_FORMAT;
  readonly server: string;
  readonly entries: readonly BaselineEntry[];
  readonly races?: readonly BaselineRace[];
}

/** Validate parsed JSON as a baseline against the catalogue. */
export function parseBaseline(json: unknown, where: string, catalogue: readonly Pick<CaseDef, 'id'>[]): Baseline {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw inputError(where, 'a baseline must be a JSON object');
  const o = json as Record<string, unknown>;
  if (o.format !== BASELINE_FORMAT) throw inputError(where, `"format" must be "${BASELINE_FORMAT}"`);
  if (typeof o.server !== 'string') throw inputError(where, '"server" must be a string');
  if (!Array.isArray(o.entries)) throw inputError(where, '"entries" must be an array');
  const ids = new Set([...catalogue.map((c) => c.id), ...PROBE_CASE_IDS]);
  const seen = new Set<string>();
  const entries = o.entries.map((e: unknown, i: number): BaselineEntry => {
    const at = `${where} entries[${i}]`;
    if (typeof e !== 'object' || e === null) throw inputError(at, 'an entry must be an object');
    const r = e as Record<string, unknown>;
    if (typeof r.case !== 'string' || r.case.length === 0) throw inputError(at, '"case" must be a case id');
    if (!ids.has(r.case)) throw inputError(at, `unknown case id ${JSON.stringify(r.case)} (gearspec certify --list shows the ids)`);
    if (seen.has(r.case)) throw inputError(at, `case ${r.case} is listed twice`);
    seen.add(r.case);
    if (typeof r.reason !== 'string' || r.reason.trim().length === 0) throw inputError(at, '"reason" must say why the case fails');
    if (typeof r.source !== 'string' || r.source.trim().length === 0) throw inputError(at, '"source" must cite the spec (docs/spec.md) or an observation');
    if (r.flaky !== undefined && r.flaky !== true) throw inputError(at, '"flaky" must be true or absent');
    return { case: r.case, reason: r.reason, source: r.source, ...(r.flaky === true && { flaky: true as const }) };
  });
  const races = o.races === undefined ? undefined : parseRaces(o.races, `${where} races`, [...ids]);
  return { format: BASELINE_FORMAT, server: o.server, entries, ...(races && { races }) };
}

function parseRaces(json: unknown, where: string, ids: readonly string[]): BaselineRace[] {
  if (!Array.isArray(json)) throw inputError(where, '"races" must be an array');
  return json.map((e: unknown, i: number): BaselineRace => {
    const at = `${where}[${i}]`;
    if (typeof e !== 'object' || e === null) throw inputError(at, 'a race must be an object');
    const r = e as Record<string, unknown>;
    if (!Array.isArray(r.cases) || r.cases.length === 0 || !r.cases.every((c) => typeof c === 'string' && c.length > 0)) throw inputError(at, '"cases" must be a non-empty array of case id prefixes');
    for (const prefix of r.cases as string[]) if (!ids.some((id) => id.startsWith(prefix))) throw inputError(at, `no case id starts with ${JSON.stringify(prefix)}`);
    if (typeof r.reason !== 'string' || r.reason.trim().length === 0) throw inputError(at, '"reason" must name the race');
    if (typeof r.source !== 'string' || r.source.trim().length === 0) throw inputError(at, '"source" must cite the code responsible');
    return { cases: r.cases as string[], reason: r.reason, source: r.source };
  });
}

export function readBaseline(path: string, catalogue: readonly Pick<CaseDef, 'id'>[]): Baseline {
  return parseBaseline(readJsonFile(path, 'baseline'), path, catalogue);
}

/** The declared race whose case families include `id`, if any. */
export function raceOf(baseline: Baseline | undefined, id: string): BaselineRace | undefined {
  return baseline?.races?.find((x) => x.cases.some((prefix) => id.startsWith(prefix)));
}

/** Mark results the baseline explains, and stale entries; returns ids of entries not run. */
export function applyBaseline(results: readonly CaseResult[], baseline: Baseline): { results: CaseResult[]; unused: string[] } {
  const byId = new Map(baseline.entries.map((e) => [e.case, e]));
  const ran = new Set<string>();
  const out = results.map((r) => {
    const e = byId.get(r.id);
    if (!e) {
      const race = isFailing(r.outcome) ? raceOf(baseline, r.id) : undefined;
      return race ? { ...r, baseline: { reason: `${race.reason} (a race; this run: ${r.detail})`, source: race.source, stale: false } } : r;
    }
    ran.add(r.id);
    if (isFailing(r.outcome)) return { ...r, baseline: { reason: e.reason, source: e.source, stale: false } };
    // Inside a declared race's families a pass proves nothing either.
    if (isPassing(r.outcome)) return { ...r, baseline: { reason: e.reason, source: e.source, stale: e.flaky !== true && raceOf(baseline, r.id) === undefined } };
    // non-strict, unsupported, skipped, harness-error: the entry is neither confirmed nor stale.
    return { ...r, baseline: { reason: e.reason, source: e.source, stale: false } };
  });
  return { results: out, unused: baseline.entries.filter((e) => !ran.has(e.case)).map((e) => e.case) };
}
