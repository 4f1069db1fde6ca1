/**
 * The reference worker on several servers (spec §4.16), as libgearman's worker and most others
 * are: a connection per server, each with its own registrations and grab/sleep loop, so a job is
 * taken from whichever server has one. A server that is down at the start, or goes down later, is
 * retried with backoff in the background while the others keep working; the worker has stopped
 * only when it has stopped on every server.
 */
import { ERROR_CODES, GearspecError } from '../errors.js';
import type { ServerAddress } from '../client/multi-server.js';
import type { JobHandler, RegisterOptions, WorkerNotice, WorkerOptions } from './types.js';
import { GearmanWorker } from './worker.js';

export interface MultiServerWorkerOptions extends Omit<WorkerOptions, 'host' | 'port' | 'reconnect' | 'onNotice' | 'label'> {
  /** Connection labels are `<label>@host:port`. */
  readonly label?: string;
  /** Every notice of every server's worker, with the server it came from. */
  readonly onNotice?: (notice: WorkerNotice, server: string) => void;
  /** Once, when the worker has stopped on every server (each one's `stopped` notice has come). */
  readonly onStopped?: (errors: readonly GearspecError[]) => void;
}

/** How long `connect` waits for the first server before giving up (each connect has its own deadline too). */
const DEFAULT_TIMEOUT_MS = 10_000;

export class MultiServerWorker {
  readonly #workers: readonly GearmanWorker[];
  readonly #stopped = new Map<number, GearspecError>();
  readonly #onNotice: MultiServerWorkerOptions['onNotice'];
  readonly #onStopped: MultiServerWorkerOptions['onStopped'];

  private constructor(servers: readonly ServerAddress[], options: MultiServerWorkerOptions, onFirst: (i: number, n: WorkerNotice) => void) {
    const { label, onNotice, onStopped, ...worker } = options;
    this.#onNotice = onNotice;
    this.#onStopped = onStopped;
    this.#workers = servers.map((s, i) => {
      const server = `${s.host}:${s.port}`;
      return GearmanWorker.startConnecting({
        ...worker,
        host: s.host,
        port: s.port,
        label: `${label ?? 'worker'}@${server}`,
        onNotice: (n) => {
          onFirst(i, n);
          this.#notice(i, server, n);
        },
      });
    });
  }

  /**
   * Connects to every server at once and resolves when one of them accepts (the rest keep
   * trying in the background); rejects when every server has refused its first attempt.
   */
  static connect(servers: readonly ServerAddress[], options: MultiServerWorkerOptions = {}): Promise<MultiServerWorker> {
    if (servers.length === 0) return Promise.reject(new GearspecError(ERROR_CODES.USAGE, 'a worker needs at least one server'));
    return new Promise((resolve, reject) => {
      const refused = new Map<number, string>();
      let settled = false;
      let made: MultiServerWorker | undefined;
      const settle = (error?: GearspecError): void => {
        if (settled || !made) return;
        settled = true;
        clearTimeout(timer);
        if (!error) return resolve(made);
        void made.close();
        reject(error);
      };
      const onFirst = (i: number, n: WorkerNotice): void => {
        if (n.kind === 'connected') settle();
        else if (n.kind === 'reconnect-attempt' && n.error !== undefined && !refused.has(i)) {
          refused.set(i, n.error);
          if (refused.size === servers.length) settle(new GearspecError(ERROR_CODES.CONNECT_FAILED, `no server accepted the worker: ${[...refused.values()].join('; ')}`));
        }
      };
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const timer = setTimeout(() => settle(new GearspecError(ERROR_CODES.CONNECT_FAILED, `no server accepted the worker within ${timeoutMs} ms`)), timeoutMs);
      // Connects are asynchronous: no notice comes before `made` is set.
      made = new MultiServerWorker(servers, options, onFirst);
    });
  }

  /** CAN_DO on every server now, and after every reconnect. */
  register(fn: string, handler: JobHandler, options: RegisterOptions = {}): void {
    for (const w of this.#workers) w.register(fn, handler, options);
  }

  unregister(fn: string): void {
    for (const w of this.#workers) w.unregister(fn);
  }

  work(): void {
    for (const w of this.#workers) w.work();
  }

  /** Connected to at least one server. */
  get connected(): boolean {
    return this.#workers.some((w) => w.connected);
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()));
  }

  #notice(i: number, server: string, n: WorkerNotice): void {
    this.#onNotice?.(n, server);
    if (n.kind !== 'stopped' || this.#stopped.has(i)) return;
    this.#stopped.set(i, n.error);
    if (this.#stopped.size === this.#workers.length) this.#onStopped?.([...this.#stopped.values()]);
  }
}
