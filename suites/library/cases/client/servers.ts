/**
 * Client cases for a library given several job servers (interop-bugs #11, #16): one of them
 * is down, or both are up and one unique is submitted again and again (spec §4.2, several servers). The protocol says nothing about several servers; applications rely on the library to
 * use one that is up, and real libraries differ (PHP's addServer fails when one server does not
 * answer the exceptions option).
 */
import { T } from '../../../../src/protocol/constants.js';
import { pass } from '../../../../src/runner/case-def.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { expectComplete, handleFor, submitOn } from '../../flows.js';
import { expectEnd, nextSubmitOnAny, sendSubmit } from '../../flows-client.js';
import { check } from '../../../../src/runner/failures.js';

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

/** Submits of one unique a library given two live servers makes, one after another. */
const SAME_UNIQUE_SUBMITS = 4;

const sameUniqueSameServer: LibraryCaseDef = {
  id: 'client/servers/same-unique-same-server',
  role: 'client',
  section: '4.2',
  level: 'SHOULD',
  requirement: 'A client given several servers SHOULD send every job with the same non-empty unique to the same server, so that the server can coalesce them.',
  description: `The client is given two live stages and submits ${SAME_UNIQUE_SUBMITS} foreground jobs with one unique, one after another; whichever stage gets each submit answers JOB_CREATED and WORK_COMPLETE. All ${SAME_UNIQUE_SUBMITS} must reach the same stage.`,
  outcomes: [{ outcome: 'pass', when: `all ${SAME_UNIQUE_SUBMITS} submits of the unique reach one server (a library that always uses one server passes too)` }],
  run: async (ctx) => {
    const other = await ctx.openStage();
    const stages = [ctx.stage, other];
    const driver = await ctx.client(undefined, stages);
    const fn = ctx.fn('job');
    const unique = 'gearspec-same-unique';
    const landed: number[] = [];
    for (let n = 0; n < SAME_UNIQUE_SUBMITS; n++) {
      const id = sendSubmit(driver, fn, { payload: `same unique ${n}`, unique });
      const { stage, conn } = await nextSubmitOnAny(ctx, driver, id, stages);
      landed.push(stage);
      const h = handleFor(ctx);
      conn.send(T.JOB_CREATED, h);
      conn.send(T.WORK_COMPLETE, h, 'done');
      await expectEnd(driver, id, `the client reports job ${n + 1}'s result`);
    }
    check(
      new Set(landed).size === 1,
      `every submit of unique ${JSON.stringify(unique)} reaches the same server`,
      `they went to servers ${landed.map((i) => i + 1).join(', ')} (1 = first given, 2 = second)`,
    );
    return pass();
  },
};

/**
 * Both servers up; the one that took the first job goes down. The next job must reach the other
 * (an application retries once a submit its library reported as failed, so an error for the first
 * submit after the loss is allowed; a hang is not).
 */
const usedOneGoesDown: LibraryCaseDef = {
  id: 'client/servers/used-one-goes-down',
  role: 'client',
  section: '4.16',
  level: 'SHOULD',
  requirement: 'A client given two live servers SHOULD, when the server it used goes down, submit the next job to the other (at the latest after reporting an error for one submit).',
  description:
    'The client is given two live stages and submits a job; whichever stage gets it answers JOB_CREATED and WORK_COMPLETE, then goes down. The client submits again (once more if its library reported an error for that submit): the submit must reach the other stage, which completes it.',
  outcomes: [{ outcome: 'pass', when: 'a submit after the loss reaches the server that is left, at the first or (after an error) the second attempt, and its result is reported' }],
  run: async (ctx) => {
    const stages = [ctx.stage, await ctx.openStage()];
    const driver = await ctx.client(undefined, stages);
    const fn = ctx.fn('job');
    const id = sendSubmit(driver, fn, { payload: 'before' });
    const { stage: used, conn } = await nextSubmitOnAny(ctx, driver, id, stages);
    const h = handleFor(ctx);
    conn.send(T.JOB_CREATED, h);
    conn.send(T.WORK_COMPLETE, h, 'done');
    await expectEnd(driver, id, 'the client reports the first job’s result');
    await stages[used]!.down();
    const left = stages[1 - used]!;
    ctx.note(`server ${used + 1} (the one that ran the first job) went down`);
    for (const attempt of [1, 2]) {
      const next = sendSubmit(driver, fn, { payload: `after ${attempt}` });
      const reported = await nextSubmitOnAny(ctx, driver, next, [left]).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      if (reported instanceof Error) {
        // Only an error the library reported for this submit earns the application's one retry.
        if (attempt === 1 && driver.events.some((e) => e.event === 'error' && e.id === next)) {
          ctx.note('the library reported an error for the first submit after the loss; the application retries once');
          continue;
        }
        throw reported;
      }
      const h2 = handleFor(ctx);
      reported.conn.send(T.JOB_CREATED, h2);
      reported.conn.send(T.WORK_COMPLETE, h2, 'done');
      const end = await expectEnd(driver, next, 'the client reports the result from the server that is left');
      check(end.event === 'complete', 'the job on the server that is left completes', `got ${end.event}`);
      break;
    }
    return pass();
  },
};

export const cases: readonly LibraryCaseDef[] = [oneDown('first'), oneDown('second'), sameUniqueSameServer, usedOneGoesDown];
