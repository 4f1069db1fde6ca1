/**
 * Client cases, spec §1 (framing): the client's reply parser must not depend on how the
 * server's bytes are cut into reads — one byte at a time, several replies in one read, a reply
 * split across reads together with the start of the next (interop-bugs #1).
 */
import { T } from '../../../../src/protocol/constants.js';
import { res } from '../../../../src/protocol/packet.js';
import { pass } from '../../../../src/runner/case-def.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { clientSubmits, expectComplete, handleFor } from '../../flows.js';

const RESULT = Buffer.from('result:\u00e9\u0000tail', 'utf8');

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'client/framing/reply-in-separate-reads',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST read JOB_CREATED and WORK_COMPLETE sent as two separate writes and report the exact result bytes.',
    description: 'Submit one job; the stage answers JOB_CREATED, then WORK_COMPLETE with a NUL-laden UTF-8 result, in two writes.',
    outcomes: [{ outcome: 'pass', when: 'the client reports completion with the exact bytes' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      await ctx.sleep(20);
      job.conn.send(T.WORK_COMPLETE, h, RESULT);
      await expectComplete(job, RESULT);
      return pass();
    },
  },
  {
    id: 'client/framing/replies-one-byte-per-read',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST reassemble replies that arrive one byte per read, at every split point of header and body.',
    description: 'JOB_CREATED and WORK_COMPLETE written one byte at a time, with a pause between bytes.',
    outcomes: [{ outcome: 'pass', when: 'the client reports completion with the exact bytes' }],
    budgetReads: 12,
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      await job.conn.split([res(T.JOB_CREATED, h), res(T.WORK_COMPLETE, h, RESULT)], 'every-byte', 1);
      await expectComplete(job, RESULT);
      return pass();
    },
  },
  {
    id: 'client/framing/replies-coalesced',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST handle several replies arriving in one read (JOB_CREATED, WORK_DATA, WORK_COMPLETE back to back).',
    description: 'JOB_CREATED, WORK_STATUS and WORK_COMPLETE in a single write.',
    outcomes: [{ outcome: 'pass', when: 'the client reports completion with the exact bytes' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      await job.conn.split([res(T.JOB_CREATED, h), res(T.WORK_STATUS, h, '1', '2'), res(T.WORK_COMPLETE, h, RESULT)], []);
      await expectComplete(job, RESULT);
      return pass();
    },
  },
  {
    id: 'client/framing/reply-split-with-next-header',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST handle a read that ends one reply and begins the next (the next header cut after its magic and inside its size).',
    description: 'JOB_CREATED + the first 6 bytes of WORK_COMPLETE in one write; the next 4 bytes; then the rest.',
    outcomes: [{ outcome: 'pass', when: 'the client reports completion with the exact bytes' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      const first = 12 + Buffer.byteLength(h);
      await job.conn.split([res(T.JOB_CREATED, h), res(T.WORK_COMPLETE, h, RESULT)], [first + 6, first + 10], 15);
      await expectComplete(job, RESULT);
      return pass();
    },
  },
];
