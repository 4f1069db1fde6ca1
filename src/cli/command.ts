/**
 * What every CLI subcommand module exports, and the exit-code contract they all keep (README,
 * "Exit codes"): 0 passed / did its job; 1 the target failed; 2 usage error, unreachable target,
 * empty selection, nothing to do, or a harness error. 130/143: interrupted by SIGINT/SIGTERM
 * (serve and record finish normally on those). How the process ends is in ./lifecycle.ts.
 */
import { errorMessage, isGearspecError } from '../errors.js';
import type { FlagSpecs } from './args.js';

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** The --help text: synopsis, and the command's exit codes (exitCodes()). */
  readonly usage: string;
  readonly flags: FlagSpecs;
  run(argv: readonly string[]): Promise<number>;
}

export const EXIT = { OK: 0, FAILED: 1, HARNESS: 2 } as const;

/**
 * The "Exit codes" paragraph of a command's --help: what 0, 1 and 2 mean for it, and what
 * SIGINT/SIGTERM do (`onSignal` for the commands that finish normally on them).
 */
export function exitCodes(ok: string, failed: string | undefined, harness: string, onSignal?: string): string {
  return [
    'Exit codes (README, "Exit codes"):',
    `  0  ${ok}`,
    ...(failed ? [`  1  ${failed}`] : []),
    `  2  ${harness}`,
    onSignal ? `  SIGINT/SIGTERM: ${onSignal}` : '  130/143  interrupted by SIGINT/SIGTERM before it finished',
  ].join('\n');
}

/**
 * Runs a command as main.ts does: a thrown error (a bad flag, an unreadable file, an unreachable
 * server) is one line on stderr and exit 2, never a stack trace (GEARSPEC_DEBUG=1 adds it for
 * errors that are not gearspec's typed ones).
 */
export async function runCommand(command: Command, argv: readonly string[]): Promise<number> {
  try {
    return await command.run(argv);
  } catch (err) {
    process.stderr.write(`gearspec ${command.name}: ${errorMessage(err)}\n`);
    if (!isGearspecError(err) && process.env.GEARSPEC_DEBUG) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return EXIT.HARNESS;
  }
}
