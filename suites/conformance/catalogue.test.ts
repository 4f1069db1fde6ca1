/**
 * The catalogues' records are well-formed: stable unique ids across the server and library
 * catalogues (one id space: binary/, admin/, client/, worker/), every alternative outcome names a
 * declared choice, and every declared alternative is met by some case.
 */
import { describe, expect, it } from 'vitest';
import { ALTERNATIVES, type AlternativeSpec } from '../../src/protocol/alternatives.js';
import type { OutcomeSpec } from '../../src/runner/case-def.js';
import { LIBRARY_CATALOGUE } from '../library/catalogue.js';
import { CATALOGUE } from './catalogue.js';

const ALL: readonly { readonly id: string; readonly outcomes: readonly OutcomeSpec[] }[] = [...CATALOGUE, ...LIBRARY_CATALOGUE];

describe('case catalogues (server and library)', () => {
  it('has unique case ids', () => {
    const ids = ALL.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('keeps each catalogue in its own id space', () => {
    expect(CATALOGUE.filter((c) => !/^(binary|admin)\//.test(c.id)).map((c) => c.id)).toEqual([]);
    expect(LIBRARY_CATALOGUE.filter((c) => !c.id.startsWith(`${c.role}/`)).map((c) => c.id)).toEqual([]);
  });

  it('names only declared alternatives and choices in its pass-alternative outcomes', () => {
    const wrong = ALL.flatMap((c) =>
      c.outcomes.flatMap((o) => {
        if (o.outcome !== 'pass-alternative') return [];
        const spec: AlternativeSpec | undefined = (ALTERNATIVES as Readonly<Record<string, AlternativeSpec>>)[o.alternative];
        return spec && o.choice in spec.choices ? [] : [`${c.id}: ${o.alternative}=${o.choice}`];
      }),
    );
    expect(wrong).toEqual([]);
  });

  it('meets every declared alternative in some case, so certify reports each choice', () => {
    const met = new Set(ALL.flatMap((c) => c.outcomes.flatMap((o) => (o.outcome === 'pass-alternative' ? [o.alternative] : []))));
    expect(Object.keys(ALTERNATIVES).filter((id) => !met.has(id as keyof typeof ALTERNATIVES))).toEqual([]);
  });
});
