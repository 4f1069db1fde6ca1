/**
 * Starts the matrix's servers through the peers layer: the reference server embedded, C gearmand
 * and Perl gearmand natively or in containers (GEARSPEC_PEERS, or the matrix's provider).
 */
import { within } from '../deadline.js';
import { describeExit } from '../peers/peer-start.js';
import { startServerPeer } from '../peers/servers/index.js';
import { ERROR_CODES, isGearspecError } from '../errors.js';
import type { ProviderKind, ServerPeerName, ServerStartOptions, StartedServer } from '../peers/types.js';
import { GearmanConnection } from '../transport/connection.js';
import { reach } from '../transport/reachable.js';
import type { MatrixServerName } from './types.js';

/**
 * The peers layer's StartedServer plus what the matrix needs on top: the crash (described), and a
 * restart on the same port, which the drivers' relays keep pointing at (certify's StartedTarget
 * restarts on any port; the two restarts differ for that reason).
 */
export interface MatrixServer {
  readonly name: MatrixServerName;
  readonly address: string;
  readonly version: string;
  readonly provider: string;
  logs(): string;
  stop(): Promise<void>;
  /** How the server's process ended, when it has exited on its own (a crash); undefined while it runs. */
  crashed(): string | undefined;
  /**
   * As `crashed`, but when the server refuses a connection (its process is ending) it waits, up to
   * `ms`, for the exit to be reported: a container's exit arrives after its port has closed, and a
   * crash the worker's failure reveals must not be missed for that.
   */
  crashSettled(ms: number): Promise<string | undefined>;
  /**
   * Stop it (if it still runs) and start it again on the same address: after a crash, or as a
   * fault (soak --restart-every); the drivers keep pointing there. `onStopped` runs once the old
   * process is gone, before the new one can answer.
   */
  restart(onStopped?: () => void): Promise<void>;
}

/** Start a server; one retry, because a readiness probe can lose a race with a loaded machine. */
export async function startMatrixServer(name: ServerPeerName, provider: ProviderKind | undefined, knobs: MatrixServerKnobs = {}): Promise<MatrixServer> {
  try {
    return await startOnce(name, provider, knobs);
  } catch (e) {
    // A knob the server does not have is the answer, not a lost race.
    if (isGearspecError(e) && e.code === ERROR_CODES.USAGE) throw e;
    return startOnce(name, provider, knobs);
  }
}

/** Server behaviour a scenario may ask for (the peers layer's knobs it uses). */
export type MatrixServerKnobs = Pick<ServerStartOptions, 'keepaliveSeconds'>;

async function startOnce(name: ServerPeerName, provider: ProviderKind | undefined, knobs: MatrixServerKnobs): Promise<MatrixServer> {
  // The reference server always runs embedded; the provider applies to the external servers.
  const start = (port?: number, handlePrefix?: string): Promise<StartedServer> =>
    startServerPeer(name, {
      ...knobs,
      ...(provider && name !== 'reference' ? { provider } : {}),
      startupTimeoutMs: 20_000,
      ...(port !== undefined && { port }),
      ...(handlePrefix !== undefined && { handlePrefix }),
    });
  let restarts = 0;
  let current = await start();
  let exit: string | undefined;
  let earlierLogs = '';
  const watch = (s: StartedServer): void => {
    void s.exited?.then((x) => {
      if (s === current && !stopping && !restarting) exit = describeExit(x);
    });
  };
  let stopping = false;
  let restarting = false;
  watch(current);
  return {
    name,
    address: current.address,
    version: current.version,
    provider: current.provider,
    logs: () => `${earlierLogs}${current.logs()}`,
    stop: () => {
      stopping = true;
      return current.stop();
    },
    crashed: () => exit,
    crashSettled: async (ms) => {
      // Only a refusal is a positive sign the server is going down; anything else is graded now.
      if (exit !== undefined || (await reach(current.host, current.port, 2000)).state !== 'refused') return exit;
      await within(current.exited ?? Promise.resolve(undefined), ms);
      // The exit handler above runs in a later microtask than `within`'s own.
      await new Promise((r) => setImmediate(r));
      return exit;
    },
    restart: async (onStopped) => {
      const old = current;
      restarting = true;
      try {
        earlierLogs += `${old.logs()}\n=== ${exit !== undefined ? `the server exited (${exit})` : 'gearspec stopped the server'}; gearspec restarted it on the same port ===\n`;
        await old.stop();
        onStopped?.();
        // The embedded reference server is back within a millisecond, so events about the old
        // one's jobs can still be on their way: its handles get a prefix of their own.
        restarts++;
        current = await start(old.port, name === 'reference' ? `H:restart${restarts}` : undefined);
        exit = undefined;
        watch(current);
      } finally {
        restarting = false;
      }
    },
  };
}

/**
 * A server someone else runs: the matrix neither starts nor stops it. Its version comes from the
 * admin `version` command when it answers within `timeoutMs`.
 */
export async function externalMatrixServer(host: string, port: number, timeoutMs = 3000): Promise<MatrixServer> {
  let version = 'unknown';
  const conn = await GearmanConnection.connect({ host, port, connectTimeoutMs: timeoutMs });
  try {
    const lines = await conn.admin('version', timeoutMs);
    version = (lines[0] ?? '').replace(/^OK /, '').trim() || 'unknown';
  } catch {
    // No admin protocol: the matrix still runs, the report says "unknown".
  } finally {
    conn.close();
  }
  // Someone else's server: its death is not ours to see or mend (the scenarios fail instead).
  return {
    name: 'external',
    address: `${host}:${port}`,
    version,
    provider: 'external',
    logs: () => '',
    stop: async () => undefined,
    crashed: () => undefined,
    crashSettled: async () => undefined,
    restart: async () => undefined,
  };
}
