/**
 * Client cases, spec §2 and §4.14 (packets a client does not expect): a reply of a type the
 * table does not have (99), a valid type that only workers receive (NOOP), results for a handle
 * the client is not waiting on (a stray WORK_FAIL after a non-terminal exception, interop-bugs
 * #12, #15). The client may skip such a packet or report an error for its job, but it must not
 * crash or hang; the real reply that follows is the positive signal.
 */
import { T } from '../../../../src/protocol/constants.js';
import { unb64 } from '../../../../src/peers/drivers/index.js';
import { alternative, pass } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { clientSubmits, handleFor, hex, sameBytes } from '../../flows.js';
import { describeEnd, expectDone, expectReportedEnd, rawPacket } from '../../flows-client.js';

const AFTER = Buffer.from('after');

/** JOB_CREATED, the unexpected bytes, then WORK_COMPLETE "after": skipped (complete) or reported (error). */
const unexpectedThenReply =
  (alt: 'client-unknown-type' | 'client-unexpected-type', bytes: (h: string) => Buffer): LibraryCaseDef['run'] =>
  async (ctx) => {
    const job = await clientSubmits(ctx);
    const h = handleFor(ctx);
    job.conn.send(T.JOB_CREATED, h);
    await job.driver.expect('created', 'the client reports the job handle', (e) => e.id === job.id);
    job.conn.raw(bytes(h));
    job.conn.send(T.WORK_COMPLETE, h, AFTER);
    const e = await expectReportedEnd(job.driver, job.id, 'the client completes the job or reports an error for it');
    await expectDone(job.driver, job.id);
    if (job.driver.exited) fail('the client process survives', 'the driver exited');
    if (e.event === 'complete') {
      const got = unb64(e.payload);
      check(sameBytes(got, AFTER), `completion with ${hex(AFTER)}`, `completion with ${hex(got)}`);
      return alternative(alt, 'ignore', 'skipped the packet; the job completed');
    }
    check(e.event === 'error' || e.event === 'fail', 'completion, or an error (or fail) for the job', describeEnd(e));
    return alternative(alt, 'error', `reported ${describeEnd(e)}`);
  };

const outcomes = (alt: 'client-unknown-type' | 'client-unexpected-type') =>
  [
    { outcome: 'pass-alternative', alternative: alt, choice: 'ignore', when: 'the packet is skipped and the job completes with the reply that follows' },
    { outcome: 'pass-alternative', alternative: alt, choice: 'error', when: 'an error (or fail) is reported for the job and the library returns' },
  ] as const;

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'client/bad-input/unknown-type-99',
    role: 'client',
    section: '2',
    level: 'MUST',
    requirement: 'A client that receives a packet of a type the protocol does not define MUST NOT crash or hang: it skips it or reports an error for its job.',
    description: 'JOB_CREATED; then a \\0RES packet of type 99 with a 3-byte body; then WORK_COMPLETE "after".',
    outcomes: outcomes('client-unknown-type'),
    run: unexpectedThenReply('client-unknown-type', () => rawPacket('RES', 99, Buffer.from('x\0y', 'latin1'))),
  },
  {
    id: 'client/bad-input/noop-to-client',
    role: 'client',
    section: '2',
    level: 'MUST',
    requirement: 'A client that receives a NOOP (a server-to-worker packet) MUST NOT crash or hang: it skips it or reports an error for its job.',
    description: 'JOB_CREATED; then NOOP (type 6, empty body); then WORK_COMPLETE "after".',
    outcomes: outcomes('client-unexpected-type'),
    run: unexpectedThenReply('client-unexpected-type', () => rawPacket('RES', T.NOOP, Buffer.alloc(0))),
  },
  {
    id: 'client/bad-input/result-for-unknown-handle',
    role: 'client',
    section: '4.14',
    // SHOULD: such packets are the server's doing, but they happen in practice — the WORK_FAIL a
    // non-terminal server sends after WORK_EXCEPTION reaches a client that already ended the
    // task — and a client that trips over them loses a job that is still running fine.
    level: 'SHOULD',
    requirement: 'A client SHOULD ignore WORK_FAIL and WORK_COMPLETE for a handle it is not waiting on and go on with its own job.',
    description: 'JOB_CREATED h; WORK_FAIL and WORK_COMPLETE for another handle that begins with h (h + "-stale"); then WORK_COMPLETE(h, "after").',
    outcomes: [{ outcome: 'pass', when: 'the job completes with "after"' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      job.conn.send(T.WORK_FAIL, `${h}-stale`);
      job.conn.send(T.WORK_COMPLETE, `${h}-stale`, 'not yours');
      job.conn.send(T.WORK_COMPLETE, h, AFTER);
      const e = await expectReportedEnd(job.driver, job.id, 'the client completes its job');
      check(e.event === 'complete' && sameBytes(unb64(e.payload), AFTER), `completion with ${hex(AFTER)}`, `the job ended with ${describeEnd(e)}`);
      return pass();
    },
  },
];
