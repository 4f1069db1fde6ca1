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
} as const satisfies Record<string, AlternativeSpec>;

export type AlternativeId = keyof typeof ALTERNATIVES;
export type AlternativeChoice<A extends AlternativeId> = keyof (typeof ALTERNATIVES)[A]['choices'] & string;
export const KNOWN_SERVERS = { gearmand: GEARMAND, perl: PERL } as const;
