/**
 * gearspec CLI: dispatches to one module per subcommand under ./commands. The catalogues and the
 * interop declarations it runs come from its caller (./declarations.ts): the executable entry
 * bin/gearspec.js composes them from suites/ and calls `runMain`.
 */
import { errorMessage } from '../errors.js';
import { renderFlags } from './args.js';
import { type Command, EXIT, runCommand } from './command.js';
import type { Declarations } from './declarations.js';
import { finish, installLifecycle } from './lifecycle.js';

const COMMANDS: Record<string, (declarations: Declarations) => Promise<Command>> = {
  serve: async () => (await import('./commands/serve.js')).command,
  certify: async (d) => (await import('./commands/certify.js')).certifyCommand(d),
  record: async () => (await import('./commands/record.js')).command,
  import: async () => (await import('./commands/import.js')).command,
  replay: async () => (await import('./commands/replay.js')).command,
  fuzz: async () => (await import('./commands/fuzz.js')).command,
  interop: async (d) => (await import('./commands/interop.js')).interopCommand(d.interop),
  soak: async () => (await import('./commands/soak.js')).command,
  merge: async (d) => (await import('./commands/merge.js')).mergeCommand(d),
  'driver-check': async () => (await import('./commands/driver-check.js')).command,
  peers: async () => (await import('./commands/peers.js')).command,
  releases: async (d) => (await import('./commands/releases.js')).releasesCommand(d),
};

async function help(declarations: Declarations): Promise<void> {
  const lines = ['gearspec — conformance and interop harness for the Gearman job protocol', '', 'usage: gearspec <command> [options]', ''];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${(await load(declarations)).summary}`);
  lines.push(
    '',
    'gearspec <command> --help shows its options.',
    '',
    'Exit codes, every command: 0 passed / did its job; 1 the target failed; 2 usage error, unreachable',
    'target, empty selection, nothing to do (or gearspec had to end a process that did not end by itself);',
    '130/143 interrupted by SIGINT/SIGTERM. Details: README.md, "Exit codes".',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(argv: readonly string[], declarations: Declarations): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help(declarations);
    return name ? EXIT.OK : EXIT.HARNESS;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`gearspec: unknown command ${JSON.stringify(name)}; try gearspec --help\n`);
    return EXIT.HARNESS;
  }
  installLifecycle(name);
  const command = await load(declarations);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n\n${renderFlags(command.flags)}\n`);
    return EXIT.OK;
  }
  return runCommand(command, rest);
}

/**
 * Runs gearspec as this process: `argv` without node and the script, and the declarations the
 * entry composed. The process ends as ./lifecycle.ts describes; call it once per process.
 */
export function runMain(argv: readonly string[], declarations: Declarations): void {
  let settled = false;
  // A command whose promise never settles while nothing keeps the loop alive would otherwise exit 0.
  process.once('exit', (code) => {
    if (settled || code !== 0) return;
    process.stderr.write('gearspec: the command stopped without finishing (a promise was never settled); exit 2\n');
    process.exitCode = EXIT.HARNESS;
  });

  main(argv, declarations).then(
    (code) => {
      settled = true;
      finish(code);
    },
    (err: unknown) => {
      // Only loading a command module can get here (runCommand catches what commands throw).
      settled = true;
      process.stderr.write(`gearspec: ${errorMessage(err)}\n`);
      finish(EXIT.HARNESS);
    },
  );
}
