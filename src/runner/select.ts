/** Case selection by id prefix (--cases / --exclude), in catalogue order. */
import type { CaseDef } from './case-def.js';
import { usageError } from './usage.js';

/** Plain string prefix: "binary/echo" selects binary/echo/*, "binary/echo/size-" a family. */
export function matchesPrefix(id: string, prefix: string): boolean {
  return id.startsWith(prefix);
}

export function selectCases(catalogue: readonly CaseDef[], include: readonly string[], exclude: readonly string[]): CaseDef[] {
  for (const p of [...include, ...exclude]) {
    if (!catalogue.some((c) => matchesPrefix(c.id, p))) throw usageError(`no case id starts with ${JSON.stringify(p)} (gearspec certify --list shows the ids)`);
  }
  return catalogue.filter((c) => (include.length === 0 || include.some((p) => matchesPrefix(c.id, p))) && !exclude.some((p) => matchesPrefix(c.id, p)));
}
