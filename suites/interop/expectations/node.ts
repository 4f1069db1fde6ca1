/**
 * Declared interop differences of the Node libraries (abraxas 2.1.10, npm gearman 2.1.0,
 * gearmanode 0.9.2, node-gearman 0.2.2), on every server unless a server is named. Sources are
 * files of the pinned packages under src/peers/drivers/node/node_modules; docs/peers.md has the
 * findings in prose. They apply to the reference server, C gearmand and Perl gearmand, and come
 * before the Debian libraries' entries (the library, not the Perl server, decides these cells);
 * the other servers' cells are in observed.ts.
 */
import type { ServerPeerName } from '../../../src/peers/registry/index.js';
import type { Expectation } from '../../../src/interop/declared.js';

/**
 * A worker process that dies with the job: the client waits (gearmand, reference) or gets WORK_FAIL
 * (Perl fails the job of a worker that disconnects). The driver reports the uncaught error on its
 * way out; whether that report is read before the process is gone is timing (+worker-error).
 */
const WORKER_DIED_WITH_THE_JOB = ['no-result+worker-error+worker-gone+client-stuck', 'failed+worker-error+worker-gone', 'no-result+worker-gone+client-stuck', 'failed+worker-gone'];
/** Where these were observed; the other servers' cells are in observed.ts. */
const OBSERVED_ON: readonly ServerPeerName[] = ['reference', 'gearmand', 'perl-gearmand'];

export const NODE_EXPECTATIONS: readonly Expectation[] = [
  // ---- On Perl Gearman::Server.
  {
    id: 'perl-server/abraxas-worker-grab-job-uniq',
    servers: ['perl-gearmand'],
    workers: ['abraxas'],
    scenarios: ['foreground'],
    expect: 'worker-never-assigned+worker-stuck+client-stuck',
    blocksCell: true,
    kind: 'unsupported',
    why: 'abraxas workers grab only with GRAB_JOB_UNIQ, which Perl Gearman::Server 1.130 answers with ERROR; abraxas has no fallback, so the worker never gets a job.',
    source: 'abraxas/client-connection.js:86-88; /usr/share/perl5/Gearman/Server/Client.pm:355 (CMD_grab_job only); [MATRIX:perl-gearmand/reference/abraxas/foreground]',
  },
  {
    id: 'perl-server/node-workers-data-refused',
    servers: ['perl-gearmand'],
    workers: ['gearmanode', 'npm-gearman'],
    scenarios: ['streaming'],
    expect: 'data-warning-dropped+worker-error',
    kind: 'unsupported',
    why: 'Perl Gearman::Server answers WORK_DATA and WORK_WARNING with ERROR (it has no handler for them) and drops them; these libraries hand that ERROR to the application, which the driver reports as a worker error.',
    source: 'Gearman/Server/Client.pm (no CMD_work_data / CMD_work_warning); spec §4.15; [MATRIX:perl-gearmand/reference/gearmanode|npm-gearman/streaming]',
  },
  // ---- abraxas client.
  {
    id: 'abraxas-client/status-as-fraction',
    servers: OBSERVED_ON,
    clients: ['abraxas'],
    scenarios: ['background-status'],
    expect: 'status-progress-wrong',
    kind: 'interop-bug',
    why: 'abraxas hands a WORK_STATUS / STATUS_RES to the application as one fraction (numerator / denominator, truncated with |0 for GET_STATUS), so the numerator and denominator the worker sent cannot be told apart.',
    source: 'abraxas/client-connection.js:213, abraxas/client-jobs.js:28; [MATRIX:*/abraxas/reference/background-status]',
  },
  {
    id: 'abraxas-client/data-merged-into-result',
    servers: OBSERVED_ON,
    clients: ['abraxas'],
    scenarios: ['streaming'],
    expect: 'stream-differs',
    kind: 'interop-bug',
    why: 'abraxas pipes every WORK_DATA body into the same stream as the WORK_COMPLETE result, so the client sees one result with the data chunks in front of it instead of separate data events.',
    source: 'abraxas/client-connection.js:232,262; [MATRIX:*/abraxas/reference/streaming]',
  },
  {
    id: 'abraxas-client/exceptions-always-on',
    servers: OBSERVED_ON,
    clients: ['abraxas'],
    scenarios: ['exception-no-option'],
    expect: 'exception',
    kind: 'interop-bug',
    why: 'abraxas sends OPTION_REQ "exceptions" on every connection it opens, whatever the application asked, so a client that did not want exceptions gets WORK_EXCEPTION.',
    source: 'abraxas/client-connection.js:42; [MATRIX:*/abraxas/reference/exception-no-option]',
  },
  // ---- npm gearman client.
  {
    id: 'npm-gearman-client/status-denominator-one-byte',
    servers: OBSERVED_ON,
    clients: ['npm-gearman'],
    scenarios: ['background-status'],
    expect: 'status-progress-wrong',
    kind: 'interop-bug',
    why: 'STATUS_RES is decoded with the format "ssss8": the denominator is read as a single byte, so "7" becomes 55.',
    source: 'gearman/index.js:427; [MATRIX:*/npm-gearman/reference/background-status]',
  },
  {
    id: 'npm-gearman-client/work-fail-trailing-nul',
    servers: ['gearmand'],
    clients: ['npm-gearman'],
    scenarios: ['exception-no-option'],
    expect: 'no-result+client-stuck',
    kind: 'interop-bug',
    why: 'gearmand turns a WORK_EXCEPTION for a client without the option into WORK_FAIL with a trailing NUL; npm gearman parses WORK_FAIL as one string, keeps the NUL in the handle and matches no job, so the client waits forever.',
    source: 'gearman/index.js:499; spec §4.9 (WORK_FAIL after an exception); [MATRIX:gearmand/npm-gearman/reference/exception-no-option]',
  },
  // ---- gearmanode client.
  {
    id: 'gearmanode-client/short-read-reassembly',
    servers: OBSERVED_ON,
    clients: ['gearmanode'],
    scenarios: ['payload-64k'],
    expect: ['corrupted:65519+client-stuck', 'corrupted:65519,65520+client-stuck', 'corrupted:65520+client-stuck'],
    kind: 'interop-bug',
    why: 'gearmanode reassembles packets wrongly when a read ends less than 12 bytes into the next header: the fragment overwrites the previous one instead of being appended, so a reply of about 64 KiB whose chunks fall that way is lost and the client waits forever.',
    source: 'gearmanode/lib/gearmanode/job-server.js:303-318; [MATRIX:*/gearmanode/reference/payload-64k]',
  },
  {
    id: 'gearmanode-client/work-fail-trailing-nul',
    servers: ['gearmand'],
    clients: ['gearmanode'],
    scenarios: ['exception-no-option'],
    expect: 'no-result+client-stuck',
    kind: 'interop-bug',
    why: 'gearmanode parses WORK_FAIL with the handle running to the end of the packet, so the trailing NUL gearmand sends after an exception stays in the handle and matches no job.',
    source: 'gearmanode/lib/gearmanode/protocol.js:44; [MATRIX:gearmand/gearmanode/reference/exception-no-option]',
  },
  {
    id: 'gearmanode-client/error-matched-to-wrong-job',
    servers: ['perl-gearmand'],
    clients: ['gearmanode'],
    scenarios: ['priorities'],
    expect: 'order:high,normal+client-stuck',
    kind: 'interop-bug',
    why: 'Perl Gearman::Server answers SUBMIT_JOB_LOW with ERROR; gearmanode only raises it as an event and leaves the refused job first in the queue waiting for JOB_CREATED, so the next JOB_CREATED is matched to the wrong job and the batch never finishes.',
    source: 'gearmanode/lib/gearmanode/job-server.js:367-395; [MATRIX:perl-gearmand/gearmanode/reference/priorities]',
  },
  // ---- node-gearman client.
  {
    id: 'node-gearman-client/no-background-handle',
    servers: OBSERVED_ON,
    clients: ['node-gearman'],
    scenarios: ['background-status', 'priorities'],
    expect: ['not-created+worker-stuck', 'not-created+client-stuck', 'not-created'],
    kind: 'unsupported',
    why: 'node-gearman sends a background submit but never gives its handle back to the application (the submit carries its false callback as an extra empty field), so nothing can be done with the job afterwards.',
    source: 'node-gearman/lib/gearman.js:546 and 260-263; [MATRIX:*/node-gearman/reference/background-status|priorities]',
  },
  {
    id: 'node-gearman-client/data-merged-into-result',
    servers: OBSERVED_ON,
    clients: ['node-gearman'],
    scenarios: ['streaming'],
    expect: 'stream-differs',
    kind: 'interop-bug',
    why: 'node-gearman delivers WORK_DATA and the WORK_COMPLETE body as chunks of one stream, and drops WORK_WARNING and WORK_STATUS (no handler), so the client sees one joined result.',
    source: 'node-gearman/lib/gearman.js:441-462, 392-397; [MATRIX:*/node-gearman/reference/streaming]',
  },
  {
    id: 'node-gearman-client/no-exceptions-option',
    servers: OBSERVED_ON,
    clients: ['node-gearman'],
    scenarios: ['exception-option', 'exception-throw', 'worker-exit'],
    expect: 'client-refused',
    kind: 'unsupported',
    why: 'node-gearman has no OPTION_REQ call, so a client cannot ask for exceptions; the driver refuses the submit that needs it.',
    source: 'node-gearman/lib/gearman.js (no OPTION_REQ); [MATRIX:*/node-gearman/reference/exception-option]',
  },
  {
    id: 'node-gearman-client/work-fail-trailing-nul',
    servers: ['gearmand'],
    clients: ['node-gearman'],
    scenarios: ['exception-no-option'],
    expect: 'no-result+client-stuck',
    kind: 'interop-bug',
    why: "node-gearman keeps the trailing NUL of gearmand's WORK_FAIL in the handle and matches no job.",
    source: 'node-gearman/lib/gearman.js:355-362, 430-439; [MATRIX:gearmand/node-gearman/reference/exception-no-option]',
  },
  // ---- abraxas worker.
  {
    id: 'abraxas-worker/status-as-percent',
    servers: OBSERVED_ON,
    workers: ['abraxas'],
    scenarios: ['background-status'],
    expect: 'status-progress-wrong',
    kind: 'interop-bug',
    why: 'abraxas sends WORK_STATUS as a percentage over 100 ("33.33333333333333/100") instead of the numerator and denominator the application gave.',
    source: 'abraxas/client-connection.js:145, abraxas/task-worker.js:53; [MATRIX:*/reference/abraxas/background-status]',
  },
  {
    id: 'abraxas-worker/data-buffered',
    servers: OBSERVED_ON,
    workers: ['abraxas'],
    scenarios: ['streaming'],
    expect: 'stream-differs',
    kind: 'interop-bug',
    why: 'An abraxas worker buffers what the function writes into the WORK_COMPLETE unless the server grants its own "streaming" option, so no WORK_DATA is sent.',
    source: 'abraxas/worker.js:228,234; [MATRIX:*/reference/abraxas/streaming]',
  },
  {
    id: 'abraxas-worker/throw-is-exception',
    servers: OBSERVED_ON,
    workers: ['abraxas'],
    scenarios: ['exception-throw'],
    expect: 'exception',
    kind: 'alternative',
    alternative: 'exception-terminal',
    why: 'abraxas reports a function that throws as WORK_EXCEPTION carrying "Error: …" followed by WORK_FAIL; a client with the exceptions option ends on the exception.',
    source: 'abraxas/client-connection.js:133-140; [MATRIX:*/reference/abraxas/exception-throw]',
  },
  {
    id: 'abraxas-worker/fail-is-exception-then-fail-gearmand',
    servers: ['gearmand'],
    workers: ['abraxas'],
    scenarios: ['fail-native', 'exception-no-option'],
    expect: 'failed+worker-error+worker-gone',
    kind: 'interop-bug',
    why: 'abraxas has no plain WORK_FAIL: a failed task sends WORK_EXCEPTION and then WORK_FAIL. gearmand ends the job on the exception and answers the WORK_FAIL with ERROR "Job given in work result not found"; abraxas does not handle that ERROR and the worker process ends.',
    source: 'abraxas/client-connection.js:22-30, 133-140; [MATRIX:gearmand/reference/abraxas/fail-native]',
  },
  // ---- gearmanode worker.
  {
    id: 'gearmanode-worker/result-as-utf8-text',
    servers: OBSERVED_ON,
    workers: ['gearmanode'],
    scenarios: ['payload-binary'],
    expect: 'corrupted:every-byte,high-bytes',
    kind: 'interop-bug',
    why: "gearmanode's workComplete turns the result into a UTF-8 string before sending it, so every byte ≥ 0x80 is replaced.",
    source: 'gearmanode/lib/gearmanode/worker.js:320, protocol.js:152-153; [MATRIX:*/reference/gearmanode/payload-binary]',
  },
  {
    id: 'gearmanode-worker/large-result-as-utf8-text',
    servers: OBSERVED_ON,
    workers: ['gearmanode'],
    scenarios: ['payload-64k', 'payload-1mib'],
    expect: ['corrupted:65480,65495,65510,65519,65520,65524,65535,65536', 'corrupted:1MiB', 'worker-never-assigned+client-stuck'],
    kind: 'interop-bug',
    why: "The same UTF-8 conversion corrupts the large patterned results (they hold bytes ≥ 0x80); a reply that grows past the server's limit in the conversion can leave the client waiting.",
    source: 'gearmanode/lib/gearmanode/worker.js:320; [MATRIX:*/reference/gearmanode/payload-64k|payload-1mib]',
  },
  // ---- Workers whose process ends when the function throws.
  {
    id: 'node-workers/throw-kills-process',
    servers: OBSERVED_ON,
    workers: ['gearmanode', 'node-gearman', 'npm-gearman'],
    scenarios: ['exception-throw'],
    expect: WORKER_DIED_WITH_THE_JOB,
    kind: 'interop-bug',
    why: 'These libraries call the worker function without a try/catch, so a throw escapes into Node and ends the worker process; no result is sent and the job stays with the dead worker until the server notices.',
    source: 'gearmanode/lib/gearmanode/worker.js:246; node-gearman/lib/gearman.js:464-470; gearman/index.js:51; [MATRIX:*/reference/gearmanode|node-gearman|npm-gearman/exception-throw]',
  },
  // ---- node-gearman worker.
  {
    id: 'node-gearman-worker/no-status-warning-exception',
    workers: ['node-gearman'],
    scenarios: ['background-status', 'streaming', 'exception-option', 'exception-no-option'],
    expect: 'form-unsupported',
    kind: 'unsupported',
    why: 'A node-gearman worker can only write data, end or fail (write / end / error): it has no WORK_STATUS, WORK_WARNING or WORK_EXCEPTION call, so the driver refuses these behaviours at registration, whatever the server.',
    source: 'node-gearman/lib/gearman.js:498-523; [MATRIX:*/reference/node-gearman/*]',
  },
];
