/**
 * A server peer run from this machine's Debian packages: spawn on an ephemeral loopback port,
 * ready once `version` is answered by a socket our pid owns; retry with a fresh port when
 * another process wins the race for it.
 */
import { PeerError } from '../../errors.js';
import { pickFreePort } from '../ports.js';
import { runProcess } from '../process.js';
import { PortInUseError, parseVersionReply, waitForAdminVersion } from '../readiness.js';
import type { ServerStartOptions, StartedServer } from '../types.js';
import { type ExternalServerDef, missingHint } from './catalogue.js';
import { RunningServer } from './started-server.js';

const HOST = '127.0.0.1';
const PORT_ATTEMPTS = 3;
export const DEFAULT_SERVER_STARTUP_MS = 10_000;

export interface NativeServerDeps {
  /** Injected by tests to provoke a lost port race. */
  pickPort?: (host: string) => Promise<number>;
}

export async function startNativeServer(def: ExternalServerDef, options: ServerStartOptions = {}, deps: NativeServerDeps = {}): Promise<StartedServer> {
  const pickPort = deps.pickPort ?? pickFreePort;
  const attempts = options.port === undefined ? PORT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await pickPort(HOST));
    let versionLine = '';
    try {
      const proc = await runProcess({
        name: def.name,
        command: def.binary,
        args: def.buildArgs(HOST, port, options),
        startupTimeoutMs: options.startupTimeoutMs ?? DEFAULT_SERVER_STARTUP_MS,
        logMaxBytes: options.logMaxBytes,
        missingHint: missingHint(def),
        ready: async ({ pid, signal }) => {
          versionLine = await waitForAdminVersion({ name: def.name, host: HOST, port, pid, signal });
        },
      });
      return new RunningServer({
        name: def.name,
        provider: 'native',
        version: parseVersionReply(versionLine) || def.expectedVersion,
        host: HOST,
        port,
        logs: () => proc.logs(),
        stop: async () => {
          await proc.stop();
        },
        details: { pid: proc.pid, binary: def.binary },
      });
    } catch (error) {
      const lostRace = error instanceof PeerError && error.cause instanceof PortInUseError;
      if (lostRace && attempt < attempts) continue;
      throw error;
    }
  }
}
