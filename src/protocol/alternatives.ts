/**
 * Named behaviour alternatives: points where correct Gearman servers legitimately differ.
 * Conformance cases record which alternative a server chose instead of failing it, the model
 * (src/model) is parameterised by the same names, and interop expectations cite them.
 * Sources: ../shared/reference/protocol.md §4-§5 and landscape.md B3/B6.
 */

export interface AlternativeSpec {
  readonly id: string;
  readonly question: string;
  /** choice -> what it means. */
  readonly choices: Readonly<Record<string, string>>;
  /** The choice of each known server, with the source that shows it. */
  readonly known: Readonly<Record<string, { readonly choice: string; readonly source: string }>>;
  /** What the gearspec reference server does. */
  readonly reference: string;
}

const GEARMAND = 'gearmand-1.1.20';
const PERL = 'perl-gearman-server-1.130';

export const ALTERNATIVES = {
  'exception-terminal': {
    id: 'exception-terminal',
    question: 'Does WORK_EXCEPTION end the job?',
    choices: {
      terminal: 'job ends; clients with the exceptions option get WORK_EXCEPTION, others WORK_FAIL',
      'non-terminal': 'relayed only to clients with the option; the job continues until WORK_FAIL/COMPLETE',
    },
    known: {
      [GEARMAND]: { choice: 'terminal', source: 'protocol.md §4.9, §5 row 3 [SRV][OBS:exceptions]' },
      [PERL]: { choice: 'non-terminal', source: 'protocol.md §4.9, §5 row 3 [PL-C][OBS:exceptions]' },
    },
    reference: 'terminal',
  },
  'worker-death': {
    id: 'worker-death',
    question: 'What happens to a job whose worker disconnects mid-job?',
    choices: { requeue: 'requeued silently and handed to another worker', fail: 'WORK_FAIL to its clients and the job is dropped' },
    known: {
      [GEARMAND]: { choice: 'requeue', source: 'protocol.md §4.7, §5 row 2 [WRK][JOB][OBS:worker_disconnect]' },
      [PERL]: { choice: 'fail', source: 'protocol.md §4.7, §5 row 2 [PL-C][OBS:worker_disconnect]' },
    },
    reference: 'requeue',
  },
  'can-do-timeout-unit': {
    id: 'can-do-timeout-unit',
    question: 'In what unit is the CAN_DO_TIMEOUT value?',
    choices: { milliseconds: 'milliseconds (values under 1000 raised to 1000 on gearmand)', seconds: 'seconds' },
    known: {
      [GEARMAND]: { choice: 'milliseconds', source: 'protocol.md §4.8 [CONN][OBS:can_do_timeout]' },
      [PERL]: { choice: 'seconds', source: 'protocol.md §4.8 [PL-C]' },
    },
    reference: 'milliseconds',
  },
  'can-do-timeout-effect': {
    id: 'can-do-timeout-effect',
    question: 'What happens when a CAN_DO_TIMEOUT expires?',
    choices: { requeue: 'job requeued, clients not told', fail: 'WORK_FAIL to clients, job dropped' },
    known: {
      [GEARMAND]: { choice: 'requeue', source: 'protocol.md §4.8, §5 row 13' },
      [PERL]: { choice: 'fail', source: 'protocol.md §4.8, §5 row 13' },
    },
    reference: 'requeue',
  },
  'high-priority-order': {
    id: 'high-priority-order',
    question: 'In what order are several HIGH jobs of one function assigned?',
    choices: { fifo: 'submission order', lifo: 'newest first' },
    known: {
      [GEARMAND]: { choice: 'fifo', source: 'protocol.md §4.3, §5 row 14' },
      [PERL]: { choice: 'lifo', source: 'protocol.md §4.3, §5 row 14 [PL-S]' },
    },
    reference: 'fifo',
  },
  'cant-do-mid-job': {
    id: 'cant-do-mid-job',
    question: 'What happens to a job held by a worker that sends CANT_DO for its function?',
    choices: { requeue: 'job requeued; the worker’s later result is rejected', keep: 'job stays with the worker' },
    known: {
      [GEARMAND]: { choice: 'requeue', source: 'protocol.md §4.5, §5 row 20' },
      [PERL]: { choice: 'keep', source: 'protocol.md §4.5, §5 row 20' },
    },
    reference: 'requeue',
  },
  'maxqueue-full': {
    id: 'maxqueue-full',
    question: 'What does a submit to a full queue get?',
    choices: { reject: 'ERROR QUEUE_ERROR, no job created', 'evict-newest': 'queued jobs evicted with WORK_FAIL, new job accepted' },
    known: {
      [GEARMAND]: { choice: 'reject', source: 'protocol.md §4.12, §5 row 11' },
      [PERL]: { choice: 'evict-newest', source: 'protocol.md §4.12, §5 row 11' },
    },
    reference: 'reject',
  },
  'duplicate-can-do': {
    id: 'duplicate-can-do',
    question: 'Is a repeated CAN_DO counted twice?',
    choices: { 'counted-twice': 'listed twice by workers, worker count 2', idempotent: 'registered once' },
    known: {
      [GEARMAND]: { choice: 'counted-twice', source: 'protocol.md §4.5, §5 row 21' },
      [PERL]: { choice: 'idempotent', source: 'protocol.md §4.5, §5 row 21' },
    },
    reference: 'idempotent',
  },
  'status-listing': {
    id: 'status-listing',
    question: 'Which functions does the admin status command list?',
    choices: { 'all-seen': 'every function ever seen, zero rows included', 'active-only': 'only functions with workers or jobs' },
    known: {
      [GEARMAND]: { choice: 'all-seen', source: 'protocol.md §3.2, §5 row 31' },
      [PERL]: { choice: 'active-only', source: 'protocol.md §3.3, §5 row 31' },
    },
    reference: 'all-seen',
  },
  'status-without-progress': {
    id: 'status-without-progress',
    question: 'What numerator/denominator does STATUS_RES carry before any WORK_STATUS?',
    choices: { zeros: '"0" and "0"', empty: 'empty strings' },
    known: {
      [GEARMAND]: { choice: 'zeros', source: 'protocol.md §4.4, §5 row 1' },
      [PERL]: { choice: 'empty', source: 'protocol.md §4.4, §5 row 1' },
    },
    reference: 'zeros',
  },
  'unknown-type': {
    id: 'unknown-type',
    question: 'How does the server answer a packet type it does not know (0, 43+)?',
    choices: { close: 'closes the connection without a reply', 'error-packet': 'ERROR packet, connection kept' },
    known: {
      [GEARMAND]: { choice: 'close', source: 'protocol.md §1.2, §5 row 7' },
      [PERL]: { choice: 'error-packet', source: 'protocol.md §1.3, §5 row 7' },
    },
    reference: 'error-packet',
  },
  'version-reply': {
    id: 'version-reply',
    question: 'How is the admin version reply worded?',
    choices: { 'ok-prefixed': '"OK <version>"', bare: '"<version>" with no OK' },
    known: {
      [GEARMAND]: { choice: 'ok-prefixed', source: 'protocol.md §3.2, §5 row 23' },
      [PERL]: { choice: 'bare', source: 'protocol.md §3.3, §5 row 23' },
    },
    reference: 'ok-prefixed',
  },
  'wakeup-count': {
    id: 'wakeup-count',
    question: 'How many sleeping workers does one new job wake at once?',
    choices: { all: 'every sleeping worker of the function', batched: 'a few at once, more later while the job waits' },
    known: {
      [GEARMAND]: { choice: 'all', source: 'protocol.md §4.5, §5 row 22' },
      [PERL]: { choice: 'batched', source: 'protocol.md §4.5, §5 row 22' },
    },
    reference: 'all',
  },
  // The next five were found by the differential fuzzer (suites/property/findings) and are
  // declared because the protocol leaves the point open and every choice keeps jobs safe.
  'dash-unique': {
    id: 'dash-unique',
    question: 'Which jobs does a submit with unique "-" (the data is the key) coalesce with?',
    choices: {
      'data-key': 'other "-" jobs with the same data, and also an explicit-unique job whose unique equals the data (never the reverse)',
      replace: 'the unique is replaced by the data, so "-" and explicit uniques join each other both ways',
      'dash-only': 'only other "-" jobs of the function with the same (non-empty) data',
    },
    known: {
      [GEARMAND]: { choice: 'data-key', source: 'protocol.md §4.2 [JOB]; suites/property/findings reference.dashUnique (seed 4249)' },
      [PERL]: { choice: 'replace', source: 'protocol.md §4.2 [PL-J]; suites/property/findings perl-gearmand.dashUnique (seed 4246)' },
    },
    reference: 'dash-only',
  },
  'cross-function-order': {
    id: 'cross-function-order',
    question: 'When a worker can do several functions with jobs waiting, which function does a grab serve first?',
    choices: {
      'recent-first': 'the most recently registered function first',
      'oldest-job-first': 'the job submitted first (at the best priority), whatever its function',
      unspecified: 'no fixed order (hash order or similar)',
    },
    known: {
      [GEARMAND]: { choice: 'recent-first', source: 'gearmand 1.1.20 worker function list (new CAN_DO at the head); suites/property/findings reference.crossFunctionOrder (seed 4252)' },
      [PERL]: { choice: 'unspecified', source: 'Gearman::Server per-process hash order; suites/property/findings perl-gearmand.crossFunctionOrder (seed 4248)' },
    },
    reference: 'oldest-job-first',
  },
  'error-code-spelling': {
    id: 'error-code-spelling',
    question: 'How are ERROR codes spelled (the protocol gives no list)?',
    choices: {
      'gearmand-names': 'return-code names without GEARMAN_: JOB_NOT_FOUND for a WORK_* on a job not held, UNKNOWN_OPTION',
      'perl-names': 'lower-case names: not_worker for a WORK_* on a job not held, unknown_option',
    },
    known: {
      [GEARMAND]: { choice: 'gearmand-names', source: 'protocol.md §4.13, §5 rows 4 and 10' },
      [PERL]: { choice: 'perl-names', source: 'protocol.md §4.13, §5 rows 4 and 10; suites/property/findings perl-gearmand.notOwnerCode, .unknownOptionCode (seeds 4242, 4243)' },
    },
    reference: 'gearmand-names',
  },
  'wake-on-can-do': {
    id: 'wake-on-can-do',
    question: 'Is a sleeping worker (after PRE_SLEEP) woken when it registers a function that already has a job waiting?',
    choices: {
      wake: 'NOOP at once',
      'stay-asleep': 'no NOOP for it; the worker learns of the job only when something else wakes it (libgearman never registers while asleep, so its workers are not affected)',
    },
    known: {
      [GEARMAND]: { choice: 'stay-asleep', source: 'gearmand 1.1.20 CAN_DO handler (no queue check); suites/property/findings reference.canDoWakes (seed 4244)' },
      [PERL]: { choice: 'stay-asleep', source: 'conformance case binary/worker/can-do-while-asleep, observed on Perl gearmand 1.130' },
    },
    reference: 'wake',
  },
  'abandoned-job-at-pre-sleep': {
    id: 'abandoned-job-at-pre-sleep',
    question: 'Does PRE_SLEEP count a queued foreground job whose clients have all gone as waiting work?',
    choices: {
      drop: 'the job is dropped when PRE_SLEEP meets it; no NOOP',
      'count-as-work': 'NOOP; the grab that follows drops it and answers NO_JOB',
    },
    known: {
      [GEARMAND]: { choice: 'drop', source: 'gearmand 1.1.20 peek() skips and frees ignored jobs; suites/property/findings reference.peekDropsAbandoned (seed 4250)' },
      [PERL]: { choice: 'count-as-work', source: 'Gearman::Server keeps the job queued until a grab checks its listeners; conformance case binary/behaviour/pre-sleep-meets-abandoned-job' },
    },
    reference: 'count-as-work',
  },
} as const satisfies Record<string, AlternativeSpec>;

export type AlternativeId = keyof typeof ALTERNATIVES;
export type AlternativeChoice<A extends AlternativeId> = keyof (typeof ALTERNATIVES)[A]['choices'] & string;
export const KNOWN_SERVERS = { gearmand: GEARMAND, perl: PERL } as const;

/** Which server a choice belongs to: the gearspec reference server or a KNOWN_SERVERS value. */
export type ChoiceOwner = 'reference' | (typeof KNOWN_SERVERS)[keyof typeof KNOWN_SERVERS];

/** The declared choice of `owner` for alternative `id`; undefined when nobody recorded it. */
export function declaredChoice<A extends AlternativeId>(id: A, owner: ChoiceOwner): AlternativeChoice<A> | undefined {
  const spec: AlternativeSpec = ALTERNATIVES[id];
  const choice = owner === 'reference' ? spec.reference : spec.known[owner]?.choice;
  return choice as AlternativeChoice<A> | undefined;
}
