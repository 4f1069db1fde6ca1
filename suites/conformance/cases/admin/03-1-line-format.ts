/**
 * spec §3.1 Line format: a command is a line ended by \n, with an optional \r before it; gearmand
 * matches command names without regard to case; lists end with a line holding only `.`; ERR lines
 * end in \r\n on both servers.
 */
import { type CaseDef, informational, pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import { isUnknownAdminCommand } from '../../../../src/runner/probe.js';
import { errLineThenVersion } from '../shared.js';

const base = { section: '3.1', level: 'MUST' } as const;

export const cases: readonly CaseDef[] = [
  {
    ...base,
    id: 'admin/line/lf-terminated',
    requirement: 'An admin command ending in "\\n" MUST be answered.',
    description: 'Sends "version\\n".',
    outcomes: [{ outcome: 'pass', when: 'one reply line' }],
    async run(ctx) {
      const c = await ctx.connect('admin');
      c.text('version', '\n');
      return pass(JSON.stringify(await c.expectLine('version')));
    },
  },
  {
    ...base,
    id: 'admin/line/crlf-terminated',
    requirement: 'An admin command ending in "\\r\\n" (as gearadmin sends) MUST be answered the same as with "\\n".',
    description: 'Sends "version\\n" then "version\\r\\n" and compares.',
    outcomes: [{ outcome: 'pass', when: 'the same reply twice' }],
    async run(ctx) {
      const c = await ctx.connect('admin');
      c.text('version', '\n');
      const a = await c.expectLine('version LF');
      c.text('version', '\r\n');
      const b = await c.expectLine('version CRLF');
      check(a === b, JSON.stringify(a), JSON.stringify(b));
      return pass();
    },
  },
  {
    ...base,
    id: 'admin/line/unknown-command',
    requirement: 'An unknown admin command MUST get an ERR line (code UNKNOWN_COMMAND / unknown_command) and the connection MUST stay usable.',
    description: 'Sends "gearspecnosuchcommand\\n", then "version\\n".',
    outcomes: [{ outcome: 'pass', when: 'ERR UNKNOWN_COMMAND ..., then a version line' }],
    async run(ctx) {
      const c = await ctx.connect('admin');
      c.text('gearspecnosuchcommand');
      const line = await errLineThenVersion(c, 'unknown command', isUnknownAdminCommand, 'ERR UNKNOWN_COMMAND (any case)', 'version afterwards');
      return pass(JSON.stringify(line));
    },
  },
  {
    ...base,
    level: 'SHOULD',
    id: 'admin/line/empty-line',
    requirement: 'An empty admin line SHOULD get the unknown-command ERR (both servers do).',
    description: 'Sends "\\n", then "version\\n".',
    outcomes: [{ outcome: 'pass', when: 'an ERR line, then a version line' }],
    async run(ctx) {
      const c = await ctx.connect('admin');
      c.raw(Buffer.from('\n'));
      const line = await errLineThenVersion(c, 'empty line', (l) => l.startsWith('ERR'), 'an ERR line', 'version afterwards');
      return pass(JSON.stringify(line));
    },
  },
  {
    ...base,
    id: 'admin/line/pipelined',
    requirement: 'Several admin commands in one write MUST be answered in order.',
    description: 'Sends "version\\nstatus\\nversion\\n" in one write.',
    outcomes: [{ outcome: 'pass', when: 'version line, status list ending ".", version line' }],
    async run(ctx) {
      const c = await ctx.connect('admin');
      c.raw(Buffer.from('version\nstatus\nversion\n'));
      const v1 = await c.expectLine('version');
      for (let i = 0; i < 10_000; i++) {
        const l = await c.expectLine('status list');
        if (l === '.') break;
      }
      const v2 = await c.expectLine('second version');
      check(v1 === v2, 'the same version line twice', `${JSON.stringify(v1)} / ${JSON.stringify(v2)}`);
      return pass();
    },
  },
  {
    ...base,
    level: 'INFO',
    id: 'admin/line/mixed-case-command',
    requirement: 'gearmand matches command names case-insensitively; Perl lower-cases the command word. Recorded only.',
    description: 'Sends "VeRsIoN\\n".',
    outcomes: [{ outcome: 'informational', when: 'the reply is recorded' }],
    async run(ctx) {
      const c = await ctx.connect('admin');
      c.text('VeRsIoN');
      return informational(JSON.stringify(await c.expectLine('VeRsIoN')));
    },
  },
];
