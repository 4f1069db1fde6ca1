/**
 * The gearspec reference worker.
 *
 * Loop (spec §4.5): CAN_DO… → GRAB_JOB* → JOB_ASSIGN* (run, WORK_*, grab again) or
 * NO_JOB → PRE_SLEEP → wait for NOOP → GRAB_JOB*. There is never more than one grab in flight and
 * no polling: an idle worker sends nothing until the server's NOOP, so a server that loses a
 * wake-up is visible as a stuck job rather than being papered over. With `concurrency` > 1 the
 * worker grabs again while jobs run, up to that many.
 *
 * A lost connection (with `reconnect`) is retried with bounded backoff; each new session sends
 * SET_CLIENT_ID and every registration again, then resumes grabbing.
 */
import { ConnectionClosedError, ERROR_CODES, GearmanErrorReply, GearspecError, InputError, TimeoutError } from '../errors.js';
import { isUnknownCommandError, T } from '../protocol/constants.js';
import { describePacket, req, type Packet } from '../protocol/packet.js';
import { GearmanConnection } from '../transport/connection.js';
import type { WireLog } from '../transport/wire-log.js';
import { startPump } from '../client/packet-pump.js';
import { ASSIGN_TYPES, parseAssignment, type Assignment } from './assignment.js';
import { makeBackoff, type Backoff } from './backoff.js';
import { WorkerJob } from './worker-job.js';
import type { JobHandler, RegisterOptions, WorkerNotice, WorkerOptions, WorkerStats } from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_NOTICES = 5000;
/** ERROR codes that answer a WORK_* result packet, never a grab (gearmand, Perl). */
const RESULT_ERROR_CODES: ReadonlySet<string> = new Set(['JOB_NOT_FOUND', 'not_worker', 'ARGUMENT_TOO_LARGE']);

interface Registration {
  readonly handler: JobHandler;
  readonly timeoutMs: number | undefined;
}

type SessionState = 'idle' | 'grabbing' | 'sleeping' | 'refused';

class Session {
  state: SessionState = 'idle';
  readonly active = new Set<WorkerJob>();
  grabTimer: NodeJS.Timeout | undefined;
  constructor(
    readonly conn: GearmanConnection,
    readonly id: number,
  ) {}
}

type NoticeWaiter = { pred: (n: WorkerNotice) => boolean; resolve: (n: WorkerNotice) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class GearmanWorker {
  readonly notices: WorkerNotice[] = [];
  readonly stats: WorkerStats = { grabs: 0, noJobs: 0, preSleeps: 0, noops: 0, jobsStarted: 0, jobsCompleted: 0, jobsFailed: 0, jobsExcepted: 0, sessions: 0 };
  readonly #o: WorkerOptions;
  readonly #grabType: number;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #backoff: Backoff;
  readonly #registrations = new Map<string, Registration>();
  #session: Session | undefined;
  #working = false;
  #closed = false;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  /** Waits for a notice matching a predicate; not a WaitQueue: many at once, each picks its own notices. */
  #waiters: NoticeWaiter[] = [];

  private constructor(options: WorkerOptions) {
    this.#o = options;
    const grab = options.grab ?? 'GRAB_JOB';
    if (grab !== 'GRAB_JOB' && grab !== 'GRAB_JOB_UNIQ' && grab !== 'GRAB_JOB_ALL')
      throw new InputError(ERROR_CODES.USAGE, 'grab', `must be GRAB_JOB, GRAB_JOB_UNIQ or GRAB_JOB_ALL, got ${String(grab)}`);
    this.#grabType = T[grab];
    const c = options.concurrency ?? 1;
    if (!Number.isInteger(c) || c < 1) throw new InputError(ERROR_CODES.USAGE, 'concurrency', `must be a positive integer, got ${c}`);
    this.#concurrency = c;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#backoff = makeBackoff(options.backoff);
  }

  /** Connect (the first connect is not retried: a bad address fails here, with a deadline). */
  static async connect(options: WorkerOptions): Promise<GearmanWorker> {
    const w = new GearmanWorker(options);
    await w.#openSession();
    return w;
  }

  /**
   * A worker that connects in the background and, like after a lost connection, retries with
   * backoff until a server answers (`reconnect` is implied): for one of several servers, which may
   * be down when the application starts (src/worker/multi-server.ts).
   */
  static startConnecting(options: WorkerOptions): GearmanWorker {
    const w = new GearmanWorker({ ...options, reconnect: true });
    w.#openSession().catch((err: unknown) => w.#scheduleReconnect(err instanceof Error ? err.message : String(err)));
    return w;
  }

  get connected(): boolean {
    return this.#session !== undefined && !this.#session.conn.closed;
  }

  /** The current connection's wire log (a shared one when `log` was given). */
  get log(): WireLog | undefined {
    return this.#o.log ?? this.#session?.conn.log;
  }

  /** Jobs running now on the current connection. */
  get activeJobs(): number {
    return this.#session?.active.size ?? 0;
  }

  get state(): SessionState | 'disconnected' | 'closed' {
    if (this.#closed) return 'closed';
    return this.#session?.state ?? 'disconnected';
  }

  /** CAN_DO (or CAN_DO_TIMEOUT with `timeoutMs`) now if connected, and after every reconnect. */
  register(fn: string, handler: JobHandler, options: RegisterOptions = {}): void {
    if (this.#closed) throw new ConnectionClosedError('worker is closed');
    if (options.timeoutMs !== undefined && (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0)) {
      throw new InputError(ERROR_CODES.USAGE, 'register.timeoutMs', `must be a positive integer, got ${options.timeoutMs}`);
    }
    const packet = this.#canDoPacket(fn, options.timeoutMs);
    this.#registrations.set(fn, { handler, timeoutMs: options.timeoutMs });
    const s = this.#session;
    if (!s || s.conn.closed) return;
    s.conn.send(packet);
    // gearmand sends no NOOP for jobs queued before a CAN_DO, so a sleeping worker must look itself.
    if (s.state === 'sleeping') s.state = 'idle';
    this.#maybeGrab(s);
  }

  /** CANT_DO; the function is also dropped from future re-registrations. */
  unregister(fn: string): void {
    if (!this.#registrations.delete(fn)) return;
    const s = this.#session;
    if (s && !s.conn.closed) s.conn.send(req(T.CANT_DO, fn));
  }

  /** Start the grab/sleep loop (idempotent). */
  work(): void {
    if (this.#closed) throw new ConnectionClosedError('worker is closed');
    this.#working = true;
    if (this.#session) this.#maybeGrab(this.#session);
  }

  /** Stop grabbing, drop the connection and any pending reconnect. Running handlers see their sends refused. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#working = false;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const s = this.#session;
    if (s) {
      if (s.grabTimer) clearTimeout(s.grabTimer);
      s.conn.close();
    }
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new ConnectionClosedError('worker closed while waiting for a notice'));
    }
  }

  /** Resolve with the first notice (from index `from` on, past ones included) matching `pred`. */
  waitForNotice(pred: (n: WorkerNotice) => boolean, timeoutMs: number, from = 0): Promise<WorkerNotice> {
    const seen = this.notices.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    if (this.#closed) return Promise.reject(new ConnectionClosedError('worker is closed'));
    return new Promise((resolve, reject) => {
      const w: NoticeWaiter = {
        pred,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters = this.#waiters.filter((x) => x !== w);
          reject(new TimeoutError('waiting for a worker notice', timeoutMs));
        }, timeoutMs),
      };
      this.#waiters.push(w);
    });
  }

  #notice(n: WorkerNotice): void {
    if (this.notices.length < MAX_NOTICES) this.notices.push(n);
    this.#o.onNotice?.(n);
    const hit = this.#waiters.filter((w) => w.pred(n));
    if (hit.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => !hit.includes(w));
    for (const w of hit) {
      clearTimeout(w.timer);
      w.resolve(n);
    }
  }

  #canDoPacket(fn: string, timeoutMs: number | undefined): Packet {
    if (timeoutMs === undefined) return req(T.CAN_DO, fn);
    const unit = this.#o.canDoTimeoutUnit ?? 'milliseconds';
    const value = unit === 'seconds' ? Math.max(1, Math.ceil(timeoutMs / 1000)) : timeoutMs;
    return req(T.CAN_DO_TIMEOUT, fn, String(value));
  }

  async #openSession(): Promise<void> {
    const conn = await GearmanConnection.connect({
      host: this.#o.host,
      port: this.#o.port,
      connectTimeoutMs: this.#timeoutMs,
      ...(this.#o.log ? { log: this.#o.log } : {}),
      label: this.#o.label ?? 'worker',
    });
    if (this.#closed) {
      conn.close();
      return;
    }
    const s = new Session(conn, ++this.stats.sessions);
    this.#session = s;
    startPump(conn, { packet: (p) => this.#onPacket(s, p), end: (reason) => this.#onEnd(s, reason) });
    if (this.#o.clientId !== undefined) conn.send(req(T.SET_CLIENT_ID, this.#o.clientId));
    for (const [fn, r] of this.#registrations) conn.send(this.#canDoPacket(fn, r.timeoutMs));
    this.#notice({ kind: 'connected', session: s.id });
    this.#maybeGrab(s);
  }

  #maybeGrab(s: Session): void {
    if (!this.#working || this.#closed || s !== this.#session || s.conn.closed) return;
    if (s.state !== 'idle' || s.active.size >= this.#concurrency || this.#registrations.size === 0) return;
    s.state = 'grabbing';
    this.stats.grabs++;
    s.conn.send(req(this.#grabType));
    s.grabTimer = setTimeout(() => {
      s.grabTimer = undefined;
      // A server that never answers a grab is broken or gone; start over on a new connection.
      s.conn.log.note(`no answer to ${describePacket(req(this.#grabType))} within ${this.#timeoutMs} ms; dropping the connection`, s.conn.label);
      s.conn.close();
    }, this.#timeoutMs);
  }

  #grabAnswered(s: Session): void {
    if (s.grabTimer) clearTimeout(s.grabTimer);
    s.grabTimer = undefined;
  }

  #onPacket(s: Session, p: Packet): void {
    if (s !== this.#session) return;
    if (ASSIGN_TYPES.has(p.type)) {
      if (s.state !== 'grabbing') this.#notice({ kind: 'unexpected-packet', summary: `${describePacket(p)} without a grab in flight` });
      this.#grabAnswered(s);
      s.state = 'idle';
      this.#runJob(s, parseAssignment(p)!);
      this.#maybeGrab(s);
      return;
    }
    switch (p.type) {
      case T.NO_JOB:
        if (s.state !== 'grabbing') {
          this.#notice({ kind: 'unexpected-packet', summary: 'NO_JOB without a grab in flight' });
          return;
        }
        this.#grabAnswered(s);
        this.stats.noJobs++;
        this.stats.preSleeps++;
        s.state = 'sleeping';
        s.conn.send(req(T.PRE_SLEEP));
        return;
      case T.NOOP:
        this.stats.noops++;
        // Only a sleeping worker acts on NOOP; one that is grabbing gets its answer anyway.
        if (s.state === 'sleeping') {
          s.state = 'idle';
          this.#maybeGrab(s);
        }
        return;
      case T.ERROR:
        this.#onError(s, p);
        return;
      default:
        this.#notice({ kind: 'unexpected-packet', summary: describePacket(p) });
    }
  }

  #onError(s: Session, p: Packet): void {
    const code = p.args[0]!.toString('latin1');
    const text = p.args[1]!.toString('latin1');
    // Successful WORK_* packets have no reply, so an ERROR is matched by its code: result errors
    // have their own codes; Perl names the refused packet in a server_error text ("CMD_work_data").
    const aboutResult = RESULT_ERROR_CODES.has(code) || text.includes('CMD_work');
    const duringGrab = s.state === 'grabbing' && !aboutResult;
    this.#notice({ kind: 'error-reply', code, text, duringGrab });
    if (!duringGrab) return;
    this.#grabAnswered(s);
    // A server without this grab variant (Perl knows only GRAB_JOB) says so in the ERROR: stop
    // grabbing here rather than ask again and again.
    if (this.#grabType !== T.GRAB_JOB && isUnknownCommandError(code, text)) {
      s.state = 'refused';
      this.#notice({ kind: 'stopped', error: new GearmanErrorReply(code, text) });
      return;
    }
    // Any other ERROR while a grab is out (about the CAN_DO before it, or a refused grab) is
    // taken as "no job now": sleep until the server wakes the worker, as after NO_JOB. A late
    // JOB_ASSIGN for the grab is still run (assignments are accepted in every state).
    this.stats.preSleeps++;
    s.state = 'sleeping';
    s.conn.send(req(T.PRE_SLEEP));
  }

  #runJob(s: Session, a: Assignment): void {
    const job = new WorkerJob(a, {
      send: (packet) => {
        if (s.conn.closed) return false;
        s.conn.send(packet);
        return true;
      },
      exceptionTerminal: (this.#o.exceptionSemantics ?? 'terminal') === 'terminal',
    });
    s.active.add(job);
    this.stats.jobsStarted++;
    this.#notice({ kind: 'job-start', handle: a.handle, function: a.function });
    const reg = this.#registrations.get(a.function);
    const run = async (): Promise<void> => {
      if (!reg) throw new GearspecError(ERROR_CODES.UNEXPECTED_PACKET, `assigned a job for ${JSON.stringify(a.function)}, which this worker does not run`);
      const value = await reg.handler(job);
      if (job.ended) return;
      if (job.excepted)
        job.fail(); // non-terminal exception (Perl): the job still needs an end
      else job.complete(typeof value === 'string' || Buffer.isBuffer(value) ? value : undefined);
    };
    void run()
      .catch((err: unknown) => {
        this.#notice({ kind: 'handler-error', handle: a.handle, error: err instanceof Error ? err.message : String(err) });
        if (!job.ended && !s.conn.closed) {
          try {
            job.fail();
          } catch {
            // the connection went away between the check and the send; the job is lost either way
          }
        }
      })
      .finally(() => {
        s.active.delete(job);
        const outcome = job.ended ?? 'lost';
        if (outcome === 'complete') this.stats.jobsCompleted++;
        else if (outcome === 'fail') this.stats.jobsFailed++;
        else if (outcome === 'exception') this.stats.jobsExcepted++;
        this.#notice({ kind: 'job-end', handle: a.handle, outcome });
        this.#maybeGrab(s);
      });
  }

  #onEnd(s: Session, reason: string): void {
    if (s.grabTimer) clearTimeout(s.grabTimer);
    s.grabTimer = undefined;
    if (s !== this.#session) return;
    this.#session = undefined;
    this.#notice({ kind: 'disconnected', session: s.id, reason, jobsLost: s.active.size });
    if (this.#closed) return;
    if (this.#o.reconnect) this.#scheduleReconnect();
    else this.#notice({ kind: 'stopped', error: new ConnectionClosedError(`worker connection ${reason}; reconnect is off`) });
  }

  #scheduleReconnect(lastError?: string): void {
    if (this.#closed) return;
    this.#attempt++;
    if (this.#attempt > this.#backoff.maxAttempts) {
      this.#notice({ kind: 'gave-up', attempts: this.#attempt - 1 });
      this.#notice({ kind: 'stopped', error: new GearspecError(ERROR_CODES.CONNECT_FAILED, `worker gave up reconnecting after ${this.#attempt - 1} attempts${lastError ? `: ${lastError}` : ''}`) });
      return;
    }
    const delayMs = this.#backoff.delayMs(this.#attempt);
    this.#notice({ kind: 'reconnect-attempt', attempt: this.#attempt, delayMs, ...(lastError ? { error: lastError } : {}) });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#openSession().then(
        () => {
          this.#attempt = 0;
        },
        (err: unknown) => this.#scheduleReconnect(err instanceof Error ? err.message : String(err)),
      );
    }, delayMs);
  }
}
