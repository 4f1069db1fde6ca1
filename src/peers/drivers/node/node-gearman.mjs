// gearspec driver for node-gearman 0.2.2 (npm), client and worker roles (GEARSPEC_ROLE).
// The control protocol is docs/driver-protocol.md; the shared plumbing is ./control.mjs.
// Library facts the mapping below rests on (paths inside node_modules/node-gearman):
// - one connection to one server (new Gearman(host, port), lib/gearman.js:11): the driver hands
//   it the first server of GEARSPEC_SERVER;
// - the client has no OPTION_REQ, GET_STATUS, warning, status or exception handling: packets
//   without a receive_* handler are dropped (gearman.js:392-397);
// - a foreground job is a readable stream: WORK_DATA bodies and the WORK_COMPLETE body all come
//   as 'data' chunks, then 'end' (gearman.js:441-462), so the result is their concatenation;
//   WORK_FAIL and a lost connection both arrive as 'error' "Job failed" (gearman.js:186-192, 436);
// - JOB_CREATED only sets job.handle (gearman.js:583-587), there is no event for it; a background
//   submit passes no handle callback at all (gearman.js:546), so its handle is never known;
// - the worker object has write (WORK_DATA), end (WORK_COMPLETE) and error (WORK_FAIL) only
//   (gearman.js:498-523); the worker function is called synchronously from the socket's data
//   handler (gearman.js:464-470), so a throw escapes into Node's event loop.
import { createRequire } from 'node:module';
import { runRole, SERVERS, start, send, b64, unb64, serve, runJobSync, unsupportedOutcome, onQuit, errorText, fatal } from './control.mjs';

const require = createRequire(import.meta.url);
const Gearman = require('node-gearman');
const VERSION = require('node-gearman/package.json').version;

await start({
  implementation: 'node-gearman',
  library: `node-gearman ${VERSION} on Node ${process.version}`,
  version: VERSION,
});

const log = (text) => process.stderr.write(`node-gearman driver: ${text}\n`);
const SERVER = SERVERS[0];
if (SERVERS.length > 1) log(`the library takes one server; using ${SERVER.text} of ${SERVERS.map((s) => s.text).join(',')}`);
let quitting = false;
onQuit(() => {
  quitting = true;
});

// ------------------------------------------------------------------ client
let client = null; // one connection: the library has no per-connection options to vary
const pending = new Set(); // {id, end} of every foreground job still waiting

function connection() {
  if (client) return client;
  client = new Gearman(SERVER.host, SERVER.port);
  // 'error' (socket error, out of sync) closes the connection; 'close' follows a server close
  // (README "Connection events"). Jobs with a handle get 'error' from the library; jobs still
  // waiting for JOB_CREATED are never told: reported here, not ended by the driver.
  const lost = (why) => {
    if (quitting) return;
    const waiting = [...pending].filter((p) => !p.created).map((p) => p.id);
    send({ event: 'error', message: `node-gearman: ${why}${waiting.length ? `; jobs without a handle left waiting: ${waiting.join(',')}` : ''}` });
  };
  client.on('error', (err) => lost(`connection error: ${errorText(err)}`));
  client.on('close', () => lost('connection closed'));
  onQuit(() => client.close());
  return client;
}

function submitOne(gearman, spec) {
  return new Promise((resolve) => {
    const { id } = spec;
    const options = { background: Boolean(spec.background) };
    if (spec.priority === 'high' || spec.priority === 'low') options.priority = spec.priority;
    let job;
    try {
      job = gearman.submitJob(spec.function, unb64(spec.payload), spec.unique ?? undefined, options);
    } catch (err) {
      send({ event: 'error', id, message: errorText(err) });
      resolve();
      return;
    }
    if (spec.background) {
      // The library sends SUBMIT_JOB_BG and never hands over the handle (no callback).
      send({ event: 'error', id, message: 'node-gearman submitted the background job but reports no job handle for it (lib/gearman.js:546)' });
      resolve();
      return;
    }
    const p = { id, ended: false };
    p.end = (event) => {
      if (p.ended) return;
      p.ended = true;
      pending.delete(p);
      send(event);
      resolve();
    };
    pending.add(p);
    // The handle is only stored on the job (receiveHandle); watch the assignment to report it
    // when the library gets it, without changing what the library does.
    let handle;
    Object.defineProperty(job, 'handle', {
      configurable: true,
      enumerable: true,
      get: () => handle,
      set: (h) => {
        handle = h;
        p.created = true;
        if (!p.ended) send({ event: 'created', id, handle: String(h) });
      },
    });
    const chunks = [];
    job.on('data', (chunk) => chunks.push(Buffer.from(chunk)));
    job.on('end', () => p.end({ event: 'complete', id, payload: b64(Buffer.concat(chunks)) }));
    job.on('error', (err) => {
      // WORK_FAIL and a dropped connection give the same Error; the connection state tells them apart.
      if (gearman.connected) p.end({ event: 'fail', id });
      else p.end({ event: 'error', id, message: `node-gearman: ${errorText(err)} (connection closed)` });
    });
    job.on('timeout', (err) => p.end({ event: 'error', id, message: errorText(err) }));
  });
}

async function runJobs(jobs, exceptions) {
  if (exceptions === true) {
    for (const spec of jobs) send({ event: 'error', id: spec.id, message: 'node-gearman 0.2.2 cannot ask for exceptions: it has no OPTION_REQ call and drops WORK_EXCEPTION' });
    return;
  }
  const gearman = connection();
  await Promise.all(jobs.map((spec) => submitOne(gearman, spec)));
}

// ------------------------------------------------------------------ worker
// end(data) and error() are the only ways to end a job: native and call are the same call;
// an exception has nothing of its own, so its native form is error(err) (WORK_FAIL).
const FORMS = {
  complete: ['native', 'call'],
  fail: ['native', 'throw', 'call'],
  exception: ['native', 'throw'],
};
const MISSING_STEPS = { warning: 'WORK_WARNING', status: 'WORK_STATUS' };

function cannotExpress(behaviour) {
  for (const step of behaviour?.steps ?? []) {
    if (MISSING_STEPS[step.kind]) return `node-gearman 0.2.2 has no call to send ${MISSING_STEPS[step.kind]} (its worker has write, end and error only, lib/gearman.js:498-523)`;
  }
  return unsupportedOutcome(behaviour?.outcome, FORMS);
}

function makeFunction(name, behaviour) {
  const steps = behaviour.steps ?? [];
  return (payload, worker) => {
    const { handle } = worker;
    const workload = payload ?? Buffer.alloc(0); // an empty workload arrives as undefined
    // GRAB_JOB only: the unique is not known to the worker.
    send({ event: 'job', handle, function: name, payload: b64(workload) });
    runJobSync(
      steps,
      behaviour.outcome,
      handle,
      { data: (bytes) => worker.write(bytes) },
      {
        complete: (payload) => worker.end(payload ?? workload),
        fail: () => worker.error(),
        exception: (payload) => worker.error(new Error(payload.toString('utf8'))),
      },
    );
  };
}

async function workerRole() {
  const registered = [];
  await serve(
    {
      register: (cmd) => {
        const why = cannotExpress(cmd.behaviour);
        if (why) {
          send({ event: 'error', id: cmd.id, message: why });
          return;
        }
        registered.push([cmd.function, cmd.behaviour]);
      },
      work: () => {
        // Like an application: connect and register every function (CAN_DO + GRAB_JOB each,
        // gearman.js:472-478); the library's loop runs on the socket's events from then on.
        const gearman = new Gearman(SERVER.host, SERVER.port);
        onQuit(() => gearman.close());
        // The library neither reconnects nor re-registers (init() forgets the workers, gearman.js:207).
        gearman.on('error', (err) => {
          if (!quitting) fatal(`node-gearman worker error: ${errorText(err)}`);
        });
        gearman.on('close', () => {
          if (!quitting) fatal('node-gearman worker: connection closed');
        });
        for (const [fn, behaviour] of registered) gearman.registerWorker(fn, makeFunction(fn, behaviour));
      },
    },
    { stopOn: ['work'] },
  );
}

await runRole({
  runJobs: (jobs, cmd) => runJobs(jobs, cmd.exceptions),
  status: () => {
    throw new Error('node-gearman 0.2.2 has no job-status call (it never sends GET_STATUS)');
  },
  workerRole,
});
