/**
 * Races: cells where an implementation makes the outcome differ from run to run, so that no single
 * declared outcome can describe it. A race names which outcomes it allows (a pattern over outcome
 * labels), why they vary, and the code responsible; an outcome it allows is graded
 * expected-different under the race's id, the nominal outcome passes, and anything else still
 * fails. The pattern is kept as narrow as the race: it says which part of the system may misbehave
 * (a racy client may end stuck; the worker and the server must stay healthy).
 *
 * Races are consulted after the declared expectations (expectations.ts), whose outcomes keep
 * their own ids; a race also keeps a declared outcome from being reported stale.
 */
import type { Race } from '../../../src/interop/declared.js';
import { SCENARIOS } from '../scenarios/index.js';

/**
 * One outcome label whose only check suffix is `+client-stuck`: the client misbehaved, nothing else
 * did. A harness failure is never the library's.
 */
const CLIENT_SIDE_ONLY = /^(?!harness-error)[a-z][A-Za-z0-9:,-]*(\+client-stuck)?$/;
/**
 * The same in the lifecycle scenarios' two-part outcomes (client part / worker part): any client
 * part, with the worker part a healthy worker's (it came back, or is registered).
 */
const CLIENT_SIDE_ONLY_LIFECYCLE = /^(?!harness-error)[a-z][A-Za-z0-9:,-]*\/worker-(back|registered)(\+client-stuck)?$/;

/** Any scenario's nominal outcome with this check suffix and no other: the scenario went right, then one party misbehaved. */
const nominalThen = (suffix: string): RegExp => new RegExp(`^(${[...new Set(SCENARIOS.map((s) => s.nominal))].join('|')})\\${suffix}$`);

export const RACES: readonly Race[] = [
  {
    id: 'perl-worker/grab-reply-timeout',
    workers: ['perl'],
    scenarios: '*',
    outcomes: nominalThen('+worker-stuck'),
    afterResult: true,
    kind: 'interop-bug',
    why: 'Gearman::Worker gives the server 0.5 s to answer each GRAB_JOB; a slower answer (a loaded machine, a server still busy with a 1 MiB result) makes it close the connection, reconnect, send PRE_SLEEP and sleep up to 10–12 s unless a NOOP wakes it, and any packet the server had in flight on the old connection is lost. The scenario itself ends right; the fresh job that follows may then find the worker asleep or reconnecting. Seen only on a loaded machine.',
    source:
      'Gearman::Worker 2.004.015 Worker.pm:291 (timeout 0.50 → _uncache_sock), 399 (select 10 + rand 2); [MATRIX:perl-gearmand/libgearman-c/perl/payload-1mib] 2026-12-05 CI (intact+worker-stuck)',
  },
  {
    id: 'perl-worker/asleep-after-grab-timeout',
    workers: ['perl'],
    scenarios: '*',
    outcomes: /^worker-never-assigned\+worker-stuck(\+client-stuck)?$/,
    kind: 'interop-bug',
    why: 'The sleep of perl-worker/grab-reply-timeout, one scenario later: a Gearman::Worker that closed its connection after a slow GRAB_JOB answer sleeps up to 10–12 s unless a NOOP reaches it, so the next scenario’s job can wait past that scenario’s deadline with nobody taking it. Seen only on a loaded machine.',
    source:
      'Gearman::Worker 2.004.015 Worker.pm:291 (timeout 0.50 → _uncache_sock), 399 (select 10 + rand 2); [MATRIX:perl-gearmand/reference/perl/exception-throw] 2026-12-07 CI (worker-never-assigned+worker-stuck+client-stuck)',
  },
  {
    id: 'gearman-go-client/error-reply-ends-calls-in-flight',
    servers: ['perl-gearmand'],
    clients: ['gearman-go'],
    scenarios: ['priorities'],
    outcomes: /^order:high,normal$/,
    kind: 'interop-bug',
    why: 'Perl Gearman::Server refuses SUBMIT_JOB_LOW with ERROR; gearman-go’s client hands the ERROR to its ErrorHandler and fails the other calls in flight on that connection with ErrLostConn, although the server goes on with them. The HIGH and NORMAL jobs still run, in order; whether the NORMAL submit’s JOB_CREATED reaches the application before the ErrLostConn does changes from run to run (low-rejected when it does).',
    source:
      'gearman-go client/client.go (ErrorHandler, ErrLostConn in client/error.go:16); [MATRIX:perl-gearmand/gearman-go/reference/priorities] 2026-12-07 CI (created high; worker order high,normal)',
  },
  {
    id: 'rustygear-client/packets-behind-job-created',
    clients: ['rustygear'],
    scenarios: '*',
    outcomes: new RegExp(`${CLIENT_SIDE_ONLY.source}|${CLIENT_SIDE_ONLY_LIFECYCLE.source}`),
    kind: 'interop-bug',
    why: 'rustygear 0.15.0 creates a job’s result channel only once its JOB_CREATED has been handled, and hands each incoming packet to its own task: a WORK_DATA, WORK_STATUS, WORK_FAIL or WORK_COMPLETE that arrives right behind JOB_CREATED is dropped or delivered out of order. Which packets are lost changes with scheduling, so every scenario can end with the result missing or partial and the client waiting; the worker and the server are unaffected.',
    source:
      'rustygear 0.15.0 client.rs:691-699, conn.rs:222-226; library certification rustygear client baseline (flaky entries); [MATRIX:*/rustygear/reference/*] 2026-12-04 and 2026-12-05; [MATRIX:reference/rustygear/reference/server-restart] 2026-12-07 CI (client-waiting/worker-back: the job after the restart was created, the worker back, the result never reached the client)',
  },
  {
    id: 'gearmanode-client/lost-reply-on-abraxas',
    servers: ['abraxas'],
    clients: ['gearmanode'],
    scenarios: '*',
    outcomes: /^(?!harness-error)[a-z][A-Za-z0-9:,-]*\+client-stuck$/,
    kind: 'interop-bug',
    why: 'Through the abraxas server a reply sometimes never reaches the gearmanode client, which then waits: one of the binary payloads’ results (nul-start, nul-end, nuls and high-bytes have each been the one), or the result of a job requeued after its worker died. This is what gearmanode’s reassembly does when a reply is split inside its 12-byte header (the fragment replaces the buffered part instead of being appended); where replies split depends on how abraxas writes them.',
    source: 'gearmanode/lib/gearmanode/job-server.js:303-318 (as gearmanode-client/short-read-reassembly); [MATRIX:abraxas/gearmanode/reference/payload-binary|worker-death] 2026-12-04 and 2026-12-05',
  },
  {
    id: 'gearmanode-client/short-read-reassembly-sizes',
    clients: ['gearmanode'],
    scenarios: ['payload-64k'],
    outcomes: /^corrupted:(65480|65495|65510|65519|65520|65524|65535|65536)(,(65480|65495|65510|65519|65520|65524|65535|65536))*\+client-stuck$/,
    kind: 'interop-bug',
    why: 'The reassembly bug declared as gearmanode-client/short-read-reassembly loses whichever reply of about 64 KiB has a read end inside the next 12-byte header; where reads end depends on how the server wrote the reply and on scheduling, so which of the scenario’s sizes is lost changes from run to run (65519 and 65520 most often; 65524 once). Only the client may suffer: it waits for the lost reply.',
    source: 'gearmanode/lib/gearmanode/job-server.js:303-318; [MATRIX:gearmand/gearmanode/reference/payload-64k] 2026-12-05 (corrupted:65524)',
  },
  {
    id: 'gearman-go-worker/unsynchronised-writes',
    workers: ['gearman-go'],
    scenarios: '*',
    outcomes: /^(?!harness-error)[a-z][A-Za-z0-9:,-]*(\+wire-violation)?(\+worker-error)?(\+worker-(gone|stuck))?(\+client-stuck)?$/,
    kind: 'interop-bug',
    why: 'gearman-go’s worker writes WORK_DATA and WORK_STATUS from the job’s goroutine without the lock its grab loop holds, so a job’s packets can interleave with the loop’s: the server then sees a corrupted packet (a wire violation, after which the worker is gone) or the worker is left waiting instead of asking for the next job. Which scenario it hits changes from run to run; the server must stay up and the client alive.',
    source:
      'gearman-go worker/inpack.go:56 and worker/worker.go (go build -race reports the race); docs/peers.md (gearman-go); library certification gearman-go worker baseline (races); [MATRIX:*/reference/gearman-go/*] 2026-12-04 and 2026-12-05',
  },
  {
    id: 'gearmanode-worker/assign-split-in-header',
    workers: ['gearmanode'],
    scenarios: ['payload-binary', 'payload-64k', 'payload-1mib'],
    outcomes: /^(corrupted:[A-Za-z0-9,-]+|worker-never-assigned)(\+worker-stuck)?(\+client-stuck)?$/,
    kind: 'interop-bug',
    why: 'gearmanode reassembles packets wrongly when a read ends inside the next packet’s 12-byte header (the fragment replaces what was buffered instead of being appended). On the worker side a JOB_ASSIGN split that way is never seen: the job stays with a worker that waits for the rest of a packet, and the client waits for its result. Where reads split depends on sizes and scheduling, so which payload is hit, if any, changes from run to run.',
    source:
      'gearmanode/lib/gearmanode/job-server.js:303-318; library certification worker/framing/assign-split-in-header (gearmanode worker baseline, flaky); [MATRIX:*/reference/gearmanode/payload-*] 2026-12-04 and 2026-12-05',
  },
  {
    id: 'gearmanode-worker/lost-assign-on-abraxas',
    servers: ['abraxas'],
    workers: ['gearmanode'],
    scenarios: '*',
    outcomes: /^(?!harness-error)[a-z][A-Za-z0-9:,-]*\+worker-stuck(\+client-stuck)?$/,
    kind: 'interop-bug',
    why: 'Through the abraxas server the gearmanode worker sometimes never sees a JOB_ASSIGN that reached its socket (the relay in front of it recorded the packet; the worker sent nothing more): abraxas writes a packet whose body is a stream as the header and arguments first and the body after, and a body shorter than 12 bytes that arrives in a read of its own is taken by gearmanode for the start of the next header and dropped, so the worker waits for the rest of the job for ever. Whether the two writes arrive together depends on load; the job it loses may be any scenario’s, here the other client’s job in slow-consumer.',
    source:
      'gearmanode/lib/gearmanode/job-server.js:303-306 (a read shorter than a header replaces the buffered fragment); gearman-packet packet-emitter.js:99-106 (streamed body pushed apart from the header); [MATRIX:abraxas/reference/gearmanode/slow-consumer] 2026-12-07 CI and containers (relay: JOB_ASSIGN forwarded, no WORK_COMPLETE)',
  },
  {
    id: 'abraxas-server/crash-noop-to-closing-worker',
    servers: ['abraxas'],
    workers: ['gearman-go'],
    scenarios: ['silent-worker', 'servers-one-down'],
    outcomes: /^(unlisted-then-ended|client-error)(\+worker-error)?(\+worker-(gone|stuck))?(\+client-stuck)?\+server-crashed$/,
    kind: 'interop-bug',
    why: 'The abraxas job server crashed ("write after end", an unhandled error event) when the silent worker’s connection was reset: the error handler destroys the connection, and recordDisconnect requeues the worker’s job and wakes the sleeping workers before it removes the closing connection from them, so it sends NOOP to that very connection. The gearman-go worker asks for its next job (and goes to sleep) right after it is assigned one, so abraxas lists it as sleeping while it holds the job. Depends on whether the reset arrives as an error or an end, so only some runs crash. The same crash ends servers-one-down: the gearman-go worker given a down server and the live abraxas registers and sleeps on abraxas, then exits when it cannot reach the down one (its Ready fails), and its connection closes while abraxas lists it as sleeping; the client’s job then finds no server.',
    source:
      'abraxas 2.1.10 server.js:58 (once error → destroy), 68, 101-115 (recordDisconnect wakes before removeAllWorkers), 187 (wakeWorkers → sendNoop), server-connection.js:171, in the server log; [MATRIX:abraxas/reference/gearman-go/silent-worker] 2026-12-07 CI and containers; [MATRIX:abraxas/reference/gearman-go/servers-one-down] 2026-12-07 CI, native drivers (the same stack in the server log)',
  },
  {
    id: 'abraxas-server/stale-result-for-reused-handle-gear',
    servers: ['abraxas'],
    workers: ['gear'],
    scenarios: ['server-restart-mid-job'],
    outcomes: /^failed\/client-wrong-result\/worker-(absent|gone|back)$/,
    kind: 'interop-bug',
    why: 'As abraxas-server/stale-result-for-reused-handle (declared for the gearmanode worker): the restarted abraxas gives out job:1 again and takes WORK_COMPLETE for it from any connection. gear sends the held job’s WORK_COMPLETE on the connection object the job came on; when gear’s own reconnect has already opened it again to the restarted server, the old result lands on the new job that now has job:1 (otherwise the write fails and the worker ends, gear-worker/finishes-into-dead-connection). Which of the two happens depends on whether the reconnect wins the race.',
    source:
      'abraxas server.js:123-130, 216-221, server-job.js:11; gear 0.16.0 gear/__init__.py:1905 (sendWorkComplete on job.connection); [MATRIX:abraxas/reference/gear/server-restart-mid-job] 2026-12-07 containers: after: created(job:1), complete("in flight")',
  },
  {
    id: 'abraxas-server/late-assignment',
    servers: ['abraxas'],
    scenarios: '*',
    outcomes: /^(worker-never-assigned|no-result|lost)(\+worker-stuck)?(\+client-stuck)?$/,
    kind: 'interop-bug',
    why: 'The abraxas job server sometimes hands a queued job to an idle, sleeping worker seconds late: in the transcripts a job submitted while an earlier scenario’s job was still queued reached the worker about 3 s later, after the scenario’s deadline, and the client was left waiting. A job requeued after its worker died is handed out the same way, so the rescuing worker may not get it in time (worker-death: lost). Seen with different clients (node-gearman, gear) and scenarios; not yet traced to a line of abraxas, so it is declared as a race of the server and listed in docs/peers.md as open.',
    source:
      '[MATRIX:abraxas/node-gearman/reference/streaming], [MATRIX:abraxas/gear/reference/worker-death] 2026-12-05, [MATRIX:abraxas/reference/gearmanode/worker-death] 2026-12-06 CI (lost) (transcripts in reports/interop/cells)',
  },
  {
    id: 'gearmanode-worker/absent-after-one-abraxas-goes',
    servers: ['abraxas'],
    workers: ['gearmanode'],
    scenarios: ['servers-one-goes-down'],
    outcomes: /^client-waiting\/worker-absent$/,
    kind: 'interop-bug',
    why: 'With two abraxas servers, the gearmanode worker ran both jobs while both were up; once the first went down (gearmanode reported socketDisconnect for it) the surviving server listed no worker for the function, and the job submitted there was never run. Seen once, in the clean-clone CI; every other run of this cell kept the worker on the surviving server. gearmanode’s disconnect path (job-server.js:181-208) and abraxas’s handling of a worker that lost its other server are the suspects; not yet traced to a line, so it is declared as a race and listed in docs/peers.md as open.',
    source: '[MATRIX:abraxas/reference/gearmanode/servers-one-goes-down] 2026-12-07 clean-clone CI (transcript: before-1 and before-2 complete, "after" created as job:117, worker absent)',
  },
];
