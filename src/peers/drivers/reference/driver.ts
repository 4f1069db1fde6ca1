/**
 * The gearspec reference client/worker as a driver: the same JSON-lines control protocol as the
 * PHP, Perl and C drivers, over TCP, so the matrix treats every implementation alike. It runs
 * in-process (embedded) or as a standalone process (main.ts). Commands run one at a time, like in
 * the blocking libraries, so every driver has the same ordering semantics.
 */
import net from 'node:net';
import { type ClientJob, GearmanClient, MultiServerClient, type JobStatus, type SubmitOptions } from '../../../client/index.js';
import { GearmanWorker, MultiServerWorker, type JobHandler, type WorkerJob } from '../../../worker/index.js';
import { errorMessage } from '../../../errors.js';
import { LineSplitter } from '../../../line-splitter.js';
import { type Behaviour, type BehaviourOutcome, type DriverCommand, type DriverEvent, type DriverRole, type OutcomeForm, type SubmitJob, DRIVER_PROTOCOL_VERSION, unb64 } from '../protocol.js';

interface ReferenceDriverEnv {
  readonly control: string;
  readonly server: string;
  readonly role: DriverRole;
  /** Where to write diagnostic lines (the embedded runtime keeps them for `logs()`). */
  readonly log: (line: string) => void;
}

/**
 * Handle on a running reference driver: `kill()` drops every socket at once, like a crash.
 * `done` resolves with how the driver ended, as a process would: code 0 after `quit` or when the
 * harness went away, the behaviour's code for an `exit` outcome, 1 when the worker library
 * stopped; signal SIGKILL for a `die` outcome.
 */
export interface ReferenceDriverExit {
  readonly code: number | null;
  readonly signal: string | null;
}

interface ReferenceDriverRun {
  readonly done: Promise<ReferenceDriverExit>;
  kill(): void;
}

/**
 * Which outcome forms the reference worker can express (README.md, "Outcome forms"). Its handler
 * contract (src/worker/types.ts JobHandler) is "return to complete, throw to fail", so fail/native
 * is a throw; it has no exception path of its own, so exception/native is the explicit call.
 */
const FORMS: Readonly<Record<'complete' | 'fail' | 'exception', readonly OutcomeForm[]>> = {
  complete: ['native', 'call'],
  fail: ['native', 'throw', 'call'],
  exception: ['native', 'throw', 'call'],
};

/** Undefined when the driver can express the outcome, else why not. */
export function unsupportedOutcome(o: BehaviourOutcome | undefined): string | undefined {
  if (!o || typeof o !== 'object') return 'behaviour has no outcome';
  if (o.kind === 'die') return undefined;
  if (o.kind === 'exit') return Number.isInteger(o.code) ? undefined : 'outcome exit needs an integer code';
  const forms = FORMS[o.kind] as readonly OutcomeForm[] | undefined;
  if (!forms) return `unknown outcome kind ${String((o as { kind: unknown }).kind)}`;
  const form = o.form ?? 'native';
  return forms.includes(form) ? undefined : `outcome form '${form}' of ${o.kind} is not supported by the reference driver`;
}

function splitHostPort(hp: string): { host: string; port: number } {
  const i = hp.lastIndexOf(':');
  return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
}

/** What the driver uses of the reference client, on one server or several. */
interface AppClient {
  readonly closed: boolean;
  submit(options: SubmitOptions): Promise<ClientJob>;
  getStatus(handle: string): Promise<JobStatus>;
  close(): Promise<void>;
}

/** What the driver uses of the reference worker, on one server or several. */
interface AppWorker {
  register(fn: string, handler: JobHandler): void;
  work(): void;
  close(): Promise<void>;
}

/** Commands from the harness. Not a WaitQueue: reads have no deadline, and the queue ends (undefined) when the harness goes. */
class CommandQueue {
  #lines: DriverCommand[] = [];
  #waiter: ((c: DriverCommand | undefined) => void) | undefined;
  #ended = false;
  push(c: DriverCommand): void {
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w(c);
    } else this.#lines.push(c);
  }
  end(): void {
    this.#ended = true;
    this.#waiter?.(undefined);
    this.#waiter = undefined;
  }
  /** Next command; undefined once the harness has gone. */
  next(): Promise<DriverCommand | undefined> {
    const c = this.#lines.shift();
    if (c) return Promise.resolve(c);
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((r) => (this.#waiter = r));
  }
}

export function runReferenceDriver(env: ReferenceDriverEnv): ReferenceDriverRun {
  const ctl = splitHostPort(env.control);
  // One server, or several separated by commas: with several, the library's multi-server client
  // and worker (src/client/multi-server.ts, src/worker/multi-server.ts), as an application
  // configures libgearman with a server list.
  const servers = env.server.split(',').map(splitHostPort);
  const socket = net.connect(ctl.port, ctl.host);
  socket.setNoDelay(true);
  const queue = new CommandQueue();
  const clients = new Map<string, AppClient>();
  let worker: AppWorker | undefined;
  let killed = false;
  let exitStatus: ReferenceDriverExit = { code: 0, signal: null };
  let onKilled: () => void = () => undefined;

  const emit = (e: DriverEvent): void => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(e)}\n`);
  };
  const lines = new LineSplitter();
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    for (const raw of lines.push(chunk)) {
      const line = raw.trim();
      if (!line) continue;
      try {
        queue.push(JSON.parse(line) as DriverCommand);
      } catch (e) {
        emit({ event: 'error', message: `bad command line: ${errorMessage(e)}` });
      }
    }
  });
  socket.on('error', (e) => env.log(`control socket error: ${e.message}`));
  socket.on('close', () => queue.end());

  const kill = (status: ReferenceDriverExit = { code: 0, signal: null }): void => {
    if (killed) return;
    killed = true;
    exitStatus = status;
    onKilled();
    // The Gearman connections drop at once (what a server sees when a process crashes); the
    // control socket is ended, not destroyed, so events already written (e.g. `job`) still arrive.
    void worker?.close();
    for (const c of clients.values()) void c.close();
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
    queue.end();
  };

  const clientFor = async (exceptions: boolean | undefined): Promise<AppClient> => {
    const key = exceptions === true ? 'on' : 'off';
    let c = clients.get(key);
    // An application keeps one client and opens a new connection when the old one is gone (the
    // server restarted); the job that was in flight on it has already failed with the library's error.
    if (!c || c.closed) {
      const label = `reference-client-${key}`;
      // A server that refuses the option still runs jobs: the library's error is reported (an
      // `error` event), and the application carries on without exceptions.
      const withOption = async (client: GearmanClient): Promise<void> => {
        if (exceptions === true) await client.setOption('exceptions').catch((e: unknown) => emit({ event: 'error', message: `setOption exceptions: ${errorMessage(e)}` }));
      };
      if (servers.length === 1) {
        const one = await GearmanClient.connect({ ...servers[0]!, timeoutMs: 20_000, label });
        await withOption(one);
        c = one;
      } else c = new MultiServerClient(servers, { timeoutMs: 20_000, label, onConnect: withOption });
      clients.set(key, c);
    }
    return c;
  };

  const runJob = async (c: AppClient, j: SubmitJob): Promise<void> => {
    const job = await c.submit({
      function: j.function,
      data: unb64(j.payload),
      ...(j.unique !== undefined ? { unique: j.unique } : {}),
      priority: j.priority ?? 'normal',
      background: j.background ?? false,
    });
    emit({ event: 'created', id: j.id, handle: job.handle });
    if (job.background) return;
    for await (const e of job) {
      const payload = (e.data ?? Buffer.alloc(0)).toString('base64');
      switch (e.type) {
        case 'data':
        case 'warning':
        case 'complete':
        case 'exception':
          emit({ event: e.type, id: j.id, payload });
          break;
        case 'status':
          emit({ event: 'status', id: j.id, numerator: e.numerator ?? '', denominator: e.denominator ?? '' });
          break;
        case 'fail':
          emit({ event: 'fail', id: j.id });
          break;
      }
    }
  };

  const submitAll = async (jobs: readonly SubmitJob[], exceptions: boolean | undefined): Promise<void> => {
    const c = await clientFor(exceptions);
    // Submit in order (handles match submits in order), then follow every job at once.
    const running = jobs.map((j) => runJob(c, j).catch((e: unknown) => emit({ event: 'error', id: j.id, message: errorMessage(e) })));
    await Promise.all(running);
  };

  const waitGate = async (gate: string): Promise<void> => {
    for (;;) {
      const cmd = await queue.next();
      if (cmd === undefined) throw new Error('control closed at a gate');
      if (cmd.op === 'release' && (cmd.gate === gate || cmd.gate === '*')) return;
      if (cmd.op === 'quit') {
        kill();
        throw new Error('quit at a gate');
      }
      emit({ event: 'error', message: `worker at gate ${gate} got unexpected op ${cmd.op}` });
    }
  };

  // The worker library turns the handler's return into WORK_COMPLETE and a throw into WORK_FAIL
  // (src/worker/worker.ts #runJob); after job.complete/fail/exception it sends nothing more.
  const handlerFor =
    (b: Behaviour) =>
    async (job: WorkerJob): Promise<Buffer | undefined> => {
      emit({ event: 'job', handle: job.handle, function: job.function, ...(job.unique !== undefined ? { unique: job.unique } : {}), payload: job.data.toString('base64') });
      for (const s of b.steps ?? []) {
        switch (s.kind) {
          case 'data':
            job.sendData(unb64(s.payload));
            break;
          case 'warning':
            job.sendWarning(unb64(s.payload));
            break;
          case 'status':
            job.sendStatus(s.numerator, s.denominator);
            break;
          case 'sleep':
            await new Promise((r) => setTimeout(r, s.ms));
            break;
          case 'gate':
            emit({ event: 'gated', handle: job.handle, gate: s.gate });
            await waitGate(s.gate);
            break;
        }
      }
      const o = b.outcome;
      if (o.kind === 'die' || o.kind === 'exit') {
        // A crash (every socket dropped at once, no result packet), or the process exiting while it
        // holds the job: to the server both are the connection closing.
        kill(o.kind === 'exit' ? { code: o.code, signal: null } : { code: null, signal: 'SIGKILL' });
        return new Promise<undefined>(() => undefined);
      }
      // 'finished' goes out before the return or throw that makes the library send the result.
      emit({ event: 'finished', handle: job.handle, outcome: o.kind });
      const form = o.form ?? 'native';
      switch (o.kind) {
        case 'complete': {
          const result = o.payload !== undefined ? unb64(o.payload) : job.data;
          if (form === 'call') {
            job.complete(result);
            return undefined;
          }
          return result;
        }
        case 'fail':
          if (form === 'call') {
            job.fail();
            return undefined;
          }
          throw new Error('gearspec: job failed');
        case 'exception':
          if (form === 'throw') throw new Error(unb64(o.payload).toString('utf8'));
          job.exception(unb64(o.payload));
          return undefined;
      }
    };

  // The application around the worker library: when the library stops (its connection is gone,
  // or the server refused its grab; with several servers, on every one of them), it reports that
  // once and exits non-zero, without a retry.
  const stopped = (message: string): void => {
    if (killed) return;
    emit({ event: 'error', message: `work: ${message}` });
    kill({ code: 1, signal: null });
  };
  const connectWorker = (): Promise<AppWorker> => {
    // As libgearman's workers do: a lost server is retried with backoff, and every new connection
    // registers the functions again.
    if (servers.length === 1) return GearmanWorker.connect({ ...servers[0]!, label: 'reference-worker', reconnect: true, onNotice: (n) => n.kind === 'stopped' && stopped(n.error.message) });
    return MultiServerWorker.connect(servers, {
      label: 'reference-worker',
      onNotice: (n, server) => n.kind === 'reconnect-attempt' && n.attempt === 1 && env.log(`${server}: ${n.error ?? 'connection lost'}; retrying in the background`),
      onStopped: (errors) => stopped(errors.map((e) => e.message).join('; ')),
    });
  };

  const execute = async (cmd: DriverCommand): Promise<void> => {
    switch (cmd.op) {
      case 'submit':
        return submitAll([cmd], cmd.exceptions);
      case 'submit-batch':
        return submitAll(cmd.jobs, cmd.exceptions);
      case 'status': {
        const c = await clientFor(undefined);
        const st = await c.getStatus(cmd.handle);
        emit({ event: 'status-res', id: cmd.id, known: st.known, running: st.running, numerator: st.numerator, denominator: st.denominator });
        return;
      }
      case 'register': {
        if (env.role !== 'worker') throw new Error('register needs the worker role');
        const why = unsupportedOutcome(cmd.behaviour?.outcome);
        if (why) throw new Error(why);
        worker ??= await connectWorker();
        worker.register(cmd.function, handlerFor(cmd.behaviour));
        return;
      }
      case 'work':
        if (env.role !== 'worker') throw new Error('work needs the worker role');
        worker ??= await connectWorker();
        worker.work();
        return;
      case 'release':
        throw new Error(`release ${cmd.gate} outside a gate`);
      case 'quit':
        kill();
        return;
      default:
        throw new Error(`unsupported op ${JSON.stringify((cmd as { op?: unknown }).op)}`);
    }
  };

  const done = (async () => {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    emit({
      event: 'hello',
      implementation: 'reference',
      library: 'gearspec reference client/worker (TypeScript)',
      version: '0.1.0',
      role: env.role,
      pid: process.pid,
      protocol: DRIVER_PROTOCOL_VERSION,
    });
    const controlGone = new Promise<void>((r) => socket.once('close', () => r()));
    const stopped = new Promise<void>((r) => (onKilled = r));
    for (;;) {
      const cmd = await queue.next();
      if (cmd === undefined || killed) break;
      const id = 'id' in cmd ? cmd.id : undefined;
      try {
        await execute(cmd);
      } catch (e) {
        emit({ event: 'error', ...(id !== undefined ? { id } : {}), message: errorMessage(e) });
      }
      if (id !== undefined) emit({ event: 'done', id });
      // Once working, commands are read only at gates, as in the library drivers.
      if (cmd.op === 'work') await Promise.race([controlGone, stopped]);
    }
    kill();
    return exitStatus;
  })();
  return { done, kill };
}
