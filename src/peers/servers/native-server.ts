/**
 * A server peer run from this machine's Debian packages: spawn on an ephemeral loopback port,
 * ready once it answers (readiness.ts) on a socket our pid owns; retry with a fresh port when
 * another process wins the race for it.
 */
import { ERROR_CODES, PeerError } from '../../errors.js';
import { runProcess } from '../process.js';
import { someoneListensOn } from '../proc-net.js';
import { PortInUseError, waitForServerReady } from '../readiness.js';
import type { ServerStartOptions, StartedServer } from '../types.js';
import type { ExternalServerDef } from './catalogue.js';
import { SERVER_HOST as HOST, startOnFreePort } from './port-retry.js';
import { externalServer } from './started-server.js';

export const DEFAULT_SERVER_STARTUP_MS = 10_000;

interface NativeServerDeps {
  /** Injected by tests to provoke a lost port race. */
  pickPort?: (host: string) => Promise<number>;
}

/**
 * A server that exits at once when its port is taken (Perl gearmand) can exit before the first
 * /proc check sees the other listener. An early exit is that port being taken, and reported so
 * that the start is retried on a fresh port, when another process listens on the port, or when
 * the server said so (its log: "Address already in use"; exit code 98, EADDRINUSE, which Perl's
 * die passes on): the other process may have let the port go again by the time we look.
 */
const ADDRESS_IN_USE = /address already in use|EADDRINUSE|exit(?:ed)?(?: with)? code 98\b/i;
async function portTakenExit(e: unknown, name: string, port: number): Promise<unknown> {
  const cause = e instanceof PeerError ? e.cause : undefined;
  if (!(e instanceof PeerError) || !(cause instanceof PeerError) || cause.code !== ERROR_CODES.PEER_EXITED) return e;
  const saidSo = ADDRESS_IN_USE.test(`${e.message}\n${e.log}\n${cause.message}\n${cause.log}`);
  if (!saidSo && !(await someoneListensOn(port))) return e;
  const first = e.message.split('\n')[0]!.slice(`${e.peer}: `.length);
  return new PeerError(e.code, e.peer, `${first} (127.0.0.1:${port} is held by another process)`, e.log, { cause: new PortInUseError(name, port) });
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
      }).catch(async (e: unknown) => {
        throw await portTakenExit(e, def.name, port);
      });
      return externalServer(def, 'native', HOST, port, versionLine, proc, { pid: proc.pid, binary: def.binary });
    },
    deps.pickPort,
  );
}
