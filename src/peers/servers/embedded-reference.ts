/**
 * The reference server, run in this process (provider `embedded`): no binary, no container.
 * Its log lines go into the same bounded ring as an external peer's output.
 */
import { startReferenceServer, SERVER_VERSION } from '../../server/index.js';
import { InputError, PeerError, ERROR_CODES, errorMessage, isGearspecError } from '../../errors.js';
import { LogRing } from '../log-ring.js';
import { parseVersionReply, probeVersion } from '../readiness.js';
import type { ServerStartOptions, StartedServer } from '../types.js';
import { RunningServer } from './started-server.js';
import { withDeadline } from '../wait.js';
import { DEFAULT_SERVER_STARTUP_MS } from './native-server.js';

export async function startEmbeddedReference(options: ServerStartOptions = {}): Promise<StartedServer> {
  // Knobs that only exist as gearmand flags have no meaning here; silently dropping them would
  // let a suite believe it tested something it did not.
  if (options.threads !== undefined) throw new InputError(ERROR_CODES.USAGE, 'reference start option threads', 'the reference server has no I/O threads setting');
  if (options.args?.length) throw new InputError(ERROR_CODES.USAGE, 'reference start option args', 'the reference server takes options, not command-line arguments');
  const log = new LogRing(options.logMaxBytes);
  const server = await startReferenceServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    ...(options.jobRetries !== undefined && { jobRetries: options.jobRetries }),
    ...(options.exceptions !== undefined && { exceptionsByDefault: options.exceptions }),
    ...(options.handlePrefix !== undefined && { handlePrefix: options.handlePrefix }),
    ...(options.keepaliveSeconds !== undefined && { keepaliveMs: options.keepaliveSeconds * 1000 }),
    log: (line) => log.append('', `${line}\n`),
  }).catch((e: unknown) => {
    // Bad options stay usage errors; anything else (EADDRINUSE) is a failed start.
    if (isGearspecError(e)) throw e;
    throw new PeerError(ERROR_CODES.PEER_START_FAILED, 'reference', errorMessage(e), log.text(), { cause: e });
  });
  let version = SERVER_VERSION;
  try {
    // The same readiness check as an external peer: proves the listener answers admin commands.
    const line = await withDeadline('reference: waiting for admin version', options.startupTimeoutMs ?? DEFAULT_SERVER_STARTUP_MS, () => probeVersion(server.host, server.port));
    version = parseVersionReply(line);
  } catch (e) {
    await server.close().catch(() => undefined);
    throw new PeerError(ERROR_CODES.PEER_START_FAILED, 'reference', `did not answer version: ${errorMessage(e)}`, log.text(), { cause: e });
  }
  return new RunningServer({
    name: 'reference',
    provider: 'embedded',
    version,
    host: server.host,
    port: server.port,
    logs: () => log.text(),
    stop: () => server.close(),
  });
}
