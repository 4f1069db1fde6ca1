/**
 * The lab a driver-check runs in: gearspec's embedded reference server on 127.0.0.1 (ephemeral
 * port), the driver under test, the built-in reference driver in the other role (so that jobs
 * actually flow), and plain reference clients for side jobs. Everything started here is tracked
 * and stopped by `close()` — by the handles and pids gearspec started, never by name.
 */
import { GearmanClient } from '../../client/index.js';
import { GearmanWorker, type GrabVariant } from '../../worker/index.js';
import { errorMessage } from '../../errors.js';
import { type DriverHandle, type DriverRole, type ExternalDriver, startDriver } from '../../peers/drivers/index.js';
import { type ReferenceServer, startReferenceServer } from '../../server/index.js';

export class Lab {
  readonly #server: ReferenceServer;
  readonly #drivers = new Set<DriverHandle>();
  readonly #clients = new Set<GearmanClient>();
  readonly #workers = new Set<GearmanWorker>();
  readonly timeoutMs: number;
  #closing: Promise<void> | undefined;

  private constructor(server: ReferenceServer, timeoutMs: number) {
    this.#server = server;
    this.timeoutMs = timeoutMs;
  }

  static async open(timeoutMs: number): Promise<Lab> {
    return new Lab(await startReferenceServer({ host: '127.0.0.1', port: 0 }), timeoutMs);
  }

  /** host:port of the reference server. */
  get server(): string {
    return this.#server.address;
  }

  get host(): string {
    return this.#server.host;
  }

  get port(): number {
    return this.#server.port;
  }

  /** The driver under test, started through startDriver like any external driver. */
  async startSubject(driver: ExternalDriver, role: DriverRole, label?: string): Promise<DriverHandle> {
    const handle = await startDriver(driver, role, { server: this.server, startupTimeoutMs: this.timeoutMs, ...(label ? { label } : {}) });
    this.#drivers.add(handle);
    return handle;
  }

  /** The built-in reference driver (in-process) in the other role. */
  async startPartner(role: DriverRole): Promise<DriverHandle> {
    const handle = await startDriver('reference', role, { server: this.server, provider: 'embedded', startupTimeoutMs: this.timeoutMs, label: 'driver-check partner' });
    this.#drivers.add(handle);
    return handle;
  }

  /** A plain reference client for side jobs (a queued job to compare priorities against). */
  async client(): Promise<GearmanClient> {
    const c = await GearmanClient.connect({ host: this.host, port: this.port, timeoutMs: this.timeoutMs, label: 'driver-check helper' });
    this.#clients.add(c);
    return c;
  }

  /** A plain reference worker, for what the reference driver's worker cannot observe (the unique). */
  async worker(grab: GrabVariant): Promise<GearmanWorker> {
    const w = await GearmanWorker.connect({ host: this.host, port: this.port, grab, timeoutMs: this.timeoutMs, label: 'driver-check helper worker' });
    this.#workers.add(w);
    return w;
  }

  /** Stop one driver now (idempotent); it stays tracked so close() is still safe. */
  async stop(handle: DriverHandle): Promise<void> {
    await handle.stop().catch(() => undefined);
  }

  /** Stop every driver and client, then the server. Idempotent, bounded, never throws. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#drivers].map((d) => d.stop().catch((e: unknown) => process.stderr.write(`driver-check: stopping ${d.name}: ${errorMessage(e)}\n`))));
      await Promise.all([...this.#clients].map((c) => c.close().catch(() => undefined)));
      await Promise.all([...this.#workers].map((w) => w.close().catch(() => undefined)));
      await this.#server.close().catch(() => undefined);
    })();
    return this.#closing;
  }
}
