/** gearspec CLI entry: dispatches to one module per subcommand under ./commands. */
import { isGearspecError, errorMessage } from '../errors.js';
import { renderFlags } from './args.js';
import { type Command, EXIT } from './command.js';

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
  lines.push('', 'gearspec <command> --help shows its options.');
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
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n\n${renderFlags(command.flags)}\n`);
    return EXIT.OK;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Typed errors are user-facing (bad flag, unreadable fixture, unreachable server): no stack.
    process.stderr.write(`gearspec: ${errorMessage(err)}\n`);
    if (!isGearspecError(err) && process.env.GEARSPEC_DEBUG) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    process.exitCode = EXIT.HARNESS;
  },
);
