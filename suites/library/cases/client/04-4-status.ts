/**
 * Client cases, spec §4.4 (GET_STATUS and background jobs): the client sends GET_STATUS
 * with the handle as its one argument and reports STATUS_RES as the server gave it — gearmand's
 * "0"/"0" and Perl gearmand's empty numerator/denominator alike (§5 row 1).
 */
import { T } from '../../../../src/protocol/constants.js';
import { pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import type { EventOf } from '../../../../src/runner/library/subject-driver.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import { clientSubmits, handleFor } from '../../flows.js';
import { expectDone, nextRequest } from '../../flows-client.js';

/** Submit a background job (handle h), then ask its status; the stage answers `answer` (after the handle). */
async function statusOfBackgroundJob(ctx: LibraryCaseContext, answer: readonly [string, string, string, string]): Promise<EventOf<'status-res'>> {
  const job = await clientSubmits(ctx, { background: true });
  check(job.submit.type === T.SUBMIT_JOB_BG, 'SUBMIT_JOB_BG for the background job', `type ${job.submit.type}`);
  const h = handleFor(ctx);
  job.conn.send(T.JOB_CREATED, h);
  const created = await job.driver.expect('created', 'the client reports the handle of the background job', (e) => e.id === job.id);
  await expectDone(job.driver, job.id, 'the library returns once the background job is created');
  const id = job.driver.id('st');
  job.driver.send({ op: 'status', id, handle: created.handle });
  // The status request may go out on the job's connection or on a new one.
  const { conn, packet: p } = await nextRequest(ctx, job.driver, id, [T.GET_STATUS], job.conn);
  check(
    p.args.length === 1 && p.args[0]!.toString('latin1') === h,
    `GET_STATUS with the handle ${h} as its only argument`,
    `GET_STATUS ${p.args.map((a) => JSON.stringify(a.toString('latin1'))).join(', ')}`,
  );
  conn.send(T.STATUS_RES, h, ...answer);
  const e = await job.driver.expect('status-res', 'the client reports the STATUS_RES', (x) => x.id === id);
  return e;
}

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'client/status/running-with-progress',
    role: 'client',
    section: '4.4',
    level: 'MUST',
    requirement: 'A client MUST send GET_STATUS with the handle as its only argument and report STATUS_RES known/running flags and numerator/denominator as sent.',
    description: 'Background job created as h; GET_STATUS h; the stage answers STATUS_RES(h, "1", "1", "3", "7").',
    outcomes: [{ outcome: 'pass', when: 'known=true, running=true, 3/7' }],
    run: async (ctx) => {
      const e = await statusOfBackgroundJob(ctx, ['1', '1', '3', '7']);
      check(e.known && e.running && e.numerator === '3' && e.denominator === '7', 'known=true running=true 3/7', `known=${e.known} running=${e.running} ${e.numerator}/${e.denominator}`);
      return pass();
    },
  },
  {
    id: 'client/status/unknown-job',
    role: 'client',
    section: '4.4',
    level: 'MUST',
    requirement: 'A client MUST report STATUS_RES(handle, "0", "0", "0", "0") as a job the server does not know, not as an error.',
    description: 'Background job created as h; GET_STATUS h; the stage answers STATUS_RES(h, "0", "0", "0", "0") (gearmand\'s form for an unknown handle).',
    outcomes: [{ outcome: 'pass', when: 'known=false, running=false' }],
    run: async (ctx) => {
      const e = await statusOfBackgroundJob(ctx, ['0', '0', '0', '0']);
      check(!e.known && !e.running, 'known=false running=false', `known=${e.known} running=${e.running}`);
      return pass();
    },
  },
  {
    id: 'client/status/empty-progress',
    role: 'client',
    section: '4.4',
    level: 'MUST',
    requirement: 'A client MUST accept a STATUS_RES whose numerator and denominator are empty (Perl gearmand before any WORK_STATUS) and report the known/running flags.',
    description: 'Background job created as h; GET_STATUS h; the stage answers STATUS_RES(h, "1", "0", "", "") as Perl gearmand does.',
    outcomes: [{ outcome: 'pass', when: 'known=true, running=false (the numbers are recorded: empty or 0)' }],
    run: async (ctx) => {
      const e = await statusOfBackgroundJob(ctx, ['1', '0', '', '']);
      check(e.known && !e.running, 'known=true running=false', `known=${e.known} running=${e.running}`);
      check(
        ['', '0'].includes(e.numerator) && ['', '0'].includes(e.denominator),
        'numerator and denominator reported as empty or 0',
        `${JSON.stringify(e.numerator)}/${JSON.stringify(e.denominator)}`,
      );
      return pass(`numbers reported as ${JSON.stringify(e.numerator)}/${JSON.stringify(e.denominator)}`);
    },
  },
];
