// gearspec driver for the npm `gearman` 2.1.0 library (mreinstein/node-gearman), client and
// worker roles (GEARSPEC_ROLE). The control protocol is docs/driver-protocol.md; the shared
// plumbing is ./control.mjs.
//
// The library is a thin packet layer (node_modules/gearman/index.js): one connection to one
// server per object, submitJob/addFunction/grabJob/sendWork* calls, and events named after the
// packets it receives (JOB_CREATED, WORK_COMPLETE, NOOP, JOB_ASSIGN, ...). It has no task or
// work-loop object, so the bookkeeping an application keeps on top of it lives here: JOB_CREATED
// carries only the handle and is matched to submits in the order they were sent (one connection
// answers in order), later packets are matched by handle, and the worker loop is the README's
// NOOP -> GRAB_JOB -> JOB_ASSIGN -> PRE_SLEEP cycle. The library takes one host and port
// (README "cons": "only supports 1 server connection per client/worker"), so with several
// servers in GEARSPEC_SERVER only the first is used.
import { createRequire } from 'node:module';
import { runRole, SERVERS, start, send, b64, unb64, serve, runSteps, unsupportedOutcome, endWith, onQuit, errorText, fatal } from './control.mjs';

const require = createRequire(import.meta.url);
const gearman = require('gearman');
const VERSION = require('gearman/package.json').version;

await start({
  implementation: 'gearman',
  library: `gearman (npm) ${VERSION} on Node ${process.version}`,
  version: VERSION,
});

const { host, port } = SERVERS[0];
if (SERVERS.length > 1) {
  process.stderr.write(`gearman driver: the library takes one server; using ${SERVERS[0].text} of ${SERVERS.map((s) => s.text).join(',')}\n`);
}

// ------------------------------------------------------------------ client
// One library object (one connection) per `exceptions` setting.
const clients = new Map();

function makeClient(exceptions) {
  const conn = gearman(host, port);
  const state = {
    conn,
    // Requests the server answers in order on this connection (OPTION_REQ -> OPTION_RES,
    // SUBMIT_JOB* -> JOB_CREATED, GET_STATUS -> STATUS_RES), oldest first: how an ERROR, which
    // names nothing, is matched to the request it refuses.
    pending: [],
    byHandle: new Map(), // handle -> [job] (a coalesced unique can share one handle)
    current: null, // the command being carried out, for failures that name no request
  };
  const jobsFor = (handle) => state.byHandle.get(handle) ?? [];
  const finish = (job, event) => {
    if (job.ended) return;
    job.ended = true;
    const list = jobsFor(job.handle).filter((j) => j !== job);
    if (list.length) state.byHandle.set(job.handle, list);
    else state.byHandle.delete(job.handle);
    if (event) send(event);
    job.resolve();
  };
  const endUnstarted = (job, message) => {
    job.ended = true;
    send({ event: 'error', id: job.id, message });
    job.resolve();
  };
  const takePending = (kind) => {
    const i = state.pending.findIndex((p) => p.kind === kind);
    if (i < 0) return null;
    return state.pending.splice(0, i + 1).pop(); // earlier unanswered requests were accepted silently
  };
  const failAll = (message) => {
    for (const p of state.pending.splice(0)) {
      if (p.kind === 'submit') endUnstarted(p.job, message);
      else if (p.kind === 'status') p.fail(message);
    }
    for (const list of [...state.byHandle.values()]) for (const job of list) finish(job, { event: 'error', id: job.id, message });
  };
  state.failAll = failAll;

  conn.on('OPTION_RES', () => {
    takePending('option');
  });
  conn.on('JOB_CREATED', (handle) => {
    const job = takePending('submit')?.job;
    if (!job) {
      process.stderr.write(`gearman driver: JOB_CREATED ${handle} with no submit waiting\n`);
      return;
    }
    job.handle = handle;
    send({ event: 'created', id: job.id, handle });
    if (job.background) {
      job.ended = true;
      job.resolve();
      return;
    }
    state.byHandle.set(handle, [...jobsFor(handle), job]);
  });
  conn.on('STATUS_RES', (st) => {
    const p = takePending('status');
    if (p) p.answer(st);
    else process.stderr.write(`gearman driver: STATUS_RES with no GET_STATUS waiting\n`);
  });
  conn.on('WORK_DATA', ({ handle, payload }) => {
    for (const job of jobsFor(handle)) send({ event: 'data', id: job.id, payload: b64(payload) });
  });
  // The library hands warnings and exceptions over as strings (_parsePacket 'ss', index.js:436-452).
  conn.on('WORK_WARNING', ({ handle, warning }) => {
    for (const job of jobsFor(handle)) send({ event: 'warning', id: job.id, payload: b64(Buffer.from(warning, 'utf8')) });
  });
  conn.on('WORK_STATUS', ({ handle, percent_num: num, percent_den: den }) => {
    for (const job of jobsFor(handle)) send({ event: 'status', id: job.id, numerator: String(num), denominator: String(den) });
  });
  conn.on('WORK_COMPLETE', ({ handle, payload }) => {
    for (const job of jobsFor(handle)) finish(job, { event: 'complete', id: job.id, payload: b64(payload) });
  });
  conn.on('WORK_FAIL', ({ handle }) => {
    for (const job of jobsFor(handle)) finish(job, { event: 'fail', id: job.id });
  });
  conn.on('WORK_EXCEPTION', ({ handle, exception }) => {
    for (const job of jobsFor(handle)) finish(job, { event: 'exception', id: job.id, payload: b64(Buffer.from(exception, 'utf8')) });
  });
  conn.on('ERROR', (code, text) => {
    const message = `server ERROR ${code}: ${text}`;
    const p = state.pending.shift();
    if (p?.kind === 'submit') return endUnstarted(p.job, message);
    if (p?.kind === 'status') return p.fail(message);
    if (p?.kind === 'option') {
      // The library itself ignores the refusal and the connection carries on without the option.
      process.stderr.write(`gearman driver: OPTION_REQ exceptions refused: ${message}\n`);
      return;
    }
    send({ event: 'error', ...(state.current?.id != null ? { id: state.current.id } : {}), message });
  });
  conn.on('error', (err) => failAll(`connection error: ${errorText(err)}`));
  conn.on('close', () => failAll('connection closed'));

  conn.connect(() => {});
  if (exceptions === true) {
    state.pending.push({ kind: 'option' });
    conn.setOption('exceptions');
  }
  onQuit(() => conn.close());
  return state;
}

function clientFor(exceptions) {
  const key = exceptions == null ? 'default' : String(Boolean(exceptions));
  if (!clients.has(key)) clients.set(key, makeClient(exceptions));
  return clients.get(key);
}

async function runJobs(cmd, jobs) {
  const state = clientFor(cmd.exceptions);
  state.current = cmd;
  const waits = [];
  for (const j of jobs) {
    const job = { id: j.id, background: Boolean(j.background), ended: false };
    waits.push(
      new Promise((resolve) => {
        job.resolve = resolve;
      }),
    );
    const options = { background: Boolean(j.background), priority: j.priority ?? 'normal' };
    if (j.unique != null) options.unique_id = j.unique; // '' too: the library then makes one up
    try {
      const entry = { kind: 'submit', job };
      state.pending.push(entry);
      try {
        state.conn.submitJob(j.function, unb64(j.payload), options);
      } catch (err) {
        state.pending.splice(state.pending.indexOf(entry), 1);
        throw err;
      }
    } catch (err) {
      job.ended = true;
      send({ event: 'error', id: j.id, message: errorText(err) });
      job.resolve();
    }
  }
  await Promise.all(waits);
  state.current = null;
}

function status(cmd) {
  const state = clientFor(undefined);
  state.current = cmd;
  return new Promise((resolve) => {
    const entry = {
      kind: 'status',
      // The fields as the library parsed them (_parsePacket 'ssss8', index.js:406-418); a
      // missing denominator comes back as null.
      answer: (st) => {
        send({
          event: 'status-res',
          id: cmd.id,
          known: Number(st.known) ? 1 : 0,
          running: Number(st.running) ? 1 : 0,
          numerator: String(st.percent_done_num ?? ''),
          denominator: String(st.percent_done_den ?? ''),
        });
        resolve();
      },
      fail: (message) => {
        send({ event: 'error', id: cmd.id, message });
        resolve();
      },
    };
    state.pending.push(entry);
    try {
      state.conn.getJobStatus(cmd.handle);
    } catch (err) {
      state.pending.splice(state.pending.indexOf(entry), 1);
      entry.fail(errorText(err));
    }
  }).finally(() => {
    state.current = null;
  });
}

// ------------------------------------------------------------------ worker
// Every ending is an explicit packet call in this library, so native is the same call as `call`;
// a throw escapes from the JOB_ASSIGN listener, which the library does not catch.
const FORMS = {
  complete: ['native', 'call'],
  fail: ['native', 'throw', 'call'],
  exception: ['native', 'throw', 'call'],
};

async function workerRole() {
  const worker = gearman(host, port);
  const behaviours = new Map();
  let busy = false;
  let grabbing = false;
  let working = false;

  worker.on('error', (err) => fatal(`work: connection error: ${errorText(err)}`));
  worker.on('close', () => fatal('work: the connection to the job server closed'));
  worker.on('ERROR', (code, text) => {
    send({ event: 'error', message: `server ERROR ${code}: ${text}` });
    // An ERROR answering our GRAB_JOB ends that grab: go back to sleep, as after NO_JOB.
    if (grabbing) {
      grabbing = false;
      worker.preSleep();
    }
  });
  worker.on('NOOP', () => {
    if (!working || busy || grabbing) return;
    grabbing = true;
    worker.grabJob();
  });
  worker.on('NO_JOB', () => {
    grabbing = false;
    worker.preSleep();
  });
  // GRAB_JOB, as the README's loop: grabUniqueJob (GRAB_JOB_UNIQ) would tell the function the
  // unique, but Perl Gearman::Server 1.130 answers it with ERROR, so applications use grabJob.
  const onAssign = async (job) => {
    grabbing = false;
    busy = true;
    await runJob(worker, job, behaviours.get(job.func_name));
    busy = false;
    worker.preSleep(); // as the README's loop: back to sleep, the server wakes us for more
  };
  worker.on('JOB_ASSIGN', onAssign);
  worker.on('JOB_ASSIGN_UNIQ', onAssign);
  worker.connect(() => {});

  await serve(
    {
      register: (cmd) => {
        const why = unsupportedOutcome(cmd.behaviour?.outcome, FORMS);
        if (why) {
          send({ event: 'error', id: cmd.id, message: why });
          return;
        }
        behaviours.set(cmd.function, cmd.behaviour);
        worker.addFunction(cmd.function);
      },
      work: () => {
        working = true;
        worker.preSleep();
      },
    },
    { stopOn: ['work'] },
  );
}

async function runJob(worker, job, behaviour) {
  const handle = job.handle;
  const workload = job.payload;
  send({
    event: 'job',
    handle,
    function: job.func_name,
    payload: b64(workload),
    ...(job.unique_id != null ? { unique: job.unique_id } : {}),
  });
  if (!behaviour) {
    // the server assigned a function this worker never registered
    send({ event: 'error', message: `job ${handle} for unregistered function ${job.func_name}` });
    return;
  }
  await runSteps(behaviour.steps, {
    handle,
    data: (buf) => worker.sendWorkData(handle, buf),
    warning: (buf) => worker.sendWorkWarning(handle, buf),
    status: (n, d) => worker.sendWorkStatus(handle, String(n), String(d)), // the API takes strings
  });
  const out = behaviour.outcome;
  const form = out.form ?? 'native';
  if (out.kind === 'die' || out.kind === 'exit') endWith(out);
  send({ event: 'finished', handle, outcome: out.kind });
  if (out.kind === 'complete') {
    worker.sendWorkComplete(handle, out.payload != null ? unb64(out.payload) : workload);
  } else if (out.kind === 'fail') {
    if (form === 'throw') throw new Error('job failed');
    worker.sendWorkFail(handle);
  } else {
    const payload = unb64(out.payload);
    if (form === 'throw') throw new Error(payload.toString('utf8'));
    worker.sendWorkException(handle, payload);
  }
}

await runRole({ runJobs: (jobs, cmd) => runJobs(cmd, jobs), status, workerRole });
