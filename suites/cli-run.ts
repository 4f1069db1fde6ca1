/**
 * Runs a gearspec subcommand in-process for the CLI suites and captures what it printed. Commands
 * write only through process.stdout/stderr, so spying on both captures everything.
 */
import { vi } from 'vitest';
import { type Command, runCommand } from '../src/cli/command.js';

interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * `command.run(argv)`: an error it throws rejects. With `asMain`, errors become what the gearspec
 * process does with them (runCommand: one stderr line, exit 2), to check the exit-code contract.
 */
export async function runCli(command: Command, argv: readonly string[], options: { readonly asMain?: boolean } = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    return { code: await (options.asMain ? runCommand(command, argv) : command.run(argv)), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
