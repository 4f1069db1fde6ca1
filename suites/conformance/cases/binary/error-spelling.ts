/**
 * ERROR code spelling is a named alternative (alternatives.ts `error-code-spelling`): the protocol
 * promises an ERROR packet, not its code. Cases that provoke an ERROR record which family the
 * code belongs to; an unknown spelling still passes the MUST (an ERROR came) and is shown as is.
 */
import { alternative, type CaseVerdict, type OutcomeSpec, pass } from '../../../../src/runner/case-def.js';

interface Spellings {
  /** The code gearmand 1.1.20 sends here, e.g. JOB_NOT_FOUND. */
  readonly gearmand: string;
  /** The code Perl Gearman::Server 1.130 sends here, e.g. not_worker. */
  readonly perl: string;
}

export function spellingOutcomes(codes: Spellings, then: string): OutcomeSpec[] {
  return [
    { outcome: 'pass-alternative', alternative: 'error-code-spelling', choice: 'gearmand-names', when: `ERROR ${codes.gearmand}, then ${then}` },
    { outcome: 'pass-alternative', alternative: 'error-code-spelling', choice: 'perl-names', when: `ERROR ${codes.perl}, then ${then}` },
    { outcome: 'pass', when: `ERROR with another code, then ${then}` },
  ];
}

export function spellingVerdict(codes: Spellings, code: string): CaseVerdict {
  if (code === codes.gearmand) return alternative('error-code-spelling', 'gearmand-names', `ERROR ${code}`);
  if (code === codes.perl) return alternative('error-code-spelling', 'perl-names', `ERROR ${code}`);
  return pass(`ERROR ${code} (neither gearmand's ${codes.gearmand} nor Perl's ${codes.perl})`);
}
