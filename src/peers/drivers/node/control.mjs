// Shared, library-independent plumbing for the gearspec Node drivers (driver protocol 2,
// docs/driver-protocol.md). A driver imports this module, calls start() once, and then uses
// serve() for its command loop; the library calls are the driver's own business.
//
// API (additive changes only; other drivers import it):
//   ROLE, SERVERS, SERVER_LIST       GEARSPEC_ROLE; [{host, port, text}] from GEARSPEC_SERVER
//                                    (comma list, each split at its last colon); the raw list.
//                                    A missing variable prints to stderr and exits 2 at import.
//   start({implementation, library, version}) -> Promise
//                                    connects to GEARSPEC_CONTROL and sends hello (protocol 2).
//   send(event)                      writes one JSON line (end of the connection = exit 0).
//   b64(buf) / unb64(text)           base64 <-> Buffer (unb64('') is an empty Buffer).
//   nextCommand() -> Promise<cmd>    the next queued command (in order; EOF = exit 0).
//   serve(handlers, {stopOn}) -> Promise<cmd>
//                                    the command loop: for each command calls handlers[op](cmd)
//                                    (awaited), sends `error` with the id when it throws, and
//                                    `done` after it when the command has an id. Unknown ops get
//                                    `error` (+`done`). `quit` exits 0. Returns the command whose
//                                    op is in stopOn (after its `done`), e.g. 'work'; from then
//                                    on commands are only taken by gates (see waitGate).
//   waitGate(name) -> Promise        resolves when `release` names this gate or '*'. `quit`
//                                    while a gate waits exits 0; any other command gets `error`.
//   runSteps(steps, {handle, data, warning, status}) -> Promise
//                                    runs behaviour steps in order: data/warning(buf) and
//                                    status(num, den) are the library callbacks (awaited);
//                                    sleep and gate are handled here (gate emits `gated`).
//   unsupportedOutcome(outcome, forms) -> string|null
//                                    why the driver cannot express an outcome (forms: {complete:
//                                    ['native','call'], ...}); die and exit are always expressible.
//   endWith(outcome)                 die (SIGKILL self) or exit(code) through process.exit.
//   onQuit(fn)                       a quick cleanup run (max 500 ms) before quit exits 0.
//   quit(code = 0)                   runs the onQuit hooks, flushes, exits with code.
//   fatal(message, code = 1)         sends `error` (no id), flushes, exits non-zero: a failed
//                                    work loop or an escaped exception, as the application dies.
//   errorText(err)                   the library's own words for an error value.
import net from 'node:net';

function env(name) {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`gearspec node driver: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
}

function hostPort(text) {
  const at = text.lastIndexOf(':');
  const host = at > 0 ? text.slice(0, at) : '127.0.0.1';
  const port = Number(text.slice(at + 1));
  if (!Number.isInteger(port) || port <= 0) {
    process.stderr.write(`gearspec node driver: bad host:port ${text}\n`);
    process.exit(2);
  }
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port, text };
}

const CONTROL = hostPort(env('GEARSPEC_CONTROL'));
export const SERVER_LIST = env('GEARSPEC_SERVER');
export const ROLE = env('GEARSPEC_ROLE');
export const SERVERS = SERVER_LIST.split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map(hostPort);

let ctl = null;
let closing = false;
const queue = []; // commands not yet taken
const takers = []; // pending nextCommand() resolvers
const gates = []; // [{name, resolve}] jobs waiting at a gate
const pendingReleases = []; // releases that arrived before their gate (kept, not lost)
let serving = true; // false once serve() returned: commands then belong to gates
const quitHooks = [];

export const b64 = (buf) => Buffer.from(buf ?? []).toString('base64');
export const unb64 = (text) => Buffer.from(text ?? '', 'base64');

export function errorText(err) {
  if (err == null) return String(err);
  if (err instanceof Error) return err.message || String(err);
  if (typeof err === 'object') {
    try {
      return JSON.stringify(err);
    } catch {
      /* fall through */
    }
  }
  return String(err);
}

export function send(event) {
  if (!ctl || closing) return;
  try {
    ctl.write(`${JSON.stringify(event)}\n`);
  } catch {
    process.exit(0);
  }
}

function flush() {
  return new Promise((resolve) => {
    if (!ctl || ctl.destroyed || ctl.writableLength === 0) return resolve();
    ctl.write('', () => resolve());
    setTimeout(resolve, 500).unref();
  });
}

export function onQuit(fn) {
  quitHooks.push(fn);
}

export async function quit(code = 0) {
  await Promise.race([Promise.allSettled(quitHooks.map(async (fn) => fn())), new Promise((r) => setTimeout(r, 500).unref())]);
  await flush();
  process.exit(code);
}

export async function fatal(message, code = 1) {
  send({ event: 'error', message });
  process.stderr.write(`gearspec node driver: ${message}\n`);
  await flush();
  process.exit(code);
}

function dispatch(cmd) {
  if (cmd.op === 'quit' && (!serving || gates.length)) {
    quit(0);
    return;
  }
  if (gates.length) {
    if (cmd.op === 'release') {
      const i = cmd.gate === '*' ? 0 : gates.findIndex((g) => g.name === cmd.gate);
      if (i >= 0) {
        gates.splice(i, 1)[0].resolve();
        return;
      }
    }
    send({ event: 'error', message: `at gate ${gates.map((g) => g.name).join(',')}: unexpected op ${cmd.op}` });
    return;
  }
  if (!serving) {
    // In the library's loop with no gate waiting: keep a release for the gate it names.
    if (cmd.op === 'release') {
      pendingReleases.push(cmd.gate);
      return;
    }
    send({ event: 'error', ...(cmd.id != null ? { id: cmd.id } : {}), message: `unexpected op ${cmd.op} inside the work loop` });
    if (cmd.id != null) send({ event: 'done', id: cmd.id });
    return;
  }
  if (takers.length) takers.shift()(cmd);
  else queue.push(cmd);
}

function onLine(line) {
  line = line.replace(/\r$/, '');
  if (!line.trim()) return;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch {
    cmd = null;
  }
  if (!cmd || typeof cmd !== 'object' || Array.isArray(cmd) || typeof cmd.op !== 'string') {
    send({ event: 'error', message: `bad command line: ${line.slice(0, 200)}` });
    return;
  }
  dispatch(cmd);
}

export function start({ implementation, library, version }) {
  return new Promise((resolve) => {
    const sock = net.connect(CONTROL.port, CONTROL.host);
    sock.setNoDelay(true);
    sock.on('error', (err) => {
      if (!ctl) {
        process.stderr.write(`gearspec node driver: cannot reach control ${CONTROL.text}: ${err.message}\n`);
        process.exit(2);
      }
      process.exit(0); // the harness went away
    });
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        onLine(line);
      }
    });
    sock.on('end', () => {
      closing = true;
      process.exit(0);
    });
    sock.on('connect', () => {
      ctl = sock;
      send({ event: 'hello', implementation, library, version, role: ROLE, pid: process.pid, protocol: 2 });
      resolve();
    });
  });
}

export function nextCommand() {
  if (queue.length) return Promise.resolve(queue.shift());
  return new Promise((resolve) => takers.push(resolve));
}

export async function serve(handlers, { stopOn = [] } = {}) {
  for (;;) {
    const cmd = await nextCommand();
    const { op, id } = cmd;
    if (op === 'quit') {
      await quit(0);
      return cmd;
    }
    const handler = Object.hasOwn(handlers, op) ? handlers[op] : null;
    if (!handler) {
      send({ event: 'error', ...(id != null ? { id } : {}), message: `unknown op ${op} (${ROLE})` });
    } else {
      try {
        await handler(cmd);
      } catch (err) {
        send({ event: 'error', ...(id != null ? { id } : {}), message: errorText(err) });
      }
    }
    if (id != null) send({ event: 'done', id });
    if (stopOn.includes(op)) {
      serving = false;
      for (const c of queue.splice(0)) dispatch(c);
      return cmd;
    }
  }
}

/**
 * A driver's main: in the client role the `submit` and `submit-batch` commands go to
 * `runJobs(jobs, cmd)` and `status` to `status(cmd)`; in the worker role `workerRole()` runs.
 */
export async function runRole({ runJobs, status, workerRole }) {
  if (ROLE === 'client') {
    await serve({ submit: (cmd) => runJobs([cmd], cmd), 'submit-batch': (cmd) => runJobs(cmd.jobs ?? [], cmd), status });
  } else if (ROLE === 'worker') {
    await workerRole();
  } else {
    send({ event: 'error', message: `unknown role ${ROLE}` });
    process.exit(2);
  }
}

export function waitGate(name) {
  const early = pendingReleases.findIndex((g) => g === name || g === '*');
  if (early >= 0) {
    pendingReleases.splice(early, 1);
    return Promise.resolve();
  }
  return new Promise((resolve) => gates.push({ name, resolve }));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function runSteps(steps, { handle, data, warning, status }) {
  for (const step of steps ?? []) {
    switch (step.kind) {
      case 'data':
        await data(unb64(step.payload));
        break;
      case 'warning':
        await warning(unb64(step.payload));
        break;
      case 'status':
        await status(step.numerator, step.denominator);
        break;
      case 'sleep':
        await sleep(Number(step.ms) || 0);
        break;
      case 'gate':
        send({ event: 'gated', handle, gate: step.gate });
        await waitGate(step.gate);
        break;
      default:
        send({ event: 'error', message: `unknown step kind ${step.kind}` });
    }
  }
}

/**
 * The job function of a library that runs it synchronously and reads a throw from inside its own
 * call (gearmanode, node-gearman): the steps run in the same tick until a sleep or a gate needs the
 * event loop and go on from the timer or the release; then `finished` is reported and the outcome
 * ends the job through the library's calls (`end.complete(payload?)`, `end.fail()`,
 * `end.exception(payload)`), or by a throw in the `throw` form, or by the process dying or exiting.
 * `calls` holds the library's data / warning / status calls it has.
 */
export function runJobSync(steps, outcome, handle, calls, end) {
  const finish = () => {
    const form = outcome.form ?? 'native';
    if (outcome.kind === 'die' || outcome.kind === 'exit') endWith(outcome);
    send({ event: 'finished', handle, outcome: outcome.kind });
    if (outcome.kind === 'complete') {
      end.complete(outcome.payload != null ? unb64(outcome.payload) : undefined);
    } else if (outcome.kind === 'fail') {
      if (form === 'throw') throw new Error('job failed');
      end.fail();
    } else {
      const payload = unb64(outcome.payload);
      if (form === 'throw') throw new Error(payload.toString('utf8'));
      end.exception(payload);
    }
  };
  const runFrom = (i) => {
    for (; i < steps.length; i++) {
      const step = steps[i];
      switch (step.kind) {
        case 'data':
        case 'warning':
          if (calls[step.kind]) calls[step.kind](unb64(step.payload));
          else send({ event: 'error', message: `no ${step.kind} call in this library` });
          break;
        case 'status':
          if (calls.status) calls.status(step.numerator, step.denominator);
          else send({ event: 'error', message: 'no status call in this library' });
          break;
        case 'sleep': {
          const next = i + 1;
          setTimeout(() => runFrom(next), Number(step.ms) || 0);
          return;
        }
        case 'gate': {
          const next = i + 1;
          send({ event: 'gated', handle, gate: step.gate });
          waitGate(step.gate).then(() => runFrom(next));
          return;
        }
        default:
          send({ event: 'error', message: `unknown step kind ${step.kind}` });
      }
    }
    finish();
  };
  runFrom(0);
}

export function unsupportedOutcome(outcome, forms) {
  if (!outcome || typeof outcome !== 'object' || typeof outcome.kind !== 'string') return 'behaviour has no outcome';
  const { kind } = outcome;
  if (kind === 'die') return null;
  if (kind === 'exit') return Number.isInteger(outcome.code) ? null : 'outcome exit needs an integer code';
  if (!forms[kind]) return `unknown outcome kind ${kind}`;
  const form = outcome.form ?? 'native';
  return forms[kind].includes(form) ? null : `outcome form '${form}' of ${kind} is not supported by this library`;
}

export function endWith(outcome) {
  if (outcome.kind === 'die') {
    process.kill(process.pid, 'SIGKILL');
  }
  // An ordinary exit: Node's exit handlers run (process.exit), pending control writes are
  // flushed by the kernel when the socket was written synchronously.
  process.exit(outcome.code);
}

// An exception that escapes into Node's event loop kills an application; report it first.
process.on('uncaughtException', (err) => {
  fatal(`uncaught exception: ${err?.stack ? err.stack.split('\n')[0] : errorText(err)}`, 1);
});
process.on('unhandledRejection', (err) => {
  fatal(`unhandled rejection: ${errorText(err)}`, 1);
});
