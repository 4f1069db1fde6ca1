// gearspec driver for abraxas 2.1.10 (npm), client and worker roles (GEARSPEC_ROLE).
// The control protocol is docs/driver-protocol.md; the shared plumbing is ./control.mjs.
// Library facts the mapping below rests on (paths inside node_modules/abraxas):
// - every connection sends OPTION_REQ "exceptions" by itself (client-connection.js:42), so the
//   `exceptions` setting cannot turn it off; the driver still keeps one client per setting;
// - a client task is a stream: WORK_DATA bodies and the WORK_COMPLETE body are piped into one
//   result stream (client-connection.js:212-214, 247-253), so data arrives inside `complete`;
// - WORK_STATUS reaches the client as one fraction (client-connection.js:195-200), and a worker
//   sends status as a percentage (task-worker.js:50, client-connection.js:145-147);
// - warnings and exception payloads are decoded to strings (client-connection.js:208, 233);
// - a worker's writes are buffered into WORK_COMPLETE unless the server grants the abraxas-only
//   "streaming" option (worker.js:217-248); task.error() sends WORK_EXCEPTION + WORK_FAIL, or
//   WORK_WARNING + WORK_FAIL without the exceptions option (client-connection.js:129-139).
import { createRequire } from 'node:module';
import { runRole, SERVERS, start, send, b64, unb64, serve, runSteps, unsupportedOutcome, endWith, onQuit, errorText } from './control.mjs';

const require = createRequire(import.meta.url);
const Gearman = require('abraxas');
const VERSION = require('abraxas/package.json').version;

await start({
  implementation: 'abraxas',
  library: `abraxas ${VERSION} on Node ${process.version}`,
  version: VERSION,
});

function connect() {
  // Objects rather than 'host:port' strings: abraxas splits strings at the first colon (client.js:44).
  const client = Gearman.Client.connect({ servers: SERVERS.map(({ host, port }) => ({ host, port })) });
  client.on('connection-error', (err) => process.stderr.write(`abraxas connection-error: ${errorText(err)}\n`));
  onQuit(() => client.disconnect());
  return client;
}

// The concatenated result stream of a task (concat-stream gives [] when nothing came).
const asBuffer = (v) => (Buffer.isBuffer(v) ? v : Array.isArray(v) ? Buffer.concat(v.map((x) => Buffer.from(x))) : Buffer.from(v == null ? '' : String(v)));

// ------------------------------------------------------------------ client
const clients = new Map(); // exceptions setting -> abraxas client

function clientFor(exceptions) {
  const key = exceptions == null ? 'default' : String(Boolean(exceptions));
  if (!clients.has(key)) clients.set(key, connect());
  return clients.get(key);
}

// Submits one job; resolves once it has ended (a background job: once it is created).
function submitOne(client, job) {
  return new Promise((resolve) => {
    const id = job.id;
    const options = {};
    if (job.priority === 'high' || job.priority === 'low') options.priority = job.priority;
    if (job.unique != null) options.uniqueid = job.unique;
    const payload = unb64(job.payload);
    let ended = false;
    const end = (event) => {
      if (ended) {
        process.stderr.write(`abraxas: second end for job ${id}: ${JSON.stringify(event)}\n`);
        return;
      }
      ended = true;
      send(event);
      resolve();
    };
    let task;
    try {
      if (job.background) {
        task = client.submitJobBg(job.function, options, payload, (err) => {
          if (err) return end({ event: 'error', id, message: errorText(err) });
          send({ event: 'created', id, handle: String(task.jobid) });
          ended = true;
          resolve();
        });
        return;
      }
      task = client.submitJob(job.function, options, payload, (err, result) => {
        if (!err) return end({ event: 'complete', id, payload: b64(asBuffer(result)) });
        // The library's own error classes (errors.js): JobException extends JobFail.
        if (err.name === 'JobException') return end({ event: 'exception', id, payload: b64(Buffer.from(String(err.message ?? ''), 'utf8')) });
        if (err.name === 'JobFail') return end({ event: 'fail', id });
        return end({ event: 'error', id, message: `${err.name || 'Error'}: ${errorText(err)}` });
      });
    } catch (err) {
      end({ event: 'error', id, message: errorText(err) });
      return;
    }
    task.on('created', () => send({ event: 'created', id, handle: String(task.jobid) }));
    // The library hands over one fraction (complete/total); there is no separate denominator.
    task.on('status', (fraction) => send({ event: 'status', id, numerator: String(fraction), denominator: '' }));
    task.on('warn', (text) => send({ event: 'warning', id, payload: b64(Buffer.from(String(text), 'utf8')) }));
  });
}

async function runJobs(jobs, exceptions) {
  const client = clientFor(exceptions);
  await Promise.all(jobs.map((job) => submitOne(client, job)));
}

function status(cmd) {
  return new Promise((resolve) => {
    const client = clientFor(undefined);
    client.getStatus(cmd.handle, (err, st) => {
      if (err) send({ event: 'error', id: cmd.id, message: errorText(err) });
      else {
        // known/running are counts of servers; complete is a fraction (client-jobs.js:16-31).
        send({
          event: 'status-res',
          id: cmd.id,
          known: (st?.known | 0) > 0,
          running: (st?.running | 0) > 0,
          numerator: String(st?.complete ?? ''),
          denominator: '',
        });
      }
      resolve();
    });
  });
}

// ------------------------------------------------------------------ worker
// The forms abraxas can express (see the outcome code in makeHandler).
const FORMS = {
  complete: ['native', 'call'],
  fail: ['native', 'throw', 'call'],
  exception: ['native', 'throw', 'call'],
};

function makeHandler(name, behaviour) {
  return async (task) => {
    const handle = String(task.jobid);
    const workload = task.payload; // set by registerWorker from the payload stream (worker.js:154-159)
    send({
      event: 'job',
      handle,
      function: name,
      payload: b64(asBuffer(workload)),
      ...(task.uniqueid != null ? { unique: String(task.uniqueid) } : {}),
    });
    await runSteps(behaviour.steps, {
      handle,
      data: (buf) => {
        task.write(buf);
      }, // the task stream: buffered into the result
      warning: (buf) => {
        task.warn(buf);
      },
      status: (n, d) => {
        task.status(Number(n) / Number(d));
      }, // the API takes a fraction
    });
    const out = behaviour.outcome;
    const form = out.form ?? 'native';
    if (out.kind === 'die' || out.kind === 'exit') endWith(out);
    send({ event: 'finished', handle, outcome: out.kind });
    if (out.kind === 'complete') {
      const result = out.payload != null ? unb64(out.payload) : workload;
      if (form === 'call') {
        task.end(result);
        return undefined;
      }
      return result; // a returned value completes the job
    }
    if (out.kind === 'fail') {
      if (form === 'throw') throw new Error('job failed');
      if (form === 'call') {
        task.error();
        return undefined;
      }
      return new Error('job failed'); // a returned Error fails the job (worker.js:245)
    }
    // exception
    const payload = unb64(out.payload);
    if (form === 'throw') throw new Error(payload.toString('utf8'));
    task.error(payload); // native and call: the task's error method
    return undefined;
  };
}

async function workerRole() {
  const registered = [];
  const stop = await serve(
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
        // Like an application: connect and register every function in one go; abraxas asks for
        // work once they are all registered (worker.js:98-107) and runs its own loop from then on.
        const client = connect();
        for (const [fn, behaviour] of registered) client.registerWorker(fn, makeHandler(fn, behaviour));
      },
    },
    { stopOn: ['work'] },
  );
  return stop;
}

await runRole({ runJobs: (jobs, cmd) => runJobs(jobs, cmd.exceptions), status, workerRole });
