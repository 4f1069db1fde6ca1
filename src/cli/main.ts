/** gearspec CLI entry: dispatches to one module per subcommand under ./commands. */
import { errorMessage } from '../errors.js';
import { renderFlags } from './args.js';
import { type Command, EXIT, runCommand } from './command.js';
import { finish, installLifecycle } from './lifecycle.js';

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  serve: () => import('./commands/serve.js'),
  certify: () => import('./commands/certify.js'),
  record: () => import('./commands/record.js'),
  import: () => import('./commands/import.js'),
  replay: () => import('./commands/replay.js'),
  fuzz: () => import('./commands/fuzz.js'),
  interop: () => import('./commands/interop.js'),
  'driver-check': () => import('./commands/driver-check.js'),
  peers: () => import('./commands/peers.js'),
};

async function help(): Promise<void> {
  const lines = ['gearspec — conformance and interop harness for the Gearman job protocol', '', 'usage: gearspec <command> [options]', ''];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${(await load()).command.summary}`);
  lines.push(
    '',
    'gearspec <command> --help shows its options.',
    '',
    'Exit codes, every command: 0 passed / did its job; 1 the target failed; 2 usage error, unreachable',
    'target, empty selection, nothing to do (or gearspec had to end a process that did not end by itself);',
    '130/143 interrupted by SIGINT/SIGTERM. Details: README.md, "Exit codes".',
  );
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help();
    return name ? EXIT.OK : EXIT.HARNESS;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`gearspec: unknown command ${JSON.stringify(name)}; try gearspec --help\n`);
    return EXIT.HARNESS;
  }
  installLifecycle(name);
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n\n${renderFlags(command.flags)}\n`);
    return EXIT.OK;
  }
  return runCommand(command, rest);
}

let settled = false;
// A command whose promise never settles while nothing keeps the loop alive would otherwise exit 0.
process.once('exit', (code) => {
  if (settled || code !== 0) return;
  process.stderr.write('gearspec: the command stopped without finishing (a promise was never settled); exit 2\n');
  process.exitCode = EXIT.HARNESS;
});

main(process.argv.slice(2)).then(
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
