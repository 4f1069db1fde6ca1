/** Placeholder: the import command is being built. */
import type { Command } from '../command.js';
import { EXIT } from '../command.js';

export const command: Command = {
  name: 'import',
  summary: '(import: not yet available)',
  usage: 'gearspec import',
  flags: {},
  async run() {
    process.stderr.write('gearspec import: not yet available\n');
    return EXIT.HARNESS;
  },
};
