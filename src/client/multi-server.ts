/**
 * The reference client on several servers (spec §4.16): one connection per server, opened when a
 * job first goes there and opened again after it is lost. Each job goes to one server: the one
 * its unique picks (a stable hash, so every submit of a unique meets the same queue and can be
 * coalesced, spec §4.6) or, without a unique, the next in turn. A server that refuses the
 * connection, or whose connection is gone before it answers JOB_CREATED, is passed over for the
 * next one in the list; any other error (an ERROR reply, a timeout) is the job's and is thrown.
 *
 * Passing over a server that closed after taking the SUBMIT_JOB can run a job twice (once there
 * if it survives, once on the next server); libgearman makes the same choice, since a job that is
 * never submitted anywhere is the worse loss.
 */
import { ERROR_CODES, GearspecError, isGearspecError } from '../errors.js';
import { GearmanClient } from './client.js';
import type { ClientJob } from './client-job.js';
import type { ClientOptions, JobStatus, SubmitOptions } from './types.js';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

export interface MultiServerClientOptions extends Omit<ClientOptions, 'host' | 'port' | 'label'> {
  /** Connection labels are `<label>@host:port`. */
  readonly label?: string;
  /** Runs on every new connection before its first job (e.g. OPTION_REQ exceptions). */
  readonly onConnect?: (client: GearmanClient, server: string) => Promise<void>;
}

/** FNV-1a over the unique's bytes: stable across runs and processes. */
function hashUnique(unique: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(unique, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The connection is gone or never came: the job was not taken there, so the next server may take it. */
function passesOver(e: unknown): boolean {
  return isGearspecError(e) && (e.code === ERROR_CODES.CONNECT_FAILED || e.code === ERROR_CODES.CONNECTION_CLOSED);
}

const name = (s: ServerAddress): string => `${s.host}:${s.port}`;

export class MultiServerClient {
  readonly #servers: readonly ServerAddress[];
  readonly #options: MultiServerClientOptions;
  readonly #clients: (Promise<GearmanClient> | undefined)[];
  /** Which server gave out each handle, for GET_STATUS (spec §4.4: a handle is the server's own). */
  readonly #handleServer = new Map<string, number>();
  #turn = 0;
  #closed = false;

  constructor(servers: readonly ServerAddress[], options: MultiServerClientOptions = {}) {
    if (servers.length === 0) throw new GearspecError(ERROR_CODES.USAGE, 'a client needs at least one server');
    this.#servers = servers;
    this.#options = options;
    this.#clients = servers.map(() => undefined);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The server a job with this unique goes to first (index into the list); undefined: in turn. */
  serverFor(unique: string | undefined): number | undefined {
    return unique ? hashUnique(unique) % this.#servers.length : undefined;
  }

  async submit(options: SubmitOptions): Promise<ClientJob> {
    const n = this.#servers.length;
    const first = this.serverFor(options.unique) ?? this.#turn++ % n;
    const passed: string[] = [];
    for (let k = 0; k < n; k++) {
      const i = (first + k) % n;
      try {
        const job = await (await this.#client(i)).submit(options);
        this.#handleServer.set(job.handle, i);
        return job;
      } catch (e) {
        if (!passesOver(e) || this.#closed) throw e;
        this.#clients[i] = undefined;
        passed.push(`${name(this.#servers[i]!)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    throw new GearspecError(ERROR_CODES.CONNECT_FAILED, `no server took the job (${passed.join('; ')})`);
  }

  /** GET_STATUS on the server that gave out the handle (the first server for a handle it never saw). */
  async getStatus(handle: string, timeoutMs?: number): Promise<JobStatus> {
    const c = await this.#client(this.#handleServer.get(handle) ?? 0);
    return c.getStatus(handle, timeoutMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const open = this.#clients.splice(0);
    await Promise.all(open.map(async (p) => (await p?.catch(() => undefined))?.close()));
  }

  /** Server i's connection: the open one, or a new one (with `onConnect` run on it). */
  #client(i: number): Promise<GearmanClient> {
    if (this.#closed) return Promise.reject(new GearspecError(ERROR_CODES.CONNECTION_CLOSED, 'client is closed'));
    const open = this.#clients[i];
    if (open) {
      // A connection that has ended since is replaced; one still opening is awaited.
      return open.then((c) => (c.closed ? this.#open(i) : c));
    }
    return this.#open(i);
  }

  #open(i: number): Promise<GearmanClient> {
    const s = this.#servers[i]!;
    const { label, onConnect, ...client } = this.#options;
    const opening = GearmanClient.connect({ ...client, host: s.host, port: s.port, label: `${label ?? 'client'}@${name(s)}` }).then(async (c) => {
      await onConnect?.(c, name(s));
      return c;
    });
    this.#clients[i] = opening;
    // A failed connect is forgotten, so the next job tries the server again.
    opening.catch(() => {
      if (this.#clients[i] === opening) this.#clients[i] = undefined;
    });
    return opening;
  }
}
