/**
 * Worker cases, spec §4.5 (the worker's job cycle): register, grab, receive the job intact,
 * send its result with the handle verbatim, then ask for more work.
 */
import { T } from '../../../../src/protocol/constants.js';
import { pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { unb64 } from '../../../../src/peers/drivers/index.js';
import { assignJob, expectStillWorking, handleFor, hex, sameBytes } from '../../flows.js';
import { readyWorker } from '../../flows-worker.js';

const PAYLOAD = Buffer.from('job:\u00e9\u0000tail', 'utf8');

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'worker/job/echo-complete',
    role: 'worker',
    section: '4.5',
    level: 'MUST',
    requirement: "A worker MUST deliver the assigned payload intact to its function and send WORK_COMPLETE with the handle verbatim and the function's result, then ask for more work.",
    description: 'Register an echo function; answer the first grab with a job carrying a NUL-laden UTF-8 payload; read WORK_COMPLETE; read the next grab.',
    outcomes: [{ outcome: 'pass', when: 'payload intact, WORK_COMPLETE(handle, payload), then another grab or PRE_SLEEP' }],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      const h = handleFor(ctx);
      const job = await assignJob(w, { handle: h, data: PAYLOAD });
      const got = unb64(job.payload);
      check(sameBytes(got, PAYLOAD), `the function receives ${hex(PAYLOAD)}`, `it received ${hex(got)}`);
      const done = await w.conn.expect(T.WORK_COMPLETE, { expected: ['WORK_COMPLETE for the job'] });
      check(done.args[0]!.toString('latin1') === h, `WORK_COMPLETE names handle ${h}`, `it names ${JSON.stringify(done.args[0]!.toString('latin1'))}`);
      check(sameBytes(done.args[1]!, PAYLOAD), `WORK_COMPLETE carries ${hex(PAYLOAD)}`, `it carries ${hex(done.args[1]!)}`);
      await expectStillWorking(w);
      return pass();
    },
  },
];
