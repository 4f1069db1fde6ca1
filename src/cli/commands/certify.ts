/** Placeholder: the certify command is being built. */
import type { Command } from '../command.js';
import { EXIT } from '../command.js';

export const command: Command = {
  name: 'certify',
  summary: '(certify: not yet available)',
  usage: 'gearspec certify',
  flags: {},
  async run() {
    process.stderr.write('gearspec certify: not yet available\n');
    return EXIT.HARNESS;
  },
};
