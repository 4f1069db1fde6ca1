/**
 * Named behaviour alternatives: points where correct Gearman servers legitimately differ.
 * Conformance cases record which alternative a server chose instead of failing it, the model
 * (src/model) is parameterised by the same names, and interop expectations cite them.
 * Sources: spec §4-§5 (docs/spec.md) and the interop-bug catalogue (docs/interop-bugs.md).
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
const LIBGEARMAN = 'libgearman-1.1.20';
const PHP_PECL = 'php-pecl-gearman-2.1.0';
const PERL_CLIENT = 'perl-gearman-client-2.004';
const REFERENCE_CLIENT = 'gearspec-reference';
const PERL_WORKER = 'perl-gearman-worker-2.004';

export const ALTERNATIVES = {
  'exception-terminal': {
    id: 'exception-terminal',
    question: 'Does WORK_EXCEPTION end the job?',
    choices: {
      terminal: 'job ends; clients with the exceptions option get WORK_EXCEPTION, others WORK_FAIL',
      'non-terminal': 'relayed only to clients with the option; the job continues until WORK_FAIL/COMPLETE',
    },
    known: {
      [GEARMAND]: { choice: 'terminal', source: 'spec §4.9, §5 row 3 [SRV][OBS:exceptions]' },
      [PERL]: { choice: 'non-terminal', source: 'spec §4.9, §5 row 3 [PL-C][OBS:exceptions]' },
    },
    reference: 'terminal',
  },
  'worker-death': {
    id: 'worker-death',
    question: 'What happens to a job whose worker disconnects mid-job?',
    choices: { requeue: 'requeued silently and handed to another worker', fail: 'WORK_FAIL to its clients and the job is dropped' },
    known: {
      [GEARMAND]: { choice: 'requeue', source: 'spec §4.7, §5 row 2 [WRK][JOB][OBS:worker_disconnect]' },
      [PERL]: { choice: 'fail', source: 'spec §4.7, §5 row 2 [PL-C][OBS:worker_disconnect]' },
    },
    reference: 'requeue',
  },
  'can-do-timeout-unit': {
    id: 'can-do-timeout-unit',
    question: 'In what unit is the CAN_DO_TIMEOUT value?',
    choices: { milliseconds: 'milliseconds (values under 1000 raised to 1000 on gearmand)', seconds: 'seconds' },
    known: {
      [GEARMAND]: { choice: 'milliseconds', source: 'spec §4.8 [CONN][OBS:can_do_timeout]' },
      [PERL]: { choice: 'seconds', source: 'spec §4.8 [PL-C]' },
    },
    reference: 'milliseconds',
  },
  'can-do-timeout-effect': {
    id: 'can-do-timeout-effect',
    question: 'What happens when a CAN_DO_TIMEOUT expires?',
    choices: { requeue: 'job requeued, clients not told', fail: 'WORK_FAIL to clients, job dropped' },
    known: {
      [GEARMAND]: { choice: 'requeue', source: 'spec §4.8, §5 row 13' },
      [PERL]: { choice: 'fail', source: 'spec §4.8, §5 row 13' },
    },
    reference: 'requeue',
  },
  'high-priority-order': {
    id: 'high-priority-order',
    question: 'In what order are several HIGH jobs of one function assigned?',
    choices: { fifo: 'submission order', lifo: 'newest first' },
    known: {
      [GEARMAND]: { choice: 'fifo', source: 'spec §4.3, §5 row 14' },
      [PERL]: { choice: 'lifo', source: 'spec §4.3, §5 row 14 [PL-S]' },
    },
    reference: 'fifo',
  },
  'cant-do-mid-job': {
    id: 'cant-do-mid-job',
    question: 'What happens to a job held by a worker that sends CANT_DO for its function?',
    choices: { requeue: 'job requeued; the worker’s later result is rejected', keep: 'job stays with the worker' },
    known: {
      [GEARMAND]: { choice: 'requeue', source: 'spec §4.5, §5 row 20' },
      [PERL]: { choice: 'keep', source: 'spec §4.5, §5 row 20' },
    },
    reference: 'requeue',
  },
  'maxqueue-full': {
    id: 'maxqueue-full',
    question: 'What does a submit to a full queue get?',
    choices: { reject: 'ERROR QUEUE_ERROR, no job created', 'evict-newest': 'queued jobs evicted with WORK_FAIL, new job accepted' },
    known: {
      [GEARMAND]: { choice: 'reject', source: 'spec §4.12, §5 row 11' },
      [PERL]: { choice: 'evict-newest', source: 'spec §4.12, §5 row 11' },
    },
    reference: 'reject',
  },
  'duplicate-can-do': {
    id: 'duplicate-can-do',
    question: 'Is a repeated CAN_DO counted twice?',
    choices: { 'counted-twice': 'listed twice by workers, worker count 2', idempotent: 'registered once' },
    known: {
      [GEARMAND]: { choice: 'counted-twice', source: 'spec §4.5, §5 row 21' },
      [PERL]: { choice: 'idempotent', source: 'spec §4.5, §5 row 21' },
    },
    reference: 'idempotent',
  },
  'status-listing': {
    id: 'status-listing',
    question: 'Which functions does the admin status command list?',
    choices: { 'all-seen': 'every function ever seen, zero rows included', 'active-only': 'only functions with workers or jobs' },
    known: {
      [GEARMAND]: { choice: 'all-seen', source: 'spec §3.2, §5 row 31' },
      [PERL]: { choice: 'active-only', source: 'spec §3.3, §5 row 31' },
    },
    reference: 'all-seen',
  },
  'status-without-progress': {
    id: 'status-without-progress',
    question: 'What numerator/denominator does STATUS_RES carry before any WORK_STATUS?',
    choices: { zeros: '"0" and "0"', empty: 'empty strings' },
    known: {
      [GEARMAND]: { choice: 'zeros', source: 'spec §4.4, §5 row 1' },
      [PERL]: { choice: 'empty', source: 'spec §4.4, §5 row 1' },
    },
    reference: 'zeros',
  },
  'unknown-type': {
    id: 'unknown-type',
    question: 'How does the server answer a packet type it does not know (0, 43+)?',
    choices: { close: 'closes the connection without a reply', 'error-packet': 'ERROR packet, connection kept' },
    known: {
      [GEARMAND]: { choice: 'close', source: 'spec §1.2, §5 row 7' },
      [PERL]: { choice: 'error-packet', source: 'spec §1.3, §5 row 7' },
    },
    reference: 'error-packet',
  },
  'version-reply': {
    id: 'version-reply',
    question: 'How is the admin version reply worded?',
    choices: { 'ok-prefixed': '"OK <version>"', bare: '"<version>" with no OK' },
    known: {
      [GEARMAND]: { choice: 'ok-prefixed', source: 'spec §3.2, §5 row 23' },
      [PERL]: { choice: 'bare', source: 'spec §3.3, §5 row 23' },
    },
    reference: 'ok-prefixed',
  },
  'wakeup-count': {
    id: 'wakeup-count',
    question: 'How many sleeping workers does one new job wake at once?',
    choices: { all: 'every sleeping worker of the function', batched: 'a few at once, more later while the job waits' },
    known: {
      [GEARMAND]: { choice: 'all', source: 'spec §4.5, §5 row 22' },
      [PERL]: { choice: 'batched', source: 'spec §4.5, §5 row 22' },
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
      [GEARMAND]: { choice: 'data-key', source: 'spec §4.2 [JOB]; suites/property/findings reference.dashUnique (seed 4249)' },
      [PERL]: { choice: 'replace', source: 'spec §4.2 [PL-J]; suites/property/findings perl-gearmand.dashUnique (seed 4246)' },
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
      [GEARMAND]: { choice: 'gearmand-names', source: 'spec §4.13, §5 rows 4 and 10' },
      [PERL]: { choice: 'perl-names', source: 'spec §4.13, §5 rows 4 and 10; suites/property/findings perl-gearmand.notOwnerCode, .unknownOptionCode (seeds 4242, 4243)' },
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
      drop: 'the job is dropped when PRE_SLEEP meets it in the priority list a grab takes from; no NOOP',
      'count-as-work': 'NOOP; the grab that follows drops it and answers NO_JOB',
    },
    known: {
      [GEARMAND]: { choice: 'drop', source: 'gearmand 1.1.20 peek() skips and frees ignored jobs; suites/property/findings reference.peekDropsAbandoned (seed 4250)' },
      [PERL]: { choice: 'count-as-work', source: 'Gearman::Server keeps the job queued until a grab checks its listeners; conformance case binary/behaviour/pre-sleep-meets-abandoned-job' },
    },
    reference: 'count-as-work',
  },
  'late-work-result': {
    id: 'late-work-result',
    question: 'What does the server answer to a WORK_* for a job the same worker has just ended (Perl Gearman::Worker sends WORK_FAIL after WORK_EXCEPTION)?',
    choices: {
      error: 'ERROR (JOB_NOT_FOUND); a worker library that dies on an unexpected ERROR stops there',
      ignored: 'nothing: the late packet is dropped and the connection carries on',
    },
    known: {
      [GEARMAND]: { choice: 'error', source: 'spec §4.10 [OBS:exceptions]: ERROR "Job given in work result not found"' },
      [PERL]: {
        choice: 'error',
        source: 'Gearman::Server answers ERROR for a handle it no longer knows (conformance cases binary/forwarding/complete-twice and fail-then-complete, observed with certify --peer perl-gearmand)',
      },
    },
    reference: 'ignored',
  },
  // Client libraries (library certification, suites/library/cases/client): points where client
  // libraries legitimately differ. `known` keys are library identities; `reference` is what the
  // gearspec reference client does. Sources are the libraries' files at the versions named.
  'client-exception-terminal': {
    id: 'client-exception-terminal',
    question: 'When WORK_EXCEPTION is followed by WORK_FAIL for the same handle (Perl gearmand), how does a client end its task?',
    choices: {
      terminal: 'the exception ends the task; the WORK_FAIL after it is ignored',
      'non-terminal': 'the exception is reported as progress; the WORK_FAIL ends the task',
      'fail-only': 'the exception is not reported; the WORK_FAIL ends the task',
    },
    known: {
      [LIBGEARMAN]: { choice: 'terminal', source: 'libgearman/run.cc:361-384 (WORK_EXCEPTION runs the exception callback and finishes the task); observed by gearspec certify --client libgearman-c' },
      [PHP_PECL]: { choice: 'terminal', source: 'libgearman/run.cc:361-384 under pecl gearman; observed by gearspec certify --client php' },
      [PERL_CLIENT]: { choice: 'terminal', source: 'Gearman/Taskset.pm line 553-570 (work_exception takes the task off the waiting list); observed by gearspec certify --client perl' },
      [REFERENCE_CLIENT]: { choice: 'terminal', source: 'src/client/client-job.ts (exceptionSemantics defaults to terminal)' },
    },
    reference: 'terminal',
  },
  'client-unknown-type': {
    id: 'client-unknown-type',
    question: 'What does a client do with a reply packet of a type the protocol does not define (e.g. 99)?',
    choices: {
      ignore: 'skips the packet (its declared size) and goes on',
      error: 'reports an error for the job and drops the connection',
    },
    known: {
      [LIBGEARMAN]: { choice: 'error', source: 'libgearman/packet.cc:346-350 (a command >= GEARMAN_COMMAND_MAX is GEARMAN_INVALID_COMMAND); observed by gearspec certify --client libgearman-c' },
      [PHP_PECL]: { choice: 'error', source: 'libgearman/packet.cc:346-350 under pecl gearman; observed by gearspec certify --client php' },
      [PERL_CLIENT]: { choice: 'error', source: 'Gearman/Util.pm read_res_packet ("bogus_command"), then Gearman/ResponseParser.pm line 175; observed by gearspec certify --client perl' },
      [REFERENCE_CLIENT]: { choice: 'error', source: 'src/client/packet-pump.ts (a decode error ends the connection)' },
    },
    reference: 'error',
  },
  'client-unexpected-type': {
    id: 'client-unexpected-type',
    question: 'What does a client do with a defined packet type that is never sent to clients (e.g. NOOP)?',
    choices: {
      ignore: 'skips the packet and goes on',
      error: 'reports an error for the job',
    },
    known: {
      [LIBGEARMAN]: { choice: 'ignore', source: 'libgearman/client.cc:1643-1647 (a packet no task matches is dropped); observed by gearspec certify --client libgearman-c' },
      [PHP_PECL]: { choice: 'ignore', source: 'libgearman/client.cc:1643-1647 under pecl gearman; observed by gearspec certify --client php' },
      [PERL_CLIENT]: { choice: 'error', source: 'Gearman/Taskset.pm line 597-599 (croak "Unimplemented packet type"); observed by gearspec certify --client perl' },
      [REFERENCE_CLIENT]: { choice: 'ignore', source: 'src/client/client.ts #onPacket (kept as an orphan)' },
    },
    reference: 'ignore',
  },
  'client-unsolicited-error': {
    id: 'client-unsolicited-error',
    question: 'What does a client do with an ERROR packet that arrives while a job runs and no request is outstanding?',
    choices: {
      ignore: 'skips it; the job goes on and ends with its result',
      error: 'reports the error for the running job',
    },
    known: {
      [LIBGEARMAN]: { choice: 'error', source: "libgearman/client.cc:1594-1620 (any ERROR ends run_tasks with the server's code); observed by gearspec certify --client libgearman-c" },
      [PHP_PECL]: { choice: 'error', source: 'libgearman/client.cc:1594-1620 under pecl gearman; observed by gearspec certify --client php' },
      [PERL_CLIENT]: { choice: 'error', source: 'Gearman/Taskset.pm line 597-599 (no handler for error packets); observed by gearspec certify --client perl' },
      [REFERENCE_CLIENT]: { choice: 'ignore', source: 'src/client/client.ts #onPacket (an ERROR with no request waiting is kept as an orphan)' },
    },
    reference: 'ignore',
  },
  'client-default-unique': {
    id: 'client-default-unique',
    question: 'What unique does a client send when the application gives none?',
    choices: {
      empty: 'an empty unique for every job (the server never merges them)',
      generated: 'a freshly generated id (e.g. a UUID) for every job',
    },
    known: {
      [LIBGEARMAN]: {
        choice: 'generated',
        source: 'libgearman/add.cc:61-76, 235 (is_background() answers true for foreground submits too, so every job gets a UUID); observed by gearspec certify --client libgearman-c',
      },
      [PHP_PECL]: { choice: 'generated', source: 'libgearman/add.cc:235 under pecl gearman; observed by gearspec certify --client php' },
      [PERL_CLIENT]: { choice: 'empty', source: "Gearman/Task.pm line 368 (uniq || ''); observed by gearspec certify --client perl" },
      [REFERENCE_CLIENT]: { choice: 'empty', source: 'src/client/submit-packet.ts (unique defaults to "")' },
    },
    reference: 'empty',
  },
  'client-lost-connection': {
    id: 'client-lost-connection',
    question: 'What does a client do with a job whose server connection closed while it waited for the result?',
    choices: {
      error: 'reports an error (or failure) for the job',
      resubmit: 'reconnects and submits the job again',
    },
    known: {
      [LIBGEARMAN]: { choice: 'error', source: 'libgearman/connection.cc:1206 (GEARMAN_LOST_CONNECTION from run_tasks); observed by gearspec certify --client libgearman-c' },
      [PHP_PECL]: { choice: 'error', source: 'libgearman/connection.cc:1206 under pecl gearman; observed by gearspec certify --client php' },
      [PERL_CLIENT]: { choice: 'error', source: 'Gearman/Taskset.pm line 248 (croak "Job server failure"); observed by gearspec certify --client perl' },
      [REFERENCE_CLIENT]: { choice: 'error', source: 'src/client/client.ts #onEnd (every unfinished job fails with ConnectionClosedError)' },
    },
    reference: 'error',
  },
  // Worker libraries (library certification, suites/library/cases/worker): points where worker
  // libraries legitimately differ. `known` keys are library identities; `reference` is what the
  // gearspec reference worker (src/worker) does with the options the reference driver uses.
  'worker-grab-variant': {
    id: 'worker-grab-variant',
    question: 'Which packet does a worker library ask for jobs with?',
    choices: {
      'grab-job': 'GRAB_JOB, answered by JOB_ASSIGN (no unique); the only grab Perl Gearman::Server knows',
      'grab-job-uniq': 'GRAB_JOB_UNIQ, answered by JOB_ASSIGN_UNIQ (the unique reaches the function)',
      'grab-job-all': 'GRAB_JOB_ALL, answered by JOB_ASSIGN_UNIQ, or JOB_ASSIGN_ALL for reduce jobs (C gearmand only)',
    },
    known: {
      [PERL_WORKER]: { choice: 'grab-job', source: 'Gearman/Worker.pm line 229 (_rc("grab_job")); observed by gearspec certify --worker perl' },
      [LIBGEARMAN]: { choice: 'grab-job-all', source: 'libgearman/worker.cc line 1284 (the grab packet is built as GRAB_JOB_ALL); observed by gearspec certify --worker libgearman-c' },
      [PHP_PECL]: { choice: 'grab-job-all', source: 'libgearman 1.1.20 under pecl gearman (interop-bugs #30); observed by gearspec certify --worker php' },
      [REFERENCE_CLIENT]: { choice: 'grab-job', source: 'src/worker/worker.ts (options.grab defaults to GRAB_JOB)' },
    },
    reference: 'grab-job',
  },
  'worker-exception-packets': {
    id: 'worker-exception-packets',
    question: 'Which packets does a worker library send when its function ends a job with an exception?',
    choices: {
      'exception-only': 'WORK_EXCEPTION alone, which ends the job on C gearmand (alternative exception-terminal = terminal)',
      'exception-then-fail':
        'WORK_EXCEPTION, then WORK_FAIL for the same handle, which Perl Gearman::Server needs to end the job; C gearmand answers the WORK_FAIL with ERROR JOB_NOT_FOUND (interop-bugs #12)',
    },
    known: {
      [PERL_WORKER]: {
        choice: 'exception-then-fail',
        source:
          'Gearman/Worker.pm lines 349-365 (a function that dies gets WORK_EXCEPTION, then WORK_FAIL); send_work_exception alone sends only WORK_EXCEPTION; observed by gearspec certify --worker perl',
      },
      [LIBGEARMAN]: {
        choice: 'exception-only',
        source: 'libgearman/job.cc gearman_job_send_exception (marks the job finished, so no WORK_FAIL follows); observed by gearspec certify --worker libgearman-c',
      },
      [PHP_PECL]: { choice: 'exception-only', source: 'GearmanJob::sendException over libgearman/job.cc gearman_job_send_exception; observed by gearspec certify --worker php' },
      [REFERENCE_CLIENT]: { choice: 'exception-only', source: 'src/worker/worker-job.ts (exceptionSemantics defaults to terminal)' },
    },
    reference: 'exception-only',
  },
  'worker-raise-report': {
    id: 'worker-raise-report',
    question: 'What does a worker library send when the job function raises (throws, dies) instead of returning?',
    choices: {
      fail: 'WORK_FAIL for the job',
      exception: 'WORK_EXCEPTION alone, with data the library chooses',
      'exception-then-fail': 'WORK_EXCEPTION with data the library chooses, then WORK_FAIL',
    },
    known: {
      [PERL_WORKER]: {
        choice: 'exception-then-fail',
        source: 'Gearman/Worker.pm lines 344-365 (the die message Storable-frozen in WORK_EXCEPTION, then WORK_FAIL); observed by gearspec certify --worker perl',
      },
      [PHP_PECL]: {
        choice: 'exception',
        source:
          'php_gearman_worker.c _php_worker_function_callback (WORK_EXCEPTION "Unable to add worker function"; the PHP exception then leaves GearmanWorker::work()); observed by gearspec certify --worker php',
      },
      [REFERENCE_CLIENT]: { choice: 'fail', source: 'src/worker/worker.ts #runJob (a handler that throws gets job.fail())' },
    },
    reference: 'fail',
  },
  'worker-unexpected-packet': {
    id: 'worker-unexpected-packet',
    question: 'What does a worker do with a packet it cannot use (an unknown type number, or a reply type it never asked for)?',
    choices: {
      skip: 'drops the packet (perhaps reporting it to the application) and keeps its connection',
      reconnect: 'drops the connection, connects again and registers again',
    },
    known: {
      [LIBGEARMAN]: {
        choice: 'reconnect',
        source:
          'libgearman/packet.cc line 349 rejects a type >= GEARMAN_COMMAND_MAX, libgearman/connection.cc line 1021 closes the socket and gearman_worker_work returns GEARMAN_INVALID_COMMAND; the next gearman_worker_work call connects and registers again. A known type it did not ask for is skipped with GEARMAN_UNEXPECTED_PACKET (libgearman/worker.cc line 884), connection kept',
      },
      [PHP_PECL]: { choice: 'reconnect', source: 'libgearman 1.1.20 under pecl gearman: GearmanWorker::work() returns false (GEARMAN_INVALID_COMMAND) and the next call reconnects' },
      [PERL_WORKER]: {
        choice: 'reconnect',
        source:
          'Gearman/Util.pm line 196 (bogus_command closes the socket), Gearman/Worker.pm line 304 (the loop connects again); observed by gearspec certify --worker perl. A known reply type it did not ask for dies at Gearman/Worker.pm line 326',
      },
      [REFERENCE_CLIENT]: {
        choice: 'reconnect',
        source:
          'src/client/packet-pump.ts (an undecodable type ends the connection; src/worker/worker.ts reconnects when `reconnect` is on); a known type it did not ask for is skipped (src/worker/worker.ts #onPacket, unexpected-packet notice)',
      },
    },
    reference: 'reconnect',
  },
} as const satisfies Record<string, AlternativeSpec>;

export type AlternativeId = keyof typeof ALTERNATIVES;
export type AlternativeChoice<A extends AlternativeId> = keyof (typeof ALTERNATIVES)[A]['choices'] & string;
/** Keyed by registry server name (src/peers/registry); the values are the model's profile names. */
export const KNOWN_SERVERS = { gearmand: GEARMAND, 'perl-gearmand': PERL } as const;

/** Which server a choice belongs to: the gearspec reference server or a KNOWN_SERVERS value. */
export type ChoiceOwner = 'reference' | (typeof KNOWN_SERVERS)[keyof typeof KNOWN_SERVERS];

/** The declared choice of `owner` for alternative `id`; undefined when nobody recorded it. */
export function declaredChoice<A extends AlternativeId>(id: A, owner: ChoiceOwner): AlternativeChoice<A> | undefined {
  const spec: AlternativeSpec = ALTERNATIVES[id];
  const choice = owner === 'reference' ? spec.reference : spec.known[owner]?.choice;
  return choice as AlternativeChoice<A> | undefined;
}
