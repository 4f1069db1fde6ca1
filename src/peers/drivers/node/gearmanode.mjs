// gearspec driver for gearmanode 0.9.2 (npm), client and worker roles (GEARSPEC_ROLE).
// The control protocol is docs/driver-protocol.md; the shared plumbing is ./control.mjs.
// Library facts the mapping below rests on (paths inside node_modules/gearmanode):
// - the client and the worker take every server ({servers: [...]}); the client picks one per job
//   with its 'Sequence' load balancer (lib/gearmanode/load-balancing.js:126), the worker sends
//   CAN_DO + PRE_SLEEP to each (lib/gearmanode/worker.js:114-124);
// - the client never asks for exceptions itself; OPTION_REQ is JobServer#setOption
//   (lib/gearmanode/job-server.js:234), one per server connection;
// - GET_STATUS exists only as Job#getStatus of a background job this client submitted
//   (lib/gearmanode/client.js:321-333); the answer is the job's 'status' event;
// - a worker function's return value is ignored (worker.js:246): a job ends only through the
//   Job's explicit calls (workComplete / reportError / reportException), so `native` and `call`
//   are the same call here; the function is called synchronously from the socket's data handler,
//   so a throw escapes into Node's event loop (the process dies);
// - workComplete stringifies its data (worker.js:320), the other calls pass Buffers through;
// - a created job whose connection is lost is never finished by the library (job-server.js:181-209
//   only closes jobs still waiting for JOB_CREATED); the driver reports the client's
//   'socketDisconnect' as an error without ending the job.
import { createRequire } from 'node:module';
import { runRole, SERVERS, start, send, b64, unb64, serve, runJobSync, unsupportedOutcome, onQuit, errorText, fatal } from './control.mjs';

const require = createRequire(import.meta.url);
const winston = require('winston');
const gearmanode = require('gearmanode');
const VERSION = require('gearmanode/package.json').version;

// The library logs through named winston loggers; without a transport winston 3 complains about
// every call. Warnings and errors go to stderr (the driver's log), as an application would set it.
for (const name of ['Client', 'Worker', 'JobServer', 'Job', 'LBStrategy', 'protocol']) {
  winston.loggers.get(name).add(
    new winston.transports.Console({
      level: 'warn',
      stderrLevels: ['error', 'warn'],
      format: winston.format.combine(winston.format.splat(), winston.format.simple()),
    }),
  );
}

await start({
  implementation: 'gearmanode',
  library: `gearmanode ${VERSION} on Node ${process.version}`,
  version: VERSION,
});

const serverOptions = () => ({ servers: SERVERS.map(({ host, port }) => ({ host, port })) });
const log = (text) => process.stderr.write(`gearmanode driver: ${text}\n`);
let quitting = false;
onQuit(() => {
  quitting = true;
});

// ------------------------------------------------------------------ client
const clients = new Map(); // exceptions setting -> gearmanode Client
const pending = new Set(); // {job, id, end} for every job or status request still waiting
const byHandle = new Map(); // handle -> the library's Job (for `status`)

function clientFor(exceptions) {
  const key = exceptions == null ? 'default' : String(Boolean(exceptions));
  if (clients.has(key)) return clients.get(key);
  const client = gearmanode.client(serverOptions());
  if (client instanceof Error) throw client; // the constructor returns its validation error
  client.on('error', (err) => send({ event: 'error', message: `gearmanode client error: ${errorText(err)}` }));
  client.on('jobServerError', (uid, code, message) => send({ event: 'error', message: `job server ${uid} ERROR ${code}: ${message}` }));
  client.on('socketError', (uid, err) => log(`socketError ${uid}: ${errorText(err)}`));
  client.on('socketDisconnect', (uid, err) => {
    // Only the client hears of it: created jobs of that connection get no event and stay
    // unfinished (job-server.js:181-209). Reported, not turned into an end of those jobs.
    if (!quitting) send({ event: 'error', message: `gearmanode client: connection to ${uid} lost (socketDisconnect${err ? `: ${errorText(err)}` : ''})` });
  });
  if (exceptions === true) {
    for (const js of client.jobServers) {
      const r = js.setOption('exceptions');
      if (r instanceof Error) throw r;
    }
  }
  onQuit(() => client.close());
  clients.set(key, client);
  return client;
}

function waiter(job, id, resolve) {
  const p = { job, id, ended: false };
  p.end = (event) => {
    if (p.ended) {
      log(`second end for ${id}: ${JSON.stringify(event)}`);
      return;
    }
    p.ended = true;
    pending.delete(p);
    if (event) send(event);
    resolve();
  };
  pending.add(p);
  return p;
}

// Submits one job; resolves once it has ended (a background job: once it is created).
function submitOne(client, spec) {
  return new Promise((resolve) => {
    const { id } = spec;
    const options = {};
    if (spec.background) options.background = true;
    if (spec.priority === 'high') options.priority = 'HIGH';
    if (spec.priority === 'low') options.priority = 'LOW';
    if (spec.unique != null) options.unique = spec.unique;
    const job = client.submitJob(spec.function, unb64(spec.payload), options);
    if (job instanceof Error) {
      // synchronous validation errors are returned (README "Error handling")
      send({ event: 'error', id, message: job.message });
      resolve();
      return;
    }
    const p = waiter(job, id, resolve);
    job.on('created', () => {
      byHandle.set(job.handle, job);
      send({ event: 'created', id, handle: String(job.handle) });
      if (job.background) p.end(null);
    });
    job.on('workData', (data) => send({ event: 'data', id, payload: b64(data) }));
    job.on('warning', (data) => send({ event: 'warning', id, payload: b64(data) }));
    job.on('status', (st) => {
      // A foreground job's 'status' is a relayed WORK_STATUS (client.js:249-258); a background
      // job's is a STATUS_RES, taken by the status command below.
      if (job.background) return;
      send({ event: 'status', id, numerator: String(st.percent_done_num ?? ''), denominator: String(st.percent_done_den ?? '') });
    });
    job.on('complete', () => p.end({ event: 'complete', id, payload: b64(job.response) }));
    job.on('failed', () => p.end({ event: 'fail', id }));
    job.on('exception', (data) => p.end({ event: 'exception', id, payload: b64(data) }));
    job.on('timeout', () => p.end({ event: 'error', id, message: 'gearmanode: job timeout' }));
    job.on('error', (err) => {
      if (!p.ended) p.end({ event: 'error', id, message: errorText(err) });
    });
    job.on('close', () => {
      // Job#close from the library: its connection ended before JOB_CREATED (job-server.js:192).
      if (!p.ended && !(job.background && job.handle)) p.end({ event: 'error', id, message: 'gearmanode closed the job before it ended (connection lost)' });
    });
  });
}

async function runJobs(jobs, exceptions) {
  const client = clientFor(exceptions);
  await Promise.all(jobs.map((spec) => submitOne(client, spec)));
}

function status(cmd) {
  const job = byHandle.get(cmd.handle);
  if (!job) {
    throw new Error(`gearmanode asks for a job's status only through the Job of a background job this client submitted (client.js:321); no job with handle ${cmd.handle}`);
  }
  return new Promise((resolve) => {
    const p = waiter(job, cmd.id, resolve);
    const onStatus = (st) =>
      p.end({
        event: 'status-res',
        id: cmd.id,
        known: Boolean(st.known),
        running: Boolean(st.running),
        numerator: String(st.percent_done_num ?? ''),
        denominator: String(st.percent_done_den ?? ''),
      });
    job.once('status', onStatus);
    const r = job.getStatus();
    if (r instanceof Error) {
      job.removeListener('status', onStatus);
      p.end({ event: 'error', id: cmd.id, message: r.message });
    }
  });
}

// ------------------------------------------------------------------ worker
// Job#workComplete / reportError / reportException are both the native way and the explicit
// call; a throw escapes the library's synchronous dispatch.
const FORMS = {
  complete: ['native', 'call'],
  fail: ['native', 'throw', 'call'],
  exception: ['native', 'throw', 'call'],
};

function libraryCall(what, result) {
  if (result instanceof Error) send({ event: 'error', message: `${what}: ${result.message}` });
}

function makeFunction(name, behaviour) {
  const steps = behaviour.steps ?? [];
  return (job) => {
    const { handle } = job;
    const workload = job.payload; // a Buffer (no toStringEncoding)
    send({
      event: 'job',
      handle,
      function: name,
      payload: b64(workload),
      ...(job.unique != null ? { unique: String(job.unique) } : {}),
    });
    runJobSync(
      steps,
      behaviour.outcome,
      handle,
      {
        data: (bytes) => libraryCall('sendWorkData', job.sendWorkData(bytes)),
        warning: (bytes) => libraryCall('reportWarning', job.reportWarning(bytes)),
        status: (n, d) => libraryCall('reportStatus', job.reportStatus(n, d)),
      },
      {
        complete: (payload) => job.workComplete(payload ?? workload),
        fail: () => job.reportError(),
        exception: (payload) => job.reportException(payload),
      },
    );
  };
}

async function workerRole() {
  const registered = [];
  await serve(
    {
      register: (cmd) => {
        const why = unsupportedOutcome(cmd.behaviour?.outcome, FORMS);
        if (why) {
          send({ event: 'error', id: cmd.id, message: why });
          return;
        }
        registered.push([cmd.function, cmd.behaviour]);
      },
      work: () => {
        // Like an application: create the worker and add every function in one go (CAN_DO and
        // PRE_SLEEP go out on each server; the library grabs on NOOP, worker.js:226-230).
        // The library's default grab (withUnique: false → GRAB_JOB, worker.js:227-229), as an
        // application that does not ask for uniques; Perl Gearman::Server answers GRAB_JOB_UNIQ
        // with ERROR, so the option would also cut the worker off from that server.
        const worker = gearmanode.worker(serverOptions());
        if (worker instanceof Error) return fatal(`gearmanode.worker: ${worker.message}`);
        onQuit(() => worker.close());
        worker.on('error', (err) => {
          if (!quitting) fatal(`gearmanode worker error: ${errorText(err)}`);
        });
        worker.on('jobServerError', (uid, code, message) => send({ event: 'error', message: `job server ${uid} ERROR ${code}: ${message}` }));
        worker.on('socketError', (uid, err) => log(`socketError ${uid}: ${errorText(err)}`));
        worker.on('socketDisconnect', (uid, err) => {
          // The library neither reconnects nor re-registers on its own; it connects again only
          // when it next sends (job-server.js:278-286). Reported; the process goes on as the
          // library does.
          if (!quitting) send({ event: 'error', message: `gearmanode worker: connection to ${uid} lost (socketDisconnect${err ? `: ${errorText(err)}` : ''})` });
        });
        for (const [fn, behaviour] of registered) {
          const r = worker.addFunction(fn, makeFunction(fn, behaviour));
          if (r instanceof Error) send({ event: 'error', message: `addFunction ${fn}: ${r.message}` });
        }
      },
    },
    { stopOn: ['work'] },
  );
}

await runRole({ runJobs: (jobs, cmd) => runJobs(jobs, cmd.exceptions), status, workerRole });
