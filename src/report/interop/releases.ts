/**
 * What changed between releases: when a matrix ran several builds of one code base (gearmand
 * 1.1.19.1, 1.1.20 and 1.1.21), the scenarios whose outcome differs between them, per cell, with
 * each build's outcome side by side. Clients and workers are matched by code base too, so a cell
 * of each release's own libraries (php@7.4 on gearmand@1.1.19.1, php on gearmand) is one row.
 * Servers of different code bases are not compared here: they differ by design, and the grids say how.
 */
import { codeBaseOf } from '../../peers/registry/index.js';
import type { MatrixReport } from './model.js';

export interface ReleaseDifference {
  readonly client: string;
  readonly worker: string;
  readonly scenario: string;
  /** Build name → outcome label (`not run` where the build had no such cell). */
  readonly outcomes: Readonly<Record<string, string>>;
  /**
   * The declarations that accept every build's outcome here (`a / b` when a race accepts one
   * build's and an expectation another's): the builds differ within what is declared for the
   * code base, which may be timing, not the release.
   */
  readonly within?: string;
}

export interface ReleaseComparison {
  /** The code base's record name (`gearmand`). */
  readonly base: string;
  /** Its builds in this run, in report order (`gearmand@1.1.19.1`, `gearmand`, `gearmand@1.1.21`). */
  readonly builds: readonly { readonly name: string; readonly version: string }[];
  /** Scenarios run on at least two builds. */
  readonly compared: number;
  readonly differences: readonly ReleaseDifference[];
}

const NOT_RUN = 'not run';

export function compareReleases(report: MatrixReport): ReleaseComparison[] {
  const byBase = new Map<string, MatrixReport['servers'][number][]>();
  for (const s of report.servers) {
    if (s.error) continue;
    const base = codeBaseOf(s.name);
    byBase.set(base, [...(byBase.get(base) ?? []), s]);
  }
  const comparisons: ReleaseComparison[] = [];
  for (const [base, runs] of byBase) {
    if (runs.length < 2) continue;
    const keys = new Map<string, { client: string; worker: string; scenario: string }>();
    const outcome = new Map<string, string>();
    const declaredBy = new Map<string, string>();
    for (const run of runs)
      for (const c of run.cells)
        for (const sc of c.scenarios) {
          // Drivers by code base: a release sweep runs each release's own libgearman and PHP builds
          // (php@7.4 beside gearmand@1.1.19.1), and those cells compare with the current ones.
          const client = codeBaseOf(c.client);
          const worker = codeBaseOf(c.worker);
          const key = `${client}\0${worker}\0${sc.id}`;
          keys.set(key, { client, worker, scenario: sc.id });
          outcome.set(`${run.name}\0${key}`, sc.notRun ? NOT_RUN : sc.actual);
          if (sc.expectation && sc.grade !== 'fail' && sc.grade !== 'stale') declaredBy.set(`${run.name}\0${key}`, sc.expectation.id);
        }
    let compared = 0;
    const differences: ReleaseDifference[] = [];
    for (const [key, at] of keys) {
      const outcomes = Object.fromEntries(runs.map((r) => [r.name, outcome.get(`${r.name}\0${key}`) ?? NOT_RUN]));
      const ran = Object.values(outcomes).filter((o) => o !== NOT_RUN);
      if (ran.length < 2) continue;
      compared++;
      if (new Set(ran).size === 1) continue;
      // Within what is declared when a declaration accepts every build's outcome; where a race and
      // an expectation take turns (one build's outcome is the race's, another's the expectation's),
      // both are named.
      const ids = runs.filter((r) => outcomes[r.name] !== NOT_RUN).map((r) => declaredBy.get(`${r.name}\0${key}`));
      const declared = ids.every((id) => id !== undefined) ? [...new Set(ids)].sort().join(' / ') : undefined;
      differences.push({ ...at, outcomes, ...(declared && { within: declared }) });
    }
    comparisons.push({ base, builds: runs.map((r) => ({ name: r.name, version: r.version })), compared, differences });
  }
  return comparisons;
}

/** `php×perl payload-binary (gearmand@1.1.19.1 lost / gearmand completed)`, and the declaration that accepts all of them. */
function differenceText(d: ReleaseDifference): string {
  const outcomes = Object.entries(d.outcomes)
    .map(([n, o]) => `${n} ${o}`)
    .join(' / ');
  return `${d.client}×${d.worker} ${d.scenario} (${outcomes}${d.within ? `; all within ${d.within}` : ''})`;
}

/** One line per code base, for the console. */
export function releaseComparisonLines(report: MatrixReport): string[] {
  return compareReleases(report).map(
    (c) =>
      `across releases of ${c.base} (${c.builds.map((b) => b.version).join(', ')}): ${c.differences.length} of ${c.compared} scenarios differ` +
      (c.differences.length ? `: ${c.differences.map(differenceText).join('; ')}` : ''),
  );
}
