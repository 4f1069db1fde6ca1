/**
 * --restart-every N: after every N completed jobs the server is stopped and started again on the
 * same address, with every client and worker driver still connected (or reconnecting) — the fault
 * of a deployment whose server is upgraded or crashes. What the server held is gone (no queue
 * persistence is assumed); the ledger marks the moment so those jobs are judged as dropped, and
 * what counts is what the libraries do next (no new job is submitted until the server is back): workers that reconnect and register again, clients
 * that report an error for what they lost, nothing run twice. A server that does not come back
 * ends the run (every later job would be lost). Restarts happen one at a time (pacer.ts).
 */
import { errorMessage } from '../errors.js';
import type { MatrixServer } from '../interop/servers.js';
import type { Ledger } from './ledger.js';
import { Pacer } from './pacer.js';
import type { JobSource } from './source.js';
import type { RestartRecord } from './types.js';

export class Restarter extends Pacer {
  readonly restarts: readonly RestartRecord[];

  constructor(every: number, server: MatrixServer, ledger: Ledger, source: JobSource, now: () => number, onRestart: (r: RestartRecord) => void) {
    const restarts: RestartRecord[] = [];
    super(every, async () => {
      // The clients hold their next jobs until the server is back: the restart meets the jobs
      // already out (queued, running, awaiting their results), not a stream of refused submits.
      source.pause();
      const atMs = now();
      ledger.serverRestarting();
      let record: RestartRecord;
      try {
        await server.restart(() => ledger.serverStopped());
        ledger.serverUp();
        record = { atMs, upAtMs: now() };
      } catch (e) {
        record = { atMs, error: errorMessage(e) };
      }
      source.resume();
      restarts.push(record);
      onRestart(record);
      return true;
    });
    this.restarts = restarts;
  }
}
