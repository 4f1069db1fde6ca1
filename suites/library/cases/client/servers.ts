/**
 * Client cases for a library given several job servers (interop-bugs #11, #16): one of them
 * is down. The protocol says nothing about several servers; applications rely on the library to
 * use one that is up, and real libraries differ (PHP's addServer fails when one server does not
 * answer the exceptions option).
 */
import { T } from '../../../../src/protocol/constants.js';
import { pass } from '../../../../src/runner/case-def.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { expectComplete, handleFor, submitOn } from '../../flows.js';

const oneDown = (which: 'first' | 'second'): LibraryCaseDef => ({
  id: `client/servers/${which}-down`,
  role: 'client',
  section: '4.1',
  level: 'SHOULD',
  requirement: `A client given two servers, the ${which} of which is down, SHOULD submit its job to the other and report the result.`,
  description: `The client is given ${which === 'first' ? 'a closed port, then the stage' : 'the stage, then a closed port'}; it submits one job; the stage answers JOB_CREATED and WORK_COMPLETE.`,
  outcomes: [{ outcome: 'pass', when: 'the job reaches the live server and the client reports its result' }],
  run: async (ctx) => {
    const down = await ctx.openStage();
    await down.down();
    const driver = await ctx.client(undefined, which === 'first' ? [down, ctx.stage] : [ctx.stage, down]);
    const job = await submitOn(ctx, driver, undefined, { payload: 'two servers' });
    const h = handleFor(ctx);
    job.conn.send(T.JOB_CREATED, h);
    job.conn.send(T.WORK_COMPLETE, h, 'done');
    await expectComplete(job, Buffer.from('done'));
    return pass();
  },
});

export const cases: readonly LibraryCaseDef[] = [oneDown('first'), oneDown('second')];
