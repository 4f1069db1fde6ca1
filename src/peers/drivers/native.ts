/**
 * Runs a driver program as a native child process through the peers layer's generic runner
 * (bounded log, exit promise, SIGTERM → SIGKILL by the pid it started, killed with the harness).
 * Readiness is the driver's `hello` on the control connection, awaited by startDriver.
 */
import { runProcess } from '../process.js';
import type { DriverRuntime } from './handle.js';

interface NativeSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly label: string;
  /** Said when the program is not installed. */
  readonly missingHint?: string;
}

export async function runNative(spec: NativeSpec): Promise<DriverRuntime> {
  const handle = await runProcess({
    name: spec.label,
    command: spec.command,
    args: spec.args,
    env: spec.env,
    stopGraceMs: 1500,
    ...(spec.missingHint !== undefined && { missingHint: spec.missingHint }),
  });
  return {
    logs: () => handle.logs(),
    gone: handle.exited.then((x) => ({ code: x.code, signal: x.signal })),
    kill: async () => {
      await handle.stop();
    },
  };
}
