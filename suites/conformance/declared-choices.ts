/**
 * The alternatives a run met, as "case: alternative=choice", next to what alternatives.ts declares
 * for that server in the same cases: the two lists must be equal.
 */
import { type ChoiceOwner, declaredChoice } from '../../src/protocol/alternatives.js';
import type { CaseResult } from '../../src/runner/result.js';

export function seenAndDeclaredChoices(results: readonly CaseResult[], owner: ChoiceOwner): { readonly seen: string[]; readonly declared: string[] } {
  const met = results.flatMap((r) => (r.alternative ? [{ id: r.id, alternative: r.alternative }] : []));
  return {
    seen: met.map((r) => `${r.id}: ${r.alternative.id}=${r.alternative.choice}`),
    declared: met.map((r) => `${r.id}: ${r.alternative.id}=${declaredChoice(r.alternative.id, owner)}`),
  };
}
