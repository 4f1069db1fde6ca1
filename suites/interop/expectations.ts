/**
 * Declared expectations of the interop matrix: every cell × scenario whose outcome legitimately
 * (or knowingly) differs from the scenario's nominal outcome, with what happens instead, why, and
 * the source that shows it. Anything not listed must produce the nominal outcome. An entry whose
 * difference does not happen is reported as stale and fails the suite, so this file cannot rot.
 *
 * Sources: ../shared/reference/protocol.md (§ sections and [OBS:*] keys), landscape.md (B3-B5),
 * the alternatives in src/protocol/alternatives.ts, and observations of this matrix ([MATRIX:*],
 * reproducible with `npx vitest run suites/interop`), each naming the library code responsible.
 * First matching entry wins, so specific entries come before general ones.
 */
import type { AlternativeId } from '../../src/protocol/alternatives.js';
import type { DriverPeerName, ServerPeerName } from '../../src/peers/types.js';
import type { CellId } from './types.js';

export interface Expectation {
  /** Stable id, shown in reports. */
  readonly id: string;
  readonly servers?: readonly ServerPeerName[];
  readonly clients?: readonly DriverPeerName[];
  readonly workers?: readonly DriverPeerName[];
  readonly scenarios: readonly string[] | '*';
  /** Outcome label(s) that happen instead of the nominal one. */
  readonly expect: string | readonly string[];
  /**
   * The probe scenario fails this way and nothing else in the cell can work: when the probe
   * behaves as declared, the cell's other scenarios are reported as expected-different, not run.
   */
  readonly blocksCell?: boolean;
  /** alternative: both behaviours are legitimate; unsupported: a feature is missing; interop-bug: a real incompatibility. */
  readonly kind: 'alternative' | 'unsupported' | 'interop-bug';
  readonly alternative?: AlternativeId;
  readonly why: string;
  readonly source: string;
}

const LIBGEARMAN_WORKERS: readonly DriverPeerName[] = ['php', 'libgearman-c'];

export const EXPECTATIONS: readonly Expectation[] = [
  // ---- Perl Gearman::Server 1.130: features it does not have, and legitimate alternatives.
  {
    id: 'perl-server/no-grab-job-all',
    servers: ['perl-gearmand'],
    workers: LIBGEARMAN_WORKERS,
    scenarios: ['foreground'],
    expect: 'worker-never-assigned',
    blocksCell: true,
    kind: 'unsupported',
    why: 'libgearman workers (PHP pecl, the C API) only ask for jobs with GRAB_JOB_ALL; Perl Gearman::Server has no handler for it and answers ERROR server_error, so these workers never receive a job.',
    source: 'protocol.md §2 (type 39 srv_err), §4.5, §4.15; landscape.md B3, B5 #30',
  },
  {
    id: 'perl-client/error-reply-breaks-taskset',
    servers: ['perl-gearmand'],
    clients: ['perl'],
    scenarios: ['priorities'],
    expect: 'order:normal',
    kind: 'interop-bug',
    why: 'The LOW submit gets ERROR server_error (no LOW on Perl gearmand); Gearman::Taskset::add_task croaks but leaves the task waiting for a handle, so the NORMAL job’s JOB_CREATED and result are attributed to the LOW task and the HIGH job is never submitted.',
    source: 'protocol.md §2 (type 33 srv_err); Gearman/Taskset.pm add_task (need_handle queue) and process_packet job_created; [MATRIX:perl-gearmand/perl/priorities]',
  },
  {
    id: 'perl-server/no-low-priority',
    servers: ['perl-gearmand'],
    scenarios: ['priorities'],
    expect: 'low-rejected',
    kind: 'unsupported',
    why: 'Perl Gearman::Server has no LOW priority: SUBMIT_JOB_LOW gets ERROR server_error, so the LOW job is never created; HIGH and NORMAL are still ordered.',
    source: 'protocol.md §2 (types 33/34 srv_err), §4.3; landscape.md B3',
  },
  {
    id: 'perl-server/no-work-data-warning',
    servers: ['perl-gearmand'],
    scenarios: ['streaming'],
    expect: 'data-warning-dropped',
    kind: 'unsupported',
    why: 'Perl Gearman::Server has no WORK_DATA / WORK_WARNING handlers (ERROR server_error to the worker), so clients only see WORK_STATUS and WORK_COMPLETE.',
    source: 'protocol.md §2 (types 28/29 srv_err), §5 row 9; landscape.md B3',
  },
  {
    id: 'perl-server/exception-non-terminal',
    servers: ['perl-gearmand'],
    scenarios: ['exception-no-option'],
    expect: 'no-result',
    kind: 'alternative',
    alternative: 'exception-terminal',
    why: 'Perl Gearman::Server relays WORK_EXCEPTION only to clients that set the exceptions option and keeps the job running until WORK_FAIL/COMPLETE; these workers end the job with the exception alone, so a client without the option never hears of it.',
    source: 'protocol.md §4.9, §5 row 3 [OBS:exceptions]; alternatives.ts exception-terminal; landscape.md B5 #12',
  },
  {
    id: 'perl-server/worker-death-fails-job',
    servers: ['perl-gearmand'],
    scenarios: ['worker-death'],
    expect: 'failed',
    kind: 'alternative',
    alternative: 'worker-death',
    why: 'When a worker disconnects holding a job, Perl Gearman::Server sends WORK_FAIL to the job’s clients and drops it; gearmand (and the reference server) requeue it silently.',
    source: 'protocol.md §4.7, §5 row 2 [OBS:worker_disconnect]; alternatives.ts worker-death',
  },
  // ---- C gearmand 1.1.20.
  {
    id: 'gearmand/work-fail-trailing-nul-libgearman',
    servers: ['gearmand'],
    clients: ['php', 'libgearman-c'],
    scenarios: ['exception-no-option'],
    expect: 'no-result',
    kind: 'interop-bug',
    why: 'gearmand turns WORK_EXCEPTION into WORK_FAIL for clients without the exceptions option, with a trailing NUL after the handle; libgearman (PHP pecl, C) does not match that packet to its task and waits until its own timeout.',
    source: 'protocol.md §4.9, §5 row 3 [OBS:exceptions] (WORK_FAIL body = handle + NUL); [MATRIX:gearmand/php|libgearman-c/exception-no-option]',
  },
  {
    id: 'gearmand/work-fail-trailing-nul-perl',
    servers: ['gearmand'],
    clients: ['perl'],
    scenarios: ['exception-no-option'],
    expect: 'client-error',
    kind: 'interop-bug',
    why: 'The same WORK_FAIL with a trailing NUL makes Gearman::Client croak "Got work_fail for unknown handle: H:…\\0" (its handle regex keeps the NUL).',
    source: 'protocol.md §4.9 [OBS:exceptions]; Gearman/ResponseParser/Taskset.pm line 45; [MATRIX:gearmand/perl/exception-no-option]',
  },
  // ---- Client and worker libraries, on every server.
  {
    id: 'php-client/no-empty-workload',
    clients: ['php'],
    scenarios: ['payload-empty'],
    expect: 'client-refused:empty',
    kind: 'unsupported',
    why: 'PHP GearmanClient cannot submit an empty workload: pecl gearman passes the string\'s (non-NULL) buffer with length 0, and libgearman 1.1.20 add_task rejects exactly that pair with GEARMAN_INVALID_ARGUMENT "invalid workload" before anything is sent, although the protocol allows an empty data part. A C caller gets through only by passing NULL/0, which the C driver does.',
    source: 'libgearman/add.cc:194 (error text in the driver log); protocol.md §1.1 (data part may be empty); [MATRIX:*/php/payload-empty]',
  },
  {
    id: 'perl-client/zero-payload-dropped',
    clients: ['perl'],
    scenarios: ['payload-binary'],
    expect: 'corrupted:zero-char',
    kind: 'interop-bug',
    why: 'Gearman::Task builds the submit with `${ $self->{argref} } || \'\'`, so the one-byte payload "0" (false in Perl) is sent as an empty payload.',
    source: 'Gearman/Task.pm pack_submit_packet (line 368); [MATRIX:*/perl/payload-binary]',
  },
  {
    id: 'perl-worker/falsy-result-malformed',
    workers: ['perl'],
    scenarios: ['payload-empty'],
    expect: 'corrupted:empty',
    kind: 'interop-bug',
    why: 'Gearman::Worker sends results with `$v ? handle\\0data : handle`, so an empty result becomes a WORK_COMPLETE without the handle/data separator; the server misparses it and the client never gets a result. On gearmand the job then comes back to the same worker in a tight loop (hundreds of JOB_ASSIGNs of one handle within a second, seen with `gearspec interop --peer gearmand --workers perl --scenarios payload-empty --verbose`) until its client goes away.',
    source: 'Gearman/Worker.pm _job_request (line 604); protocol.md §1.2 (short argument lists); [MATRIX:*/*/perl/payload-empty]',
  },
  {
    id: 'perl-worker/zero-result-malformed',
    workers: ['perl'],
    scenarios: ['payload-binary'],
    expect: 'corrupted:zero-char',
    kind: 'interop-bug',
    why: 'The same `$v ? … : handle` test drops the result "0": the WORK_COMPLETE has no separator and the client never gets the result.',
    source: 'Gearman/Worker.pm _job_request (line 604); [MATRIX:*/*/perl/payload-binary]',
  },
];

/** An entry without a list applies to every value; an external server matches only such entries. */
function matches(list: readonly string[] | undefined, value: string): boolean {
  return list === undefined || list.includes(value);
}

export function findExpectation(cell: CellId, scenario: string): Expectation | undefined {
  return EXPECTATIONS.find(
    (e) => matches(e.servers, cell.server) && matches(e.clients, cell.client) && matches(e.workers, cell.worker) && (e.scenarios === '*' || e.scenarios.includes(scenario)),
  );
}

/** The expectation that blocks this cell when its probe behaves as declared. */
export function cellBlocker(cell: CellId, probe: string): Expectation | undefined {
  const e = findExpectation(cell, probe);
  return e?.blocksCell ? e : undefined;
}
