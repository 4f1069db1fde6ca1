/**
 * Declared expectations of the interop matrix: every cell × scenario whose outcome legitimately
 * (or knowingly) differs from the scenario's nominal outcome, with what happens instead, why, and
 * the source that shows it. Anything not listed must produce the nominal outcome. An entry whose
 * difference does not happen is reported as stale and fails the suite, so this file cannot rot.
 *
 * Sources: gearspec's spec (docs/spec.md: § sections, §5 rows and [OBS:*] evidence keys), the
 * interop-bug catalogue (docs/interop-bugs.md), the alternatives in src/protocol/alternatives.ts,
 * and observations of this matrix ([MATRIX:*], reproducible with `npx vitest run suites/interop`),
 * each naming the library code responsible. The shapes and the lookups are the engine's
 * (src/interop/declared.ts). First matching entry wins, so specific entries come before general ones.
 */
import type { Expectation, WireFinding } from '../../src/interop/declared.js';
import type { DriverPeerName } from '../../src/peers/types.js';
import { LIFECYCLE_EXPECTATIONS } from './expectations/lifecycle.js';
import { NODE_EXPECTATIONS } from './expectations/node.js';
import { OBSERVED_EXPECTATIONS } from './expectations/observed.js';

const LIBGEARMAN_WORKERS: readonly DriverPeerName[] = ['php', 'libgearman-c'];
const LIBGEARMAN_CLIENTS: readonly DriverPeerName[] = ['php', 'libgearman-c'];

/**
 * Outcome labels carry what the runner's fresh-job check found after the scenario
 * (src/interop/runner.ts CHECK_SUFFIXES): `+worker-error` (the worker driver reported its
 * library's error), `+worker-gone` (the worker process exited), `+worker-stuck` (alive, took no
 * fresh job), `+client-stuck` (the client still waits on the scenario's job, or never reported the
 * fresh one's result).
 */
export const EXPECTATIONS: readonly Expectation[] = [
  // ---- The servers outside Debian, and the Python, Go and Rust libraries: one entry per
  // observed cell and scenario, each naming the code responsible (expectations/observed.ts).
  ...OBSERVED_EXPECTATIONS,
  // ---- The Node libraries, on the reference server and the Debian servers (expectations/node.ts).
  ...NODE_EXPECTATIONS,
  // ---- Restarts, several servers, silent workers and slow readers (expectations/lifecycle.ts).
  ...LIFECYCLE_EXPECTATIONS,
  // ---- Perl Gearman::Server 1.130: features it does not have, and legitimate alternatives.
  {
    id: 'perl-server/no-grab-job-all',
    servers: ['perl-gearmand'],
    workers: LIBGEARMAN_WORKERS,
    scenarios: ['foreground'],
    expect: 'worker-never-assigned+worker-error+worker-gone+client-stuck',
    blocksCell: true,
    kind: 'unsupported',
    why: 'libgearman workers (PHP pecl, the C API) only ask for jobs with GRAB_JOB_ALL; Perl Gearman::Server has no handler for it and answers ERROR server_error. libgearman reports that as an error of its work loop (gearman_worker_grab_job: unexpected packet GEARMAN_ERROR), so the worker application stops at its first grab and the client waits for a job nobody runs.',
    source: 'spec §2 (type 39: server_error), §4.5, §4.15; interop-bugs #30; libgearman/worker.cc:884 (1.1.20, in the driver log); [MATRIX:perl-gearmand/*/php|libgearman-c/foreground]',
  },
  {
    id: 'perl-client/error-reply-breaks-taskset',
    servers: ['perl-gearmand'],
    clients: ['perl'],
    scenarios: ['priorities'],
    expect: 'order:normal+client-stuck',
    kind: 'interop-bug',
    why: 'The LOW submit gets ERROR server_error (no LOW on Perl gearmand); Gearman::Taskset::add_task croaks but leaves the task waiting for a handle, so the NORMAL job’s JOB_CREATED and result are attributed to the LOW task and the HIGH job is never submitted; the taskset then waits for results that never come.',
    source: 'spec §2 (type 33: server_error); Gearman/Taskset.pm add_task (need_handle queue) and process_packet job_created; [MATRIX:perl-gearmand/perl/priorities]',
  },
  {
    id: 'libgearman-client/refused-task-blocks-next-run',
    servers: ['perl-gearmand'],
    clients: LIBGEARMAN_CLIENTS,
    scenarios: ['priorities'],
    expect: ['low-rejected+client-stuck', 'order:normal+client-stuck'],
    kind: 'interop-bug',
    why: 'The LOW submit gets ERROR server_error and gearman_client_run_tasks returns GEARMAN_SERVER_ERROR, but the refused task stays in the client’s task list: the next run_tasks (the fresh job’s) delivers that job’s result and then keeps waiting for the refused task until the client’s own timeout. Whether the HIGH submit was written before run_tasks read the ERROR and returned depends on timing: when it was not, only the NORMAL job exists (order:normal).',
    source:
      'libgearman/client.cc:1603 (the error in the driver log); [MATRIX:perl-gearmand/php|libgearman-c/*/priorities]; [MATRIX:perl-gearmand/libgearman-c/perl/priorities] 2026-12-05 CI (order:normal)',
  },
  {
    id: 'perl-server/no-low-priority',
    servers: ['perl-gearmand'],
    scenarios: ['priorities'],
    expect: 'low-rejected',
    kind: 'unsupported',
    why: 'Perl Gearman::Server has no LOW priority: SUBMIT_JOB_LOW gets ERROR server_error, so the LOW job is never created; HIGH and NORMAL are still ordered.',
    source: 'spec §2 (types 33/34: server_error), §4.3',
  },
  {
    id: 'perl-server/work-data-error-kills-perl-worker',
    servers: ['perl-gearmand'],
    workers: ['perl'],
    scenarios: ['streaming'],
    expect: ['data-warning-dropped+worker-error+worker-gone', 'stream-failed+worker-error+worker-gone'],
    kind: 'interop-bug',
    why: 'Perl Gearman::Server answers WORK_DATA and WORK_WARNING with ERROR server_error; Gearman::Worker reads that ERROR at its next grab and dies ("unexpected packet type: error"). Its exit with the ERRORs unread resets the connection, so the server may lose the worker’s last packets and fail the job instead of completing it (which one is a race).',
    source: 'Gearman/Server/Client.pm process_cmd (lines 546-556); Gearman/Worker.pm lines 319-326; [MATRIX:perl-gearmand/*/perl/streaming]',
  },
  {
    id: 'perl-server/no-work-data-warning',
    servers: ['perl-gearmand'],
    scenarios: ['streaming'],
    expect: 'data-warning-dropped',
    kind: 'unsupported',
    why: 'Perl Gearman::Server has no WORK_DATA / WORK_WARNING handlers (ERROR server_error to the worker), so clients only see WORK_STATUS and WORK_COMPLETE.',
    source: 'spec §2 (types 28/29: server_error), §5 row 9',
  },
  {
    id: 'perl-server/exception-non-terminal',
    servers: ['perl-gearmand'],
    scenarios: ['exception-no-option'],
    expect: 'no-result+client-stuck',
    kind: 'alternative',
    alternative: 'exception-terminal',
    why: 'Perl Gearman::Server relays WORK_EXCEPTION only to clients that set the exceptions option and keeps the job running until WORK_FAIL/COMPLETE; these workers end the job with the exception alone, so a client without the option never hears of it and keeps waiting.',
    source: 'spec §4.9, §5 row 3 [OBS:exceptions]; alternatives.ts exception-terminal; interop-bugs #12',
  },
  {
    id: 'perl-server/worker-death-fails-job',
    servers: ['perl-gearmand'],
    scenarios: ['worker-death', 'worker-exit'],
    expect: 'failed',
    kind: 'alternative',
    alternative: 'worker-death',
    why: 'When a worker disconnects holding a job (killed, or exiting), Perl Gearman::Server sends WORK_FAIL to the job’s clients and drops it; gearmand (and the reference server) requeue it silently.',
    source: 'spec §4.7, §5 row 2 [OBS:worker_disconnect]; alternatives.ts worker-death',
  },
  // ---- C gearmand 1.1.20.
  {
    id: 'gearmand/work-fail-trailing-nul-libgearman',
    servers: ['gearmand'],
    clients: LIBGEARMAN_CLIENTS,
    scenarios: ['exception-no-option'],
    expect: 'no-result+client-stuck',
    kind: 'interop-bug',
    why: 'gearmand turns WORK_EXCEPTION into WORK_FAIL for clients without the exceptions option, with a trailing NUL after the handle; libgearman (PHP pecl, C) does not match that packet to its task and waits until its own timeout.',
    source: 'spec §4.9, §5 row 3 [OBS:exceptions] (WORK_FAIL body = handle + NUL); [MATRIX:gearmand/php|libgearman-c/exception-no-option]',
  },
  {
    id: 'gearmand/work-fail-trailing-nul-perl',
    servers: ['gearmand'],
    clients: ['perl'],
    scenarios: ['exception-no-option'],
    expect: 'client-error',
    kind: 'interop-bug',
    why: 'The same WORK_FAIL with a trailing NUL makes Gearman::Client croak "Got work_fail for unknown handle: H:…\\0" (its handle regex keeps the NUL).',
    source: 'spec §4.9 [OBS:exceptions]; Gearman/ResponseParser/Taskset.pm line 45; [MATRIX:gearmand/perl/exception-no-option]',
  },
  {
    id: 'gearmand/perl-worker-die-kills-worker',
    servers: ['gearmand'],
    workers: ['perl'],
    scenarios: ['exception-throw'],
    expect: ['exception+worker-error+worker-gone', 'exception'],
    kind: 'interop-bug',
    why: 'A Perl worker function that dies makes Gearman::Worker send WORK_EXCEPTION and then WORK_FAIL. gearmand ends the job on the exception and answers the WORK_FAIL with ERROR JOB_NOT_FOUND; Gearman::Worker reads that ERROR where it expects a job and dies, so the worker process is gone after the first job that dies (the reference server drops that WORK_FAIL silently instead). On a loaded machine the ERROR can come later than the 0.5 s Gearman::Worker waits for the answer to its GRAB_JOB: it then drops the connection unread, reconnects and survives (outcome `exception`).',
    source:
      'Gearman/Worker.pm lines 344-366 (die → work_exception, then send_work_fail), lines 319-326 (die on an ERROR), line 291 (0.5 s grab timeout → _uncache_sock); [MATRIX:gearmand/*/perl/exception-throw]; [MATRIX:gearmand/php/perl/exception-throw] 2026-12-05 CI (exception)',
  },
  // ---- Client and worker libraries, on every server.
  {
    id: 'php-client/no-empty-workload',
    clients: ['php'],
    scenarios: ['payload-empty'],
    expect: 'client-refused:empty',
    kind: 'unsupported',
    why: 'PHP GearmanClient cannot submit an empty workload: pecl gearman passes the string\'s (non-NULL) buffer with length 0, and libgearman 1.1.20 add_task rejects exactly that pair with GEARMAN_INVALID_ARGUMENT "invalid workload" before anything is sent, although the protocol allows an empty data part. A C caller gets through only by passing NULL/0, which the C driver does.',
    source: 'libgearman/add.cc:194 (error text in the driver log); spec §1.1 (data part may be empty); [MATRIX:*/php/payload-empty]',
  },
  {
    id: 'perl-worker/die-is-exception-then-fail',
    servers: ['reference', 'perl-gearmand'],
    workers: ['perl'],
    scenarios: ['exception-throw'],
    expect: 'exception',
    kind: 'alternative',
    why: 'Gearman::Worker reports a function that dies as WORK_EXCEPTION (the Storable-frozen die message) followed by WORK_FAIL; the reference worker reports a throw as WORK_FAIL only. A client with the exceptions option ends its task on the exception, and the worker goes on: Perl gearmand expects the WORK_FAIL (exception not terminal), the reference server drops it.',
    source:
      'Gearman/Worker.pm lines 344-366; alternatives.ts exception-terminal, client-exception-terminal; src/server/README.md (tolerated quirks); [MATRIX:reference|perl-gearmand/*/perl/exception-throw]',
  },
  {
    id: 'php-worker/throw-ends-worker',
    workers: ['php'],
    scenarios: ['exception-throw'],
    expect: 'exception+worker-error+worker-gone',
    kind: 'alternative',
    why: 'When a PHP worker function throws, pecl gearman sends WORK_EXCEPTION with the fixed text "Unable to add worker function" (not the exception’s message) and leaves the exception pending, so it comes out of GearmanWorker::work() to the application; without a try/catch around work() the worker process ends (as the driver does: exit 255).',
    source: 'pecl gearman 2.1.0 php_gearman_worker.c lines 511-514 (_php_worker_function_callback); [MATRIX:*/*/php/exception-throw]',
  },
  {
    id: 'php-worker/exit-sends-exception',
    workers: ['php'],
    scenarios: ['worker-exit'],
    expect: 'exception',
    kind: 'interop-bug',
    why: 'PHP 8 implements exit() by unwinding like an exception, and pecl gearman checks for a pending exception after the worker function returns: a PHP worker that exits inside its function first sends WORK_EXCEPTION "Unable to add worker function". gearmand and the reference server end the job on it instead of requeueing it for another worker.',
    source: 'pecl gearman 2.1.0 php_gearman_worker.c lines 511-514; seen on the wire (src/peers/drivers/README.md, outcome forms); [MATRIX:gearmand|reference/*/php/worker-exit]',
  },
  {
    id: 'c-worker/no-throw',
    workers: ['libgearman-c'],
    scenarios: ['exception-throw'],
    expect: 'form-unsupported',
    kind: 'unsupported',
    why: 'A C worker function cannot throw: the libgearman-c driver refuses the `throw` form at registration, so the scenario is not run.',
    source: 'src/peers/drivers/README.md (outcome forms); src/peers/drivers/c/driver.c unsupported_outcome',
  },
  {
    id: 'perl-worker/falsy-result-malformed-gearmand',
    servers: ['gearmand'],
    workers: ['perl'],
    scenarios: ['payload-empty', 'payload-binary'],
    expect: ['corrupted:empty+client-stuck', 'corrupted:empty+worker-stuck+client-stuck', 'corrupted:zero-char+client-stuck', 'corrupted:zero-char+worker-stuck+client-stuck'],
    kind: 'interop-bug',
    why: 'Gearman::Worker sends results with `$v ? handle\\0data : handle`, so an empty result or "0" becomes a WORK_COMPLETE without the handle/data separator. gearmand misparses it, the client never gets a result, and the job comes back to the same worker in a tight loop (hundreds of JOB_ASSIGNs of one handle within a second) until its client goes away; a fresh job gets through or not depending on where the loop is.',
    source: 'Gearman/Worker.pm _job_request (line 604); spec §1.2 (short argument lists); [MATRIX:gearmand/*/perl/payload-empty|payload-binary]',
  },
  {
    id: 'perl-worker/falsy-result-malformed-perl-server',
    servers: ['perl-gearmand'],
    workers: ['perl'],
    scenarios: ['payload-empty', 'payload-binary'],
    expect: ['corrupted:empty+worker-error+worker-gone', 'corrupted:empty', 'corrupted:zero-char,high-bytes+worker-error+worker-gone+client-stuck'],
    kind: 'interop-bug',
    why: 'The same WORK_COMPLETE without a separator: Perl Gearman::Server finds no handle in it and answers ERROR not_worker, on which Gearman::Worker dies at its next grab; the server then fails the job it held. In payload-binary the payloads after "0" find no worker. Once, on a loaded machine, the worker was still alive for the fresh-job check (corrupted:empty alone): the ERROR had not yet met a grab.',
    source:
      'Gearman/Worker.pm line 604 and lines 319-326; Gearman/Server/Client.pm CMD_work_complete (lines 292-297); [MATRIX:perl-gearmand/*/perl/payload-empty|payload-binary]; [MATRIX:perl-gearmand/reference/perl/payload-empty] 2026-12-07 CI (corrupted:empty)',
  },
  {
    id: 'perl-worker/zero-result-empty',
    servers: ['reference'],
    workers: ['perl'],
    scenarios: ['payload-binary'],
    expect: 'corrupted:zero-char',
    kind: 'interop-bug',
    why: 'The same `$v ? … : handle` test drops the result "0": the reference server takes the WORK_COMPLETE without a separator as an empty result (see src/server/README.md), so the client gets "" instead of "0".',
    source: 'Gearman/Worker.pm _job_request (line 604); [MATRIX:reference/*/perl/payload-binary]',
  },
  {
    id: 'perl-client/zero-payload-dropped',
    clients: ['perl'],
    scenarios: ['payload-binary'],
    expect: 'corrupted:zero-char',
    kind: 'interop-bug',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Perl code quoted in prose, not a template
    why: 'Gearman::Task builds the submit with `${ $self->{argref} } || \'\'`, so the one-byte payload "0" (false in Perl) is sent as an empty payload.',
    source: 'Gearman/Task.pm pack_submit_packet (line 368); [MATRIX:*/perl/payload-binary]',
  },
];

/** Packets a library is known to send that break the protocol table (WireFinding, src/interop/declared.ts). */
export const WIRE_FINDINGS: readonly WireFinding[] = [
  {
    id: 'perl-worker/result-without-separator',
    role: 'worker',
    drivers: ['perl'],
    violation: /WORK_COMPLETE needs 2 arguments/,
    why: 'Gearman::Worker sends an empty or "0" result as WORK_COMPLETE(handle) with no NUL before the (empty) data, one argument short.',
    source: 'Gearman/Worker.pm line 604 (`$v ? handle\\0$v : handle`); library certification worker/payload/empty and worker/payload/ascii-zero',
  },
];
