/** Placeholder: the replay command is being built. */
import type { Command } from '../command.js';
import { EXIT } from '../command.js';

export const command: Command = {
  name: 'replay',
  summary: '(replay: not yet available)',
  usage: 'gearspec replay',
  flags: {},
  async run() {
    process.stderr.write('gearspec replay: not yet available\n');
    return EXIT.HARNESS;
  },
};
