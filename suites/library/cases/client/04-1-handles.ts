/**
 * Client cases, spec §4.1 (job handles): a client treats the handle as an opaque string of
 * at most 63 bytes — any length up to that, any bytes but NUL — and matches every WORK_* to its
 * task by the whole handle; GET_STATUS carries the handle verbatim (interop-bugs #5).
 */
import { T } from '../../../../src/protocol/constants.js';
import { unb64 } from '../../../../src/peers/drivers/index.js';
import { informational, pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { clientSubmits, expectComplete, hex, sameBytes } from '../../flows.js';
import { describeEnd, expectDone, expectReportedEnd, recent } from '../../flows-client.js';

/** A handle of exactly `n` bytes, private to the case: "H:" + the case's name, padded with digits or cut. */
const handleOfLength = (ctx: LibraryCaseContext, n: number): Buffer => {
  const base = Buffer.from(`H:${ctx.fn('h').replace(/[^A-Za-z0-9_]/g, '')}:`);
  if (base.length >= n) return base.subarray(base.length - n);
  return Buffer.concat([base, Buffer.from('0123456789'.repeat(10).slice(0, n - base.length))]);
};

/** JOB_CREATED(handle), WORK_DATA, WORK_STATUS, WORK_COMPLETE all naming `handle`: every relay reaches the task. */
const matchedBy =
  (make: (ctx: LibraryCaseContext) => Buffer): LibraryCaseDef['run'] =>
  async (ctx) => {
    const job = await clientSubmits(ctx);
    const h = make(ctx);
    job.conn.send(T.JOB_CREATED, h);
    job.conn.send(T.WORK_DATA, h, 'd');
    job.conn.send(T.WORK_STATUS, h, '1', '2');
    job.conn.send(T.WORK_COMPLETE, h, 'r');
    await expectComplete(job, Buffer.from('r'), `the client matches WORK_COMPLETE for the ${h.length}-byte handle ${hex(h)} to its task`);
    const kinds = job.driver.eventsFor(job.id).map((e) => e.event);
    check(kinds.includes('data') && kinds.includes('status'), 'the WORK_DATA and WORK_STATUS are reported too', `events for the job: ${kinds.join(', ')}`);
    return pass();
  };

const matchedOutcomes = [{ outcome: 'pass', when: 'the data, status and completion sent under the handle all reach the task' }] as const;

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'client/handles/one-byte',
    role: 'client',
    section: '4.1',
    level: 'MUST',
    requirement: "A client MUST accept a 1-byte job handle and match the job's results to it.",
    description: 'JOB_CREATED with handle "7"; WORK_DATA, WORK_STATUS and WORK_COMPLETE for "7".',
    outcomes: matchedOutcomes,
    run: matchedBy(() => Buffer.from('7')),
  },
  {
    id: 'client/handles/63-bytes',
    role: 'client',
    section: '4.1',
    level: 'MUST',
    requirement: "A client MUST accept a job handle of 63 bytes (the longest the protocol allows) and match the job's results to it.",
    description: 'JOB_CREATED with a 63-byte handle; WORK_DATA, WORK_STATUS and WORK_COMPLETE for it.',
    outcomes: matchedOutcomes,
    run: matchedBy((ctx) => handleOfLength(ctx, 63)),
  },
  {
    id: 'client/handles/64-bytes',
    role: 'client',
    section: '4.1',
    // INFO: 64 bytes is one past the protocol's limit (64 including the terminating NUL), so no
    // behaviour is required; what the client does with it is recorded.
    level: 'INFO',
    requirement: "A 64-byte handle is one past the protocol's limit; a client may keep it whole, cut it to 63 bytes or refuse it. Recorded only.",
    description: 'JOB_CREATED with a 64-byte handle; WORK_COMPLETE "whole" for the 64-byte handle, then WORK_COMPLETE "cut" for its first 63 bytes.',
    outcomes: [{ outcome: 'informational', when: 'which completion the client reports (whole handle, 63-byte prefix) or the error it reports' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleOfLength(ctx, 64);
      job.conn.send(T.JOB_CREATED, h);
      job.conn.send(T.WORK_COMPLETE, h, 'whole');
      job.conn.send(T.WORK_COMPLETE, h.subarray(0, 63), 'cut');
      const e = await job.driver.first((x) => (x.event === 'complete' || x.event === 'fail' || x.event === 'exception' || x.event === 'error' || x.event === 'done') && 'id' in x && x.id === job.id);
      if (!e) return informational(`no outcome within ${ctx.timeoutMs} ms (the client waits for a handle it never matches); ${recent(job.driver)}`);
      if (e.event === 'complete') {
        const got = unb64(e.payload).toString('latin1');
        return informational(
          got === 'whole'
            ? 'kept the 64-byte handle whole and matched it'
            : got === 'cut'
              ? 'cut the handle to 63 bytes: the WORK_COMPLETE for the whole handle was not matched, the one for the 63-byte prefix was'
              : `completed with ${JSON.stringify(got)}`,
        );
      }
      if (e.event === 'done') return informational('returned without reporting an outcome for the job');
      return informational(`ended with ${describeEnd(e as Parameters<typeof describeEnd>[0])}`);
    },
  },
  {
    id: 'client/handles/spaces-and-colons',
    role: 'client',
    section: '4.1',
    level: 'MUST',
    requirement: "A client MUST treat a job handle with spaces and extra colons as opaque and match the job's results to the whole handle.",
    description: 'JOB_CREATED with handle "H:host name:with:colons 42"; WORK_DATA, WORK_STATUS and WORK_COMPLETE for it.',
    outcomes: matchedOutcomes,
    run: matchedBy((ctx) => Buffer.from(`H:host name:${ctx.fn('c').slice(-8)}:with:colons 42`)),
  },
  {
    id: 'client/handles/non-ascii',
    role: 'client',
    section: '4.1',
    level: 'MUST',
    requirement: "A client MUST treat a job handle with non-ASCII bytes as opaque bytes and match the job's results to it.",
    description: 'JOB_CREATED with handle "H:gearspéc-✓-ü:<n>" (UTF-8, 0x80-0xFF bytes); WORK_DATA, WORK_STATUS and WORK_COMPLETE for it.',
    outcomes: matchedOutcomes,
    run: matchedBy((ctx) => Buffer.from(`H:gearspéc-✓-ü:${ctx.fn('n').slice(-6)}`, 'utf8')),
  },
  {
    id: 'client/handles/two-jobs-prefix-handles',
    role: 'client',
    section: '4.1',
    level: 'MUST',
    requirement: 'A client MUST match results by the whole handle: with jobs "H:x:1" and "H:x:10" running at once, each result reaches its own job.',
    description: 'Two jobs in one batch get handles h:1 and h:10; WORK_COMPLETE "ten" for h:10 comes first, then "one" for h:1.',
    outcomes: [{ outcome: 'pass', when: 'the job with h:1 completes with "one", the job with h:10 with "ten"' }],
    run: async (ctx) => {
      const driver = await ctx.client();
      const fn = ctx.fn('job');
      const ids = [driver.id('job'), driver.id('job')] as const;
      driver.send({ op: 'submit-batch', id: driver.id('batch'), jobs: ids.map((id, i) => ({ id, function: fn, payload: Buffer.from(`p${i}`).toString('base64') })) });
      const conn = await ctx.stage.accept();
      const base = `H:${ctx.fn('p').replace(/[^A-Za-z0-9_]/g, '')}:1`;
      const handles = [base, `${base}0`] as const;
      // Handles go by payload (job i sends "p<i>"), whatever order the library sends the submits in.
      for (let n = 0; n < 2; n++) {
        const p = await conn.expectSubmit();
        const i = p.args[2]!.toString('latin1') === 'p1' ? 1 : 0;
        conn.send(T.JOB_CREATED, handles[i]);
      }
      conn.send(T.WORK_COMPLETE, handles[1], 'ten');
      conn.send(T.WORK_COMPLETE, handles[0], 'one');
      for (const [i, want] of (['one', 'ten'] as const).entries()) {
        const e = await expectReportedEnd(driver, ids[i], `job ${i + 1} ends`);
        check(e.event === 'complete' && sameBytes(unb64(e.payload), Buffer.from(want)), `job ${i + 1} (handle ${handles[i]}) completes with "${want}"`, `it ended with ${describeEnd(e)}`);
      }
      return pass();
    },
  },
  {
    id: 'client/handles/get-status-verbatim',
    role: 'client',
    section: '4.1',
    level: 'MUST',
    requirement: 'A client MUST send GET_STATUS with the handle exactly as the application gives it (spaces and colons included), as the only argument.',
    description: 'The client asks GET_STATUS for "H:spa ce:co:lon:<n>"; the stage checks the body and answers STATUS_RES(handle, 1, 0, 0, 0).',
    outcomes: [{ outcome: 'pass', when: 'GET_STATUS carries the handle byte-exact and the client reports known, not running' }],
    run: async (ctx) => {
      const driver = await ctx.client();
      const h = `H:spa ce:co:lon:${ctx.fn('s').slice(-10)}`;
      const id = driver.id('st');
      driver.send({ op: 'status', id, handle: h });
      const conn = await ctx.stage.accept();
      const p = await conn.expect(T.GET_STATUS);
      check(p.args.length === 1 && sameBytes(p.args[0]!, Buffer.from(h)), `GET_STATUS body ${hex(Buffer.from(h))}`, `body ${hex(p.args[0]!)}`);
      conn.send(T.STATUS_RES, h, '1', '0', '0', '0');
      const e = await driver.expect('status-res', 'the client reports the status', (x) => x.id === id);
      check(e.known && !e.running, 'known=true running=false', `known=${e.known} running=${e.running}`);
      await expectDone(driver, id);
      return pass();
    },
  },
];
