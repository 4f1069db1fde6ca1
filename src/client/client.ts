/**
 * The gearspec reference client: one connection, any number of jobs multiplexed on it.
 *
 * A single reader (packet-pump) dispatches each packet: replies (JOB_CREATED, STATUS_RES, ECHO_RES,
 * OPTION_RES, ERROR) go to the oldest waiting request; WORK_* packets go to the jobs listening on
 * their handle. Every wait has a deadline, and a lost connection fails every pending request and
 * every unfinished job with ConnectionClosedError.
 */
import { ConnectionClosedError, GearspecError, ERROR_CODES, InputError, type TimeoutError } from '../errors.js';
import { packetName, T } from '../protocol/constants.js';
import { describePacket, req, type Packet } from '../protocol/packet.js';
import { GearmanConnection } from '../transport/connection.js';
import type { WireLog } from '../transport/wire-log.js';
import { ClientJob } from './client-job.js';
import { startPump } from './packet-pump.js';
import { REPLY_TYPES, ReplyQueue } from './reply-queue.js';
import { planSubmit } from './submit-packet.js';
import { toJobEvent, workHandle } from './work-events.js';
import type { ClientOptions, JobStatus, OrphanPacket, SubmitOptions, UniqueStatus } from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_ORPHANS = 1000;

export class GearmanClient {
  readonly #conn: GearmanConnection;
  readonly #timeoutMs: number;
  readonly #exceptionTerminal: boolean;
  readonly #replies: ReplyQueue;
  /** Live foreground jobs by handle; a coalesced submit can put two jobs on one handle. */
  readonly #jobs = new Map<string, ClientJob[]>();
  readonly #orphans: OrphanPacket[] = [];
  #closedError: GearspecError | undefined;
  #exceptionsOption = false;

  private constructor(conn: GearmanConnection, options: ClientOptions) {
    this.#conn = conn;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#exceptionTerminal = (options.exceptionSemantics ?? 'terminal') === 'terminal';
    this.#replies = new ReplyQueue((e) => this.#desync(e));
    startPump(conn, { packet: (p) => this.#onPacket(p), end: (_reason, error) => this.#onEnd(error) });
  }

  static async connect(options: ClientOptions): Promise<GearmanClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const conn = await GearmanConnection.connect({
      host: options.host,
      port: options.port,
      connectTimeoutMs: options.connectTimeoutMs ?? timeoutMs,
      ...(options.log ? { log: options.log } : {}),
      label: options.label ?? 'client',
    });
    return new GearmanClient(conn, options);
  }

  get log(): WireLog {
    return this.#conn.log;
  }

  get closed(): boolean {
    return this.#closedError !== undefined;
  }

  /** Whether OPTION_REQ exceptions was accepted on this connection. */
  get exceptionsEnabled(): boolean {
    return this.#exceptionsOption;
  }

  /** Packets that matched no job or request (e.g. a relay for a handle already finished). */
  get orphans(): readonly OrphanPacket[] {
    return this.#orphans;
  }

  /**
   * Submit a job; resolves once JOB_CREATED arrives. Several submits may be in flight at once:
   * handles are matched to submits in the order they were sent. An ERROR reply rejects with
   * GearmanErrorReply.
   */
  async submit(options: SubmitOptions): Promise<ClientJob> {
    const plan = planSubmit(options);
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    return this.#request(plan.packet, describePacket(plan.packet), [T.JOB_CREATED], timeoutMs, (reply) => {
      const handle = reply.args[0]!.toString('latin1');
      const job = new ClientJob({
        handle,
        function: options.function,
        unique: options.unique ?? '',
        background: plan.background,
        defaultTimeoutMs: this.#timeoutMs,
        exceptionTerminal: this.#exceptionTerminal,
      });
      // Registered here, inside dispatch, so WORK_* packets right behind JOB_CREATED find the job.
      if (!plan.background) this.#jobs.set(handle, [...(this.#jobs.get(handle) ?? []), job]);
      return job;
    });
  }

  async getStatus(handle: string, timeoutMs = this.#timeoutMs): Promise<JobStatus> {
    return this.#request(req(T.GET_STATUS, handle), `GET_STATUS ${handle}`, [T.STATUS_RES], timeoutMs, (p) => {
      const [h, known, running, numerator, denominator] = p.args.map((a) => a.toString('latin1'));
      return { handle: h!, known: known === '1', running: running === '1', numerator: numerator!, denominator: denominator! };
    });
  }

  /** GET_STATUS_UNIQUE: gearmand ≥ 0.36 only (Perl Gearman::Server answers ERROR server_error). */
  async getStatusUnique(unique: string, timeoutMs = this.#timeoutMs): Promise<UniqueStatus> {
    return this.#request(req(T.GET_STATUS_UNIQUE, unique), `GET_STATUS_UNIQUE ${unique}`, [T.STATUS_RES_UNIQUE], timeoutMs, (p) => {
      const [u, known, running, numerator, denominator, clients] = p.args.map((a) => a.toString('latin1'));
      const waitingClients = Number(clients);
      if (!/^\d+$/.test(clients ?? '')) throw new GearspecError(ERROR_CODES.UNEXPECTED_PACKET, `STATUS_RES_UNIQUE waiting-client count is not a number: ${JSON.stringify(clients)}`);
      return { unique: u!, known: known === '1', running: running === '1', numerator: numerator!, denominator: denominator!, waitingClients };
    });
  }

  async echo(data: Buffer | string, timeoutMs = this.#timeoutMs): Promise<Buffer> {
    return this.#request(req(T.ECHO_REQ, typeof data === 'string' ? Buffer.from(data) : data), 'ECHO_REQ', [T.ECHO_RES], timeoutMs, (p) => p.args[0]!);
  }

  /** OPTION_REQ; resolves with the option name the server echoed. Only `exceptions` exists. */
  async setOption(option: string, timeoutMs = this.#timeoutMs): Promise<string> {
    return this.#request(req(T.OPTION_REQ, option), `OPTION_REQ ${option}`, [T.OPTION_RES], timeoutMs, (p) => {
      const echoed = p.args[0]!.toString('latin1');
      if (echoed.toLowerCase() === 'exceptions') this.#exceptionsOption = true;
      return echoed;
    });
  }

  /** SET_CLIENT_ID has no reply on any server; it only labels the connection in `workers`. */
  setClientId(id: string): void {
    this.#assertOpen();
    this.#conn.send(req(T.SET_CLIENT_ID, id));
  }

  async close(): Promise<void> {
    if (this.#closedError) return;
    this.#conn.close();
    this.#onEnd(new ConnectionClosedError('client closed by its owner'));
  }

  #assertOpen(): void {
    if (this.#closedError) throw new ConnectionClosedError(`client connection is closed (${this.#closedError.message})`);
  }

  async #request<R>(packet: Packet, what: string, accepts: readonly number[], timeoutMs: number, map: (p: Packet) => R): Promise<R> {
    this.#assertOpen();
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new InputError(ERROR_CODES.USAGE, 'timeoutMs', `must be a positive finite number, got ${timeoutMs}`);
    this.#conn.send(packet); // throws (nothing sent) on arguments the encoder refuses
    return this.#replies.wait(what, accepts, timeoutMs, map);
  }

  #onPacket(p: Packet): void {
    if (REPLY_TYPES.has(p.type)) {
      const before = this.#replies.size;
      const err = this.#replies.dispatch(p);
      if (err) {
        if (before === 0) this.#orphan(p);
        else this.#desync(err);
      }
      return;
    }
    const handle = workHandle(p);
    const event = handle === undefined ? undefined : toJobEvent(p);
    if (handle === undefined || event === undefined) {
      this.#orphan(p);
      return;
    }
    const jobs = this.#jobs.get(handle);
    if (!jobs || jobs.length === 0) {
      this.#orphan(p, handle);
      return;
    }
    const left = jobs.filter((j) => !j.deliver(event));
    if (left.length === 0) this.#jobs.delete(handle);
    else this.#jobs.set(handle, left);
  }

  #orphan(p: Packet, handle?: string): void {
    if (this.#orphans.length >= MAX_ORPHANS) return;
    this.#orphans.push({ type: packetName(p.type), ...(handle !== undefined ? { handle } : {}), summary: describePacket(p) });
  }

  /** The reply stream is out of step (missed deadline or wrong reply type): drop the connection. */
  #desync(error: GearspecError | TimeoutError): void {
    if (this.#closedError) return;
    this.#conn.log.note(`closing: ${error.message}`, this.#conn.label);
    this.#conn.close();
    this.#onEnd(new ConnectionClosedError(`connection dropped because replies are out of step: ${error.message}`, { cause: error }));
  }

  #onEnd(error: GearspecError): void {
    if (this.#closedError) return;
    this.#closedError = error;
    const closed = error instanceof ConnectionClosedError ? error : new ConnectionClosedError(error.message, { cause: error });
    this.#replies.failAll(closed);
    for (const jobs of this.#jobs.values()) for (const j of jobs) j.abort(closed);
    this.#jobs.clear();
  }
}
