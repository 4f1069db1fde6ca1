/**
 * Worker cases, spec §4.13 (ERROR packets) and interop-bugs #12: a server answers some
 * worker packets with ERROR and keeps the connection open — gearmand answers the WORK_FAIL that
 * follows a WORK_EXCEPTION with ERROR JOB_NOT_FOUND, Perl gearmand a grab variant it does not know
 * with ERROR server_error. The worker may report the ERROR but SHOULD keep working: the positive
 * signal is its next grab and the next job completing on the same connection. A worker that dies
 * on such an ERROR stops serving every time the server says so (the Perl worker dies on the
 * JOB_NOT_FOUND its own exception-then-fail provokes, interop-bugs #12).
 */
import { T } from '../../../../src/protocol/constants.js';
import { pass } from '../../../../src/runner/case-def.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import type { SubjectDriver } from '../../../../src/runner/library/subject-driver.js';
import type { LibraryConn } from '../../../../src/runner/library/library-conn.js';
import { completes, handleFor } from '../../flows.js';
import { checkComplete, expectJobEvent, readyWorker, serveJob, startWorker, stillWorking } from '../../flows-worker.js';

const DATA = Buffer.from('after-error:\u0000job', 'utf8');

/** After the ERROR: a job handed on the next grab completes, and the worker asks for more. */
async function keepsWorking(ctx: LibraryCaseContext, driver: SubjectDriver, conn: LibraryConn, fn: string, n: number): Promise<string> {
  const h = handleFor(ctx, n);
  const s = await serveJob(ctx, { driver, conn }, { handle: h, function: fn, data: DATA });
  await expectJobEvent(driver, h, DATA);
  checkComplete(s.terminal, DATA);
  await stillWorking(conn, undefined, driver);
  const reported = driver.errors();
  return reported.length ? `the library reported: ${reported[0]!.slice(0, 160)}` : 'the library reported nothing';
}

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'worker/error/after-can-do',
    role: 'worker',
    section: '4.13',
    level: 'SHOULD',
    requirement: 'A worker that receives ERROR after registering (CAN_DO) SHOULD report or ignore it and keep working: grab again and run the job it is given (interop-bugs #12).',
    description: "As soon as the worker's CAN_DO arrives, the stage sends ERROR(server_error, …); then every grab is served: the first with a job, later ones NO_JOB; the job must complete.",
    outcomes: [{ outcome: 'pass', when: 'the worker grabs after the ERROR and completes the job on the same connection' }],
    run: async (ctx) => {
      const fn = ctx.fn('w');
      const { driver, conn } = await startWorker(ctx, [{ function: fn, behaviour: completes }], async (c) => {
        const canDo = await c.expect([T.CAN_DO, T.CAN_DO_TIMEOUT], { expected: ['CAN_DO from the worker'] });
        c.abilities.push(canDo.args[0]!.toString('utf8'));
        c.send(T.ERROR, 'server_error', 'gearspec: ERROR after CAN_DO');
        return canDo;
      });
      return pass(await keepsWorking(ctx, driver, conn, fn, 1));
    },
  },
  {
    id: 'worker/error/answer-to-grab',
    role: 'worker',
    section: '4.13',
    level: 'SHOULD',
    requirement: 'A worker whose grab is answered with ERROR SHOULD report or ignore it and keep working: grab again and run the job it is then given (interop-bugs #12, #30).',
    description: 'Answer the first grab with ERROR(INVALID_COMMAND, Command not expected), as gearmand answers a packet it does not expect; serve the next grab with a job; it must complete.',
    outcomes: [{ outcome: 'pass', when: 'the worker grabs again after the ERROR and completes the job on the same connection' }],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      w.conn.send(T.ERROR, 'INVALID_COMMAND', 'Command not expected');
      return pass(await keepsWorking(ctx, w.driver, w.conn, w.fn, 1));
    },
  },
  {
    id: 'worker/error/after-work-complete',
    role: 'worker',
    section: '4.13',
    level: 'SHOULD',
    requirement:
      "A worker that receives ERROR JOB_NOT_FOUND after sending a job's result (what gearmand answers a result for a job it no longer holds) SHOULD keep working: grab again and run the next job (interop-bugs #12).",
    description: 'Run one job; answer its WORK_COMPLETE with ERROR(JOB_NOT_FOUND, Job given in work result not found); serve the next grab with a second job; it must complete.',
    outcomes: [{ outcome: 'pass', when: 'the second job completes on the same connection' }],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      const first = await serveJob(ctx, w, { handle: handleFor(ctx, 1), function: w.fn, data: DATA }, { pending: w.grab });
      checkComplete(first.terminal, DATA);
      w.conn.send(T.ERROR, 'JOB_NOT_FOUND', 'Job given in work result not found');
      return pass(await keepsWorking(ctx, w.driver, w.conn, w.fn, 2));
    },
  },
];
