/**
 * The soak's handle on one driver instance: the driver (src/peers/drivers) plus a pump that reads
 * every event it sends, as it comes, and hands it on (to the ledger, by job id or handle). A
 * DriverTap (src/peers/drivers/tap.ts) is the matrix's per-scenario waiter, which keeps every event
 * and lets a scenario claim them; a soak instead streams thousands of events to their jobs and only
 * waits for a command's `done`.
 */
import { errorMessage } from '../errors.js';
import { type DriverCommand, type DriverEvent, type DriverHandle, type DriverSource, driverProviderFor, startDriver } from '../peers/drivers/index.js';
import type { ProviderKind } from '../peers/types.js';
import type { SoakDriverInfo } from './types.js';

/** How often the pump looks up from an idle driver (to notice it was stopped). */
const POLL_MS = 1000;
/** Polls without any event after the soak stopped a driver before the pump gives up on its `exited`. */
const STOPPED_QUIET_POLLS = 10;

/** startDriver, and once more if that fails: a start can lose a race with a loaded machine (as the matrix's pool does). */
export async function startWithRetry(source: DriverSource, role: 'client' | 'worker', label: string, server: string, provider: ProviderKind): Promise<DriverHandle> {
  const options = { server, provider: driverProviderFor(source, provider), label };
  return startDriver(source, role, options).catch(() => startDriver(source, role, options));
}

export class SoakDriver {
  readonly label: string;
  readonly handle: DriverHandle;
  readonly #waiting = new Map<string, (done: boolean) => void>();
  #stopping = false;
  /** Settles once the pump has read the driver's last event. */
  readonly pumped: Promise<void>;

  constructor(label: string, handle: DriverHandle, onEvent: (e: DriverEvent, d: SoakDriver) => void) {
    this.label = label;
    this.handle = handle;
    this.pumped = this.#pump(onEvent).catch((e: unknown) => onEvent({ event: 'error', message: `gearspec soak: reading ${label}: ${errorMessage(e)}` }, this));
  }

  get exited(): boolean {
    return this.handle.exited;
  }

  /** Whether the soak itself is ending this driver (a stop or a kill), rather than the driver going on its own. */
  get stopping(): boolean {
    return this.#stopping;
  }

  get info(): SoakDriverInfo {
    const h = this.handle;
    const pid = h.provider === 'native' ? h.hello.pid : undefined;
    return { label: this.label, role: h.role, library: h.hello.library, version: h.hello.version, provider: h.provider, ...(pid !== undefined ? { pid } : {}) };
  }

  send(cmd: DriverCommand): void {
    this.handle.send(cmd);
  }

  /** True at the `done` of command `id`; false once the driver is gone without it. Register before sending. */
  doneFor(id: string): Promise<boolean> {
    if (this.exited) return Promise.resolve(false);
    return new Promise((resolve) => this.#waiting.set(id, resolve));
  }

  /** The orderly stop (quit, close, SIGTERM): the end of the run, or a stuck client. */
  stop(): Promise<void> {
    this.#stopping = true;
    return this.handle.stop();
  }

  /** The crash: --kill-every's fault. Every event the driver wrote before it died is still read. */
  kill(): Promise<void> {
    this.#stopping = true;
    return this.handle.kill();
  }

  async #pump(onEvent: (e: DriverEvent, d: SoakDriver) => void): Promise<void> {
    let quietWhileStopping = 0;
    for (;;) {
      const e = await this.handle.nextEvent(POLL_MS);
      if (e === undefined) {
        // A stopped driver's `exited` comes within the handle's own bounds (seconds); this is a
        // backstop so that no pump outlives its driver.
        if (this.#stopping && ++quietWhileStopping >= STOPPED_QUIET_POLLS) break;
        continue;
      }
      if (e.event === 'done') {
        this.#waiting.get(e.id)?.(true);
        this.#waiting.delete(e.id);
      }
      onEvent(e, this);
      if (e.event === 'exited') break;
    }
    for (const resolve of this.#waiting.values()) resolve(false);
    this.#waiting.clear();
  }
}
