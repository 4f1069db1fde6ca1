/** Case selection by id prefix (--cases / --exclude), in catalogue order. */
import type { CaseDef } from './case-def.js';
import { usageError } from '../errors.js';

/**
 * A prefix matches whole id segments: "binary/echo" selects binary/echo and binary/echo/*, but
 * "binary/forwarding/work-complete" does not select work-complete-empty. A trailing "*" makes it a
 * plain string prefix: "binary/echo/size-*" selects that family. A trailing "/" is ignored.
 */
export function matchesPrefix(id: string, prefix: string): boolean {
  if (prefix.endsWith('*')) return id.startsWith(prefix.slice(0, -1));
  const whole = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return id === whole || id.startsWith(`${whole}/`);
}

export function selectCases<C extends Pick<CaseDef, 'id'>>(catalogue: readonly C[], include: readonly string[], exclude: readonly string[]): C[] {
  for (const p of [...include, ...exclude]) {
    if (!catalogue.some((c) => matchesPrefix(c.id, p)))
      throw usageError(`no case id matches ${JSON.stringify(p)} (whole id segments, or end it with * for a plain prefix; gearspec certify --list shows the ids)`);
  }
  return catalogue.filter((c) => (include.length === 0 || include.some((p) => matchesPrefix(c.id, p))) && !exclude.some((p) => matchesPrefix(c.id, p)));
}
