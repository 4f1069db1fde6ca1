/** The catalogue's records are well-formed: stable unique ids, and every alternative outcome names a declared choice. */
import { describe, expect, it } from 'vitest';
import { ALTERNATIVES, type AlternativeSpec } from '../../src/protocol/alternatives.js';
import { CATALOGUE } from './catalogue.js';

describe('conformance catalogue', () => {
  it('has unique case ids', () => {
    const ids = CATALOGUE.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('names only declared alternatives and choices in its pass-alternative outcomes', () => {
    const wrong = CATALOGUE.flatMap((c) =>
      c.outcomes.flatMap((o) => {
        if (o.outcome !== 'pass-alternative') return [];
        const spec: AlternativeSpec | undefined = (ALTERNATIVES as Readonly<Record<string, AlternativeSpec>>)[o.alternative];
        return spec && o.choice in spec.choices ? [] : [`${c.id}: ${o.alternative}=${o.choice}`];
      }),
    );
    expect(wrong).toEqual([]);
  });

  it('meets every declared alternative in some case, so certify reports each choice', () => {
    const met = new Set(CATALOGUE.flatMap((c) => c.outcomes.flatMap((o) => (o.outcome === 'pass-alternative' ? [o.alternative] : []))));
    expect(Object.keys(ALTERNATIVES).filter((id) => !met.has(id as keyof typeof ALTERNATIVES))).toEqual([]);
  });
});
