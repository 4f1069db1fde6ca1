/**
 * startDriver: runs one client or worker driver (any registry peer with a client or worker role,
 * or a driver program someone else wrote) against a Gearman server, and hands back a handle
 * speaking the control protocol.
 * The harness listens on 127.0.0.1:ephemeral; the driver is told where via GEARSPEC_CONTROL.
 */
import { ERROR_CODES, PeerError, errorMessage } from '../../errors.js';
import type { DriverPeerName, ProviderKind } from '../types.js';
import { ControlListener } from './control.js';
import { type DriverHandle, type DriverRuntime, type HelloEvent, StartedDriver } from './handle.js';
import { runNative } from './native.js';
import { nativeProgram } from './programs.js';
import type { DriverRole } from './protocol.js';
import { runEmbeddedReference } from './reference/embedded.js';

export type { DriverHandle } from './handle.js';
export * from './protocol.js';

export { DRIVER_NAMES, CLIENT_NAMES, WORKER_NAMES } from '../registry/index.js';
import { installHint, isCurrent } from '../registry/index.js';

interface StartDriverOptions {
  /** Gearman server the driver talks to, host:port. */
  readonly server: string;
  /** native (default for library drivers), embedded (default for reference), or container. */
  readonly provider?: ProviderKind;
  readonly startupTimeoutMs?: number;
  /** Extra label for logs (e.g. "victim"). */
  readonly label?: string;
}

/**
 * A driver someone else wrote: any program that speaks the driver protocol (docs/driver-protocol.md), run as
 * `/bin/sh -c 'exec COMMAND'` so that a simple command replaces the shell and is stopped by its
 * pid. `name` labels it in reports.
 */
export interface ExternalDriver {
  readonly name: string;
  readonly command: string;
}

/** A built-in driver by name, or an external one. */
export type DriverSource = DriverPeerName | ExternalDriver;

export const driverName = (source: DriverSource): string => (typeof source === 'string' ? source : source.name);

/**
 * Where a driver runs when a run's drivers are given `provider`: the reference driver in-process,
 * an external driver as a native program, another release's build in its image (it exists only
 * there), and a library's current build where the provider says. The matrix and the soak both
 * decide so.
 */
export function driverProviderFor(source: DriverSource, provider: ProviderKind | undefined): ProviderKind | undefined {
  if (source === 'reference') return 'embedded';
  if (typeof source !== 'string') return 'native';
  return isCurrent(source) ? provider : 'container';
}

export async function startDriver(source: DriverSource, role: DriverRole, options: StartDriverOptions): Promise<DriverHandle> {
  const name = driverName(source);
  // Another release's build exists only in its image: it runs in a container whatever the default.
  const provider: ProviderKind = typeof source !== 'string' ? 'native' : (options.provider ?? (source === 'reference' ? 'embedded' : isCurrent(source) ? 'native' : 'container'));
  const timeoutMs = options.startupTimeoutMs ?? 15_000;
  const who = `${name} ${role} driver${options.label ? ` (${options.label})` : ''}`;
  const listener = await ControlListener.listen();
  const env = { GEARSPEC_CONTROL: `127.0.0.1:${listener.port}`, GEARSPEC_SERVER: options.server, GEARSPEC_ROLE: role };
  let runtime: DriverRuntime | undefined;
  try {
    runtime = typeof source === 'string' ? await launch(source, provider, env, who) : await runNative({ command: '/bin/sh', args: ['-c', `exec ${source.command}`], env, label: who });
    const gone = runtime.gone.then((r) => `code ${r.code}, signal ${r.signal}`);
    const control = await listener.accept(timeoutMs, gone);
    const first = await control.next(timeoutMs);
    if (first?.event !== 'hello') {
      const why = !first ? `no hello within ${timeoutMs} ms` : first.event === 'error' ? `its first line was not a hello event: ${first.message}` : `first event was ${first.event}, not hello`;
      throw new PeerError(ERROR_CODES.PEER_START_FAILED, who, why, runtime.logs());
    }
    return new StartedDriver({ name, role, provider, hello: first as HelloEvent, control, runtime });
  } catch (e) {
    const logs = runtime?.logs() ?? '';
    await runtime?.kill().catch(() => undefined);
    if (e instanceof PeerError) throw e;
    throw new PeerError(ERROR_CODES.PEER_START_FAILED, who, errorMessage(e), logs, { cause: e });
  } finally {
    listener.close();
  }
}

async function launch(name: DriverPeerName, provider: ProviderKind, env: Record<string, string>, who: string): Promise<DriverRuntime> {
  switch (provider) {
    case 'embedded':
      if (name !== 'reference') throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, who, 'only the reference driver can run embedded');
      return runEmbeddedReference(env);
    case 'native':
      if (name === 'reference') return runEmbeddedReference(env);
      return runNative({ ...(await nativeProgram(name)), env, label: who, missingHint: installHint(name) });
    case 'container': {
      const { runDriverContainer } = await import('./container.js');
      return runDriverContainer(name, env, who);
    }
  }
}
