/**
 * The `--no-cleanup` flag and the cleanup line every command that sends traffic to a server it
 * did not start prints at its end (certify --server, interop --server, fuzz, replay). What each
 * command leaves, and what cleanup cannot remove, is in README ("What a run leaves on a server").
 */
import { cleanupScope, type CleanupReport, describeCleanup } from '../runner/cleanup.js';
import type { FlagSpecs } from './args.js';

export const CLEANUP_FLAGS: FlagSpecs = {
  'no-cleanup': { type: 'boolean', help: 'leave the jobs and function names this run created on the server (to debug them); see README, "What a run leaves on a server"' },
};

/** Ends a run: cleans up (or says it did not) and prints one report line per server. */
export type FinishCleanup = (handles?: readonly string[]) => Promise<CleanupReport | undefined>;

/**
 * Call before the run sends anything (it snapshots the server's function names). `owns` recognises
 * the run's function names (told whether the server listed the name before the run); `label`
 * names the server in the printed line.
 */
export async function startCleanup(
  flags: Readonly<Record<string, unknown>>,
  target: { readonly host: string; readonly port: number },
  label: string,
  timeoutMs: number,
  owns: (fn: string, listedBefore: boolean) => boolean,
): Promise<FinishCleanup> {
  if (flags['no-cleanup'] === true) {
    return async () => {
      process.stdout.write(`${label}: cleanup skipped (--no-cleanup): the jobs and function names of this run stay on the server\n`);
      return undefined;
    };
  }
  const finish = await cleanupScope(target, timeoutMs, owns);
  return async (handles) => {
    const report = await finish(handles);
    process.stdout.write(`${label}: ${describeCleanup(report)}\n`);
    return report;
  };
}
