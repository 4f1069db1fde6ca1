/** Placeholder: the record command is being built. */
import type { Command } from '../command.js';
import { EXIT } from '../command.js';

export const command: Command = {
  name: 'record',
  summary: '(record: not yet available)',
  usage: 'gearspec record',
  flags: {},
  async run() {
    process.stderr.write('gearspec record: not yet available\n');
    return EXIT.HARNESS;
  },
};
