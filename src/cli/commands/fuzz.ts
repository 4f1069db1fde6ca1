/** Placeholder: the fuzz command is being built. */
import type { Command } from '../command.js';
import { EXIT } from '../command.js';

export const command: Command = {
  name: 'fuzz',
  summary: '(fuzz: not yet available)',
  usage: 'gearspec fuzz',
  flags: {},
  async run() {
    process.stderr.write('gearspec fuzz: not yet available\n');
    return EXIT.HARNESS;
  },
};
