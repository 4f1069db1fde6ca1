/** Placeholder: the serve command is being built. */
import type { Command } from '../command.js';
import { EXIT } from '../command.js';

export const command: Command = {
  name: 'serve',
  summary: '(serve: not yet available)',
  usage: 'gearspec serve',
  flags: {},
  async run() {
    process.stderr.write('gearspec serve: not yet available\n');
    return EXIT.HARNESS;
  },
};
