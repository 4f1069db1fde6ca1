/**
 * spec §1.2: gearmand looks for a missing NUL separator beyond the packet, in the bytes of the
 * packets that follow, and the connection then hangs or is closed; a suite must not send short
 * argument lists to gearmand except to test exactly this. So this case runs last, on its own
 * connection.
 */
import { T } from '../../../../src/protocol/constants.js';
import { encodeFrame } from '../../../../src/protocol/encoder.js';
import { type CaseDef, pass } from '../../../../src/runner/case-def.js';
import { fail } from '../../../../src/runner/failures.js';
import { text } from '../../../../src/runner/steps.js';

export const cases: readonly CaseDef[] = [
  {
    id: 'binary/bad-input/short-argument-list',
    section: '1.2',
    requirement: 'A SUBMIT_JOB_BG body without its NUL separators MUST be answered with ERROR or a close; the server MUST NOT hang.',
    level: 'MUST',
    description: 'Sends SUBMIT_JOB_BG with body "fonly" (no NULs), then ECHO_REQ "next", on a connection of its own.',
    outcomes: [
      { outcome: 'pass', when: 'ERROR packet (e.g. Perl invalid_args)' },
      { outcome: 'pass', when: 'connection closed' },
    ],
    budgetReads: 4,
    async run(ctx) {
      const c = await ctx.connect('c');
      c.raw(encodeFrame('REQ', T.SUBMIT_JOB_BG, Buffer.from('fonly')));
      c.send(T.ECHO_REQ, 'next');
      const events = await c.collect(ctx.timeoutMs, (es) => es.some((e) => e.kind === 'closed' || (e.kind === 'packet' && e.packet.type === T.ERROR)));
      const err = events.find((e) => e.kind === 'packet' && e.packet.type === T.ERROR);
      if (err && err.kind === 'packet') return pass(`ERROR ${text(err.packet.args[0])}`);
      if (events.some((e) => e.kind === 'closed')) return pass('connection closed');
      return fail(
        ['ERROR packet', 'connection closed'],
        events.length ? `only ${events.map((e) => (e.kind === 'packet' ? `packet ${e.packet.type}` : e.kind)).join(', ')}` : 'no reply and the connection stays open (hang)',
      );
    },
  },
];
