/**
 * Worker cases for a library given several job servers, one of them down (interop-bugs #16,
 * #29): the worker should register with the server that is up and take its jobs.
 */
import { T } from '../../../../src/protocol/constants.js';
import { pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { completes, handleFor, sameBytes } from '../../flows.js';
import { serveJob, startWorker } from '../../flows-worker.js';

const oneDown = (first: 'down' | 'up'): LibraryCaseDef => ({
  id: `worker/servers/${first === 'down' ? 'first' : 'second'}-down`,
  role: 'worker',
  section: '4.5',
  level: 'SHOULD',
  requirement: `A worker given two servers, the ${first === 'down' ? 'first' : 'second'} of which is down, SHOULD register with the live one and run its jobs.`,
  description: `The worker is given ${first === 'down' ? 'a closed port, then the stage' : 'the stage, then a closed port'}; the stage reads its CAN_DO and grab, hands it a job and reads WORK_COMPLETE.`,
  outcomes: [{ outcome: 'pass', when: 'CAN_DO and a grab reach the live server, and the job completes there' }],
  run: async (ctx) => {
    const down = await ctx.openStage();
    await down.down();
    const fn = ctx.fn('w');
    const servers = first === 'down' ? [down, ctx.stage] : [ctx.stage, down];
    const { driver, conn, first: grab } = await startWorker(ctx, [{ function: fn, behaviour: completes }], undefined, servers);
    check(conn.abilities.includes(fn), `CAN_DO ${JSON.stringify(fn)} on the live server`, `abilities: ${JSON.stringify(conn.abilities)}`);
    const data = Buffer.from('two servers');
    const s = await serveJob(ctx, { driver, conn }, { handle: handleFor(ctx), function: fn, data }, { pending: grab });
    check(s.terminal.type === T.WORK_COMPLETE && sameBytes(s.terminal.args[1]!, data), "WORK_COMPLETE with the job's data", () => `${s.terminal.type}`);
    return pass();
  },
});

export const cases: readonly LibraryCaseDef[] = [oneDown('down'), oneDown('up')];
