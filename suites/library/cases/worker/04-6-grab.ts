/**
 * Worker cases, spec §4.6 (GRAB_JOB vs GRAB_JOB_UNIQ vs GRAB_JOB_ALL): which grab the
 * worker uses, the unique reaching the function when the grab brings it, and what the worker does
 * with an assignment variant other than the one its grab asks for (interop-bugs #30).
 */
import { packetName, T } from '../../../../src/protocol/constants.js';
import type { Packet } from '../../../../src/protocol/packet.js';
import { alternative, type CaseVerdict, informational, pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import { ASSIGN_FOR_GRAB, assignPacket } from '../../../../src/runner/library/library-conn.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { handleFor, hex, sameBytes } from '../../flows.js';
import { afterTerminal, expectJobEvent, isTerminal, readyWorker, serveJob, stillWorking } from '../../flows-worker.js';

const DATA = Buffer.from('grab:\u0000\u00e9', 'utf8');

const GRAB_CHOICE: Readonly<Record<number, 'grab-job' | 'grab-job-uniq' | 'grab-job-all'>> = {
  [T.GRAB_JOB]: 'grab-job',
  [T.GRAB_JOB_UNIQ]: 'grab-job-uniq',
  [T.GRAB_JOB_ALL]: 'grab-job-all',
};

/** Answer the worker's grab with `type` whatever it asked for, and describe what the worker does. */
async function otherVariant(ctx: LibraryCaseContext, type: number, reducer?: string): Promise<CaseVerdict> {
  const w = await readyWorker(ctx);
  const h = handleFor(ctx);
  const unique = `${ctx.uniq()}-x`;
  const matching = (ASSIGN_FOR_GRAB[w.grab.type] ?? T.JOB_ASSIGN) === type;
  const head = `grab ${packetName(w.grab.type)} answered with ${packetName(type)}${matching ? ' (the matching answer)' : ''}`;
  // JOB_ASSIGN_ALL names a reducer: a library that runs map/reduce jobs may open a client connection for it.
  w.conn.sendPacket(assignPacket(type, { handle: h, function: w.fn, data: DATA, unique, reducer: reducer ?? '' }));
  const deadline = Date.now() + w.conn.timeoutMs;
  const packets: Packet[] = [];
  while (Date.now() < deadline) {
    const { packets: got, closed } = await w.conn.collect(150, (ps) => ps.some(isTerminal));
    packets.push(...got);
    const term = packets.find(isTerminal);
    if (term || closed) {
      const job = await w.driver.maybe('job', (e) => e.handle === h, 200);
      const ran = job
        ? `the function ran (payload ${sameBytes(Buffer.from(job.payload, 'base64'), DATA) ? 'intact' : 'altered'}${job.unique !== undefined ? `, unique ${JSON.stringify(job.unique)}` : ''})`
        : 'the function did not run';
      if (closed) {
        await ctx.sleep(300);
        const then = w.driver.exited ? ' and the process exited' : ctx.stage.waiting > 0 ? ' and connected again' : '';
        return informational(`${head}: ${ran}; the worker closed the connection${then}`);
      }
      const what = term!.type === T.WORK_COMPLETE ? `WORK_COMPLETE ${sameBytes(term!.args[1]!, DATA) ? 'echoing the payload' : `with ${hex(term!.args[1]!)}`}` : packetName(term!.type);
      return informational(`${head}: ${ran}; ${what}`);
    }
    // Not accepted on purpose: what a library's own client connection sends is not worker traffic.
    if (ctx.stage.waiting > 0) return informational(`${head}: the library opened a second connection to the server (it runs the reducer as a map/reduce job, as a client)`);
  }
  const errs = w.driver.errors();
  return informational(`${head}: no result within ${w.conn.timeoutMs} ms (${packets.length} other packet(s))${errs.length ? `; the library reported: ${errs.slice(-1)[0]!.slice(0, 160)}` : ''}`);
}

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'worker/grab/variant',
    role: 'worker',
    section: '4.6',
    level: 'MUST',
    requirement: 'A worker MUST ask for jobs with GRAB_JOB, GRAB_JOB_UNIQ or GRAB_JOB_ALL (which one is recorded), and use the same variant for every grab.',
    description: 'Read the first grab, run one job, read the next grab; both must be the same GRAB_JOB* type.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'worker-grab-variant', choice: 'grab-job', when: 'GRAB_JOB (Perl Gearman::Worker, the reference worker)' },
      { outcome: 'pass-alternative', alternative: 'worker-grab-variant', choice: 'grab-job-uniq', when: 'GRAB_JOB_UNIQ' },
      { outcome: 'pass-alternative', alternative: 'worker-grab-variant', choice: 'grab-job-all', when: 'GRAB_JOB_ALL (libgearman, so PHP pecl too)' },
    ],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      const h = handleFor(ctx);
      const s = await serveJob(ctx, w, { handle: h, function: w.fn, data: DATA, unique: ctx.uniq() }, { pending: w.grab });
      check(s.terminal.type === T.WORK_COMPLETE, 'the job completes', () => packetName(s.terminal.type));
      const next = await stillWorking(w.conn, await afterTerminal(w.conn, h), w.driver);
      let second = next;
      if (next.type === T.PRE_SLEEP) {
        w.conn.send(T.NOOP);
        second = await w.conn.expectGrab();
      }
      check(second.type === w.grab.type, `the next grab is ${packetName(w.grab.type)} again`, `it is ${packetName(second.type)}`);
      return alternative('worker-grab-variant', GRAB_CHOICE[w.grab.type]!, packetName(w.grab.type));
    },
  },
  {
    id: 'worker/assign/unique-exposed',
    role: 'worker',
    section: '4.6',
    level: 'SHOULD',
    requirement: 'A worker that grabs with GRAB_JOB_UNIQ or GRAB_JOB_ALL SHOULD hand the unique from JOB_ASSIGN_UNIQ to its function unchanged.',
    description: 'Answer the grab with the matching assignment carrying a unique with a space and punctuation; compare what the function reports.',
    outcomes: [
      { outcome: 'pass', when: 'the function sees the unique byte for byte' },
      { outcome: 'unsupported', when: 'the worker grabs with GRAB_JOB (JOB_ASSIGN has no unique) or its driver cannot report the unique' },
    ],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      const h = handleFor(ctx);
      const unique = `${ctx.uniq('key')} a/b:c`;
      const s = await serveJob(ctx, w, { handle: h, function: w.fn, data: DATA, unique }, { pending: w.grab });
      const job = await expectJobEvent(w.driver, h, DATA);
      check(s.terminal.type === T.WORK_COMPLETE, 'the job completes', () => packetName(s.terminal.type));
      if (w.grab.type === T.GRAB_JOB) return { outcome: 'unsupported', detail: 'the worker grabs with GRAB_JOB, whose answer (JOB_ASSIGN) carries no unique' };
      if (job.unique === undefined) return { outcome: 'unsupported', detail: 'the driver does not report the unique' };
      check(job.unique === unique, `the function sees unique ${JSON.stringify(unique)}`, `it sees ${JSON.stringify(job.unique)}`);
      return pass();
    },
  },
  {
    id: 'worker/assign/job-assign-to-any-grab',
    role: 'worker',
    section: '4.6',
    level: 'INFO',
    requirement: 'A worker answered with plain JOB_ASSIGN whatever grab it sent MAY run the job (a server that knows only GRAB_JOB answers so); recorded: what it does.',
    description: 'Answer the first grab with JOB_ASSIGN(handle, function, data) regardless of its variant; report whether the function runs and what the worker sends.',
    outcomes: [{ outcome: 'informational', when: 'what the worker does with JOB_ASSIGN is recorded' }],
    run: (ctx) => otherVariant(ctx, T.JOB_ASSIGN),
  },
  {
    id: 'worker/assign/job-assign-uniq-to-any-grab',
    role: 'worker',
    section: '4.6',
    level: 'INFO',
    requirement: 'A worker answered with JOB_ASSIGN_UNIQ whatever grab it sent MAY run the job with its unique; recorded: what it does.',
    description:
      'Answer the first grab with JOB_ASSIGN_UNIQ(handle, function, unique, data) regardless of its variant; report whether the function runs, with which payload, and what the worker sends.',
    outcomes: [{ outcome: 'informational', when: 'what the worker does with JOB_ASSIGN_UNIQ is recorded' }],
    run: (ctx) => otherVariant(ctx, T.JOB_ASSIGN_UNIQ),
  },
  {
    id: 'worker/assign/job-assign-all-reducer',
    role: 'worker',
    section: '4.6',
    level: 'INFO',
    requirement: 'A worker answered with JOB_ASSIGN_ALL (a reduce job, as gearmand answers GRAB_JOB_ALL for one) MAY run it as a map/reduce job; recorded: what it does.',
    description:
      'Answer the first grab with JOB_ASSIGN_ALL carrying a reducer name; report whether the function runs, whether the worker opens a client connection for the reducer, and what it sends.',
    outcomes: [{ outcome: 'informational', when: 'what the worker does with JOB_ASSIGN_ALL is recorded' }],
    run: (ctx) => otherVariant(ctx, T.JOB_ASSIGN_ALL, ctx.fn('reducer')),
  },
];
