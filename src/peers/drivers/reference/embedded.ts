/**
 * Runs the reference driver inside the harness process (provider `embedded`). "Dying" drops every
 * socket of the driver at once, which is what a server sees when a worker process crashes.
 */
import type { DriverRuntime } from '../handle.js';
import type { DriverRole } from '../protocol.js';
import { runReferenceDriver } from './driver.js';

export function runEmbeddedReference(env: Record<string, string>): DriverRuntime {
  const lines: string[] = [];
  const log = (line: string): void => {
    lines.push(line);
    if (lines.length > 500) lines.shift();
  };
  const run = runReferenceDriver({ control: env.GEARSPEC_CONTROL!, server: env.GEARSPEC_SERVER!, role: env.GEARSPEC_ROLE as DriverRole, log });
  const gone = run.done.then(
    (status) => status,
    (e: unknown) => {
      log(`driver ended with error: ${e instanceof Error ? e.message : String(e)}`);
      return { code: 1, signal: null };
    },
  );
  return {
    logs: () => lines.join('\n'),
    gone,
    kill: async () => {
      run.kill();
      await gone;
    },
  };
}
