/**
 * Runs a driver program as a native child process through the peers layer's generic runner
 * (bounded log, exit promise, SIGTERM → SIGKILL by the pid it started, killed with the harness).
 * Readiness is the driver's `hello` on the control connection, awaited by startDriver.
 */
import { runProcess } from '../process.js';
import type { DriverRuntime } from './handle.js';

export interface NativeSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly label: string;
}

const HINTS: Readonly<Record<string, string>> = {
  php: 'install Debian packages php8.2-cli php8.2-gearman (docker/install-native-peers.sh)',
  perl: 'install Debian package libgearman-client-perl (docker/install-native-peers.sh)',
};

export async function runNative(spec: NativeSpec): Promise<DriverRuntime> {
  const handle = await runProcess({
    name: spec.label,
    command: spec.command,
    args: spec.args,
    env: spec.env,
    stopGraceMs: 1500,
    ...(HINTS[spec.command] ? { missingHint: HINTS[spec.command] } : {}),
  });
  return {
    logs: () => handle.logs(),
    gone: handle.exited.then((x) => ({ code: x.code, signal: x.signal })),
    kill: async () => {
      await handle.stop();
    },
  };
}
