/**
 * A fuzz finding in words: which server did what at which step, and what the model (or, in
 * differential mode, the baseline server and its model) expected instead. The same sentence goes
 * to the console, to the finding's `.scenario.json` and to its fixture's header.
 */

export type FindingKind = 'mismatch' | 'divergence' | 'harness' | 'server-died';

export interface ServerRef {
  /** The name the fuzzer was given (an address for the CLI, a peer name in the suites). */
  readonly name: string;
  /** host:port it answered on. */
  readonly address: string;
  /** The model profile it was checked against. */
  readonly profile: string;
}

export interface FindingFacts {
  readonly kind: FindingKind;
  readonly server: ServerRef;
  /** 1-based step of the difference, the scenario's length, and the step in words. */
  readonly step: number;
  readonly steps: number;
  readonly stepText: string;
  /** What the server sent during that step, one entry per connection slot; empty: nothing. */
  readonly sent: readonly string[];
  /** What would have been accepted instead, one entry per alternative ("(nothing)" for silence). */
  readonly expected: readonly string[];
  /** Who expected it ("the model gearmand-1.1.20", …). */
  readonly expectedBy: string;
  /** Differential mode: the baseline server and what it sent during the same step. */
  readonly other?: ServerRef & { readonly sent: readonly string[] };
  /** Model quirks that explain a divergence (none: unexplained). */
  readonly explainedBy: readonly string[];
  /** Harness problem or death: what went wrong. */
  readonly error?: string;
  /** A recorded divergence that has since become a declared alternative (its id in alternatives.ts). */
  readonly declared?: string;
  /** A last sentence (e.g. that the fixture's recording run did not show the difference again). */
  readonly note?: string;
}

export const serverLabel = (s: ServerRef): string => (s.name === s.address ? s.address : `${s.name} (${s.address})`);

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const answer = (sent: readonly string[]): string => (sent.length === 0 ? 'nothing' : sent.join('; '));

function expectation(expected: readonly string[]): string {
  const alts = expected.map((e) => (e === '(nothing)' ? 'nothing' : e));
  if (alts.length === 0) return 'nothing';
  return alts.length === 1 ? alts[0]! : `one of: ${alts.join(' | ')}`;
}

/** The finding in one to three sentences. */
export function findingStatement(f: FindingFacts): string {
  return f.note ? `${statement(f)} ${f.note}` : statement(f);
}

function statement(f: FindingFacts): string {
  const who = serverLabel(f.server);
  const at = `step ${f.step} of ${f.steps} (${f.stepText})`;
  switch (f.kind) {
    case 'mismatch':
      return `${who} answered ${at} with ${answer(f.sent)}, where ${f.expectedBy} expected ${expectation(f.expected)}.`;
    case 'divergence': {
      const agree = f.other !== undefined && answer(f.other.sent) === expectation(f.expected);
      const byModel = agree && !f.expectedBy.startsWith('the baseline') ? `, as expected by ${f.expectedBy}` : '';
      const other = f.other ? ` The baseline ${serverLabel(f.other)} answered the same step with ${answer(f.other.sent)}${byModel}.` : '';
      const why = f.declared
        ? ` Since then a declared alternative (${f.declared}): the model accepts either answer.`
        : f.explainedBy.length > 0
          ? ` No declared alternative allows it: an undeclared divergence, explained by the model quirk${f.explainedBy.length > 1 ? 's' : ''} ${f.explainedBy.join(', ')}.`
          : ' No declared alternative or known quirk explains it.';
      // When the baseline answered what was expected, saying it once is enough.
      const expected = agree ? '' : ` ${capital(f.expectedBy)} expected ${expectation(f.expected)}.`;
      return `${who} answered ${at} with ${answer(f.sent)}.${other}${expected}${why}`;
    }
    case 'harness':
      return `${who} could not be checked at ${at}: ${f.error ?? 'harness error'}.`;
    case 'server-died':
      return `${who} died during ${at}: ${f.error ?? 'its connections closed'}; it now refuses connections (connection refused after it had accepted this scenario's connections).`;
  }
}

/** Per-run names in a text made readable: the run's prefix becomes "p_", as in the readable scenario. */
export const readableNames = (text: string, prefix: string): string => (prefix ? text.split(prefix).join('p_') : text);
