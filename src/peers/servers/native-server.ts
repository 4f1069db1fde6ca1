/**
 * A server peer run from this machine's Debian packages: spawn on an ephemeral loopback port,
 * ready once it answers (readiness.ts) on a socket our pid owns; retry with a fresh port when
 * another process wins the race for it.
 */
import { runProcess } from '../process.js';
import { waitForServerReady } from '../readiness.js';
import type { ServerStartOptions, StartedServer } from '../types.js';
import type { ExternalServerDef } from './catalogue.js';
import { SERVER_HOST as HOST, startOnFreePort } from './port-retry.js';
import { externalServer } from './started-server.js';

export const DEFAULT_SERVER_STARTUP_MS = 10_000;

export interface NativeServerDeps {
  /** Injected by tests to provoke a lost port race. */
  pickPort?: (host: string) => Promise<number>;
}

export async function startNativeServer(def: ExternalServerDef, options: ServerStartOptions = {}, deps: NativeServerDeps = {}): Promise<StartedServer> {
  return startOnFreePort(
    options.port,
    async (port) => {
      let versionLine = '';
      const proc = await runProcess({
        name: def.name,
        command: def.binary,
        args: [...def.prefixArgs, ...def.buildArgs(HOST, port, options)],
        startupTimeoutMs: options.startupTimeoutMs ?? DEFAULT_SERVER_STARTUP_MS,
        logMaxBytes: options.logMaxBytes,
        missingHint: def.missingHint,
        ready: async ({ pid, signal }) => {
          versionLine = await waitForServerReady(def.readiness, { name: def.name, host: HOST, port, pid, signal });
        },
      });
      return externalServer(def, 'native', HOST, port, versionLine, proc, { pid: proc.pid, binary: def.binary });
    },
    deps.pickPort,
  );
}
