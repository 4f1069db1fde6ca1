/**
 * Worker cases for a library given several job servers (interop-bugs #16, #29; spec §4.16): one of
 * them down, where the worker should register with the server that is up and take its jobs; or
 * both up, where it should serve both, so that it still works when the first goes down.
 */
import { T } from '../../../../src/protocol/constants.js';
import { pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { completes, handleFor, sameBytes } from '../../flows.js';
import { serveJob, startWorker, startWorkerOn } from '../../flows-worker.js';
import { req, type Packet } from '../../../../src/protocol/packet.js';
import type { LibraryConn } from '../../../../src/runner/library/library-conn.js';

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

/**
 * Both servers up, then the first goes down. A worker that holds a connection to every server it
 * is given is still registered with the second, so the job there runs; one that took only the
 * first that answered is registered nowhere until it reconnects (never, for most).
 */
const firstGoesDown: LibraryCaseDef = {
  id: 'worker/servers/first-goes-down',
  role: 'worker',
  section: '4.16',
  level: 'SHOULD',
  requirement: 'A worker given two live servers SHOULD register with both, so that when the first goes down the jobs on the second still run.',
  description:
    'The worker is given two live stages. Each reads its connection, answers every grab with NO_JOB until the worker sleeps there (nothing queued), and must have had its CAN_DO. Then the first stage goes down; the second wakes the worker with NOOP, hands it a job and reads WORK_COMPLETE.',
  outcomes: [{ outcome: 'pass', when: 'the worker registers and sleeps on both servers, and after the first goes down a job on the second completes' }],
  run: async (ctx) => {
    const stages = [ctx.stage, await ctx.openStage()];
    const fn = ctx.fn('w');
    const asleep = async (c: LibraryConn): Promise<Packet> => {
      await c.expectSleep();
      return req(T.PRE_SLEEP);
    };
    const { driver, conns } = await startWorkerOn(ctx, [{ function: fn, behaviour: completes }], stages, asleep, stages);
    for (const [i, { conn }] of conns.entries()) check(conn.abilities.includes(fn), `CAN_DO ${JSON.stringify(fn)} on server ${i + 1}`, `abilities there: ${JSON.stringify(conn.abilities)}`);
    await ctx.stage.down();
    ctx.note('the first server went down; the second wakes the worker');
    const conn = conns[1]!.conn;
    conn.send(T.NOOP);
    const data = Buffer.from('on the server that is left');
    const s = await serveJob(ctx, { driver, conn }, { handle: handleFor(ctx), function: fn, data });
    check(s.terminal.type === T.WORK_COMPLETE && sameBytes(s.terminal.args[1]!, data), "WORK_COMPLETE with the job's data on the second server", () => `${s.terminal.type}`);
    return pass();
  },
};

export const cases: readonly LibraryCaseDef[] = [oneDown('down'), oneDown('up'), firstGoesDown];
