/** What every CLI subcommand module exports. Exit codes: 0 ok, 1 failures found, 2 harness/usage error. */
import type { FlagSpecs } from './args.js';

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly flags: FlagSpecs;
  run(argv: readonly string[]): Promise<number>;
}

export const EXIT = { OK: 0, FAILED: 1, HARNESS: 2 } as const;
