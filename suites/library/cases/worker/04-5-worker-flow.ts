/**
 * Worker cases, spec §4.5 (the worker flow): what the worker registers and how (CAN_DO
 * bytes, client id, options, ability changes), and the sleep/wake cycle — NO_JOB → PRE_SLEEP,
 * woken only by NOOP, and NOOPs that arrive while the worker is awake or twice at once.
 */
import { T } from '../../../../src/protocol/constants.js';
import { describePacket, res } from '../../../../src/protocol/packet.js';
import { informational, pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { completes, handleFor, hex, sameBytes } from '../../flows.js';
import { checkComplete, expectJobEvent, GRAB_TYPES, isGrab, jobRuns, quote, readyWorker, serveJob, settleToSleep, startWorker, text, toSleep, workerWith } from '../../flows-worker.js';

const PAYLOAD = Buffer.from('flow:\u00e9\u0000end', 'utf8');

/** Names a registration must carry byte for byte (TAB, space, non-ASCII UTF-8). */
const oddNames = (fn: (s: string) => string): readonly string[] => [`${fn('tab')}\tx`, `${fn('sp')} y z`, `${fn('u')}_\u00e9\u2603`];

export const cases: readonly LibraryCaseDef[] = [
  // ------------------------------------------------------------------------------ registration
  {
    id: 'worker/registration/can-do-exact-bytes',
    role: 'worker',
    section: '4.5',
    level: 'MUST',
    requirement:
      'A worker MUST register each function with CAN_DO carrying the name byte for byte (TAB, space and non-ASCII bytes included) before its first grab, and run jobs assigned under that exact name.',
    description: 'Register three functions whose names hold a TAB, spaces and UTF-8 (é, ☃); compare every CAN_DO body with the name bytes; then hand one job per function and read each WORK_COMPLETE.',
    outcomes: [{ outcome: 'pass', when: 'one CAN_DO (or CAN_DO_TIMEOUT) per name with the exact bytes before the first grab, and each job completes' }],
    budgetReads: 12,
    run: async (ctx) => {
      const names = oddNames((s) => ctx.fn(s));
      const w = await workerWith(
        ctx,
        names.map((function_) => ({ function: function_, behaviour: completes })),
      );
      const registered = w.conn.received.filter((p) => p.type === T.CAN_DO || p.type === T.CAN_DO_TIMEOUT).map((p) => p.args[0]!);
      for (const name of names) {
        const want = Buffer.from(name, 'utf8');
        check(
          registered.some((r) => sameBytes(r, want)),
          `CAN_DO ${quote(want)} (${hex(want)}) before the first grab`,
          () => `registered: ${registered.map((r) => hex(r)).join(', ') || 'nothing'}`,
        );
      }
      let pending: typeof w.grab | undefined = w.grab;
      for (const [i, name] of names.entries()) {
        const h = handleFor(ctx, i + 1);
        const data = Buffer.concat([PAYLOAD, Buffer.from([0x30 + i])]);
        const s = await serveJob(ctx, w, { handle: h, function: name, data }, { pending });
        pending = undefined;
        checkComplete(s.terminal, data);
        await expectJobEvent(w.driver, h, data);
      }
      return pass();
    },
  },
  {
    id: 'worker/registration/client-id',
    role: 'worker',
    section: '4.15',
    level: 'INFO',
    requirement: 'A worker MAY label its connection with SET_CLIENT_ID; recorded: whether it does, with which bytes, and when.',
    description: 'Start the worker with one function and read up to its first grab; report every SET_CLIENT_ID and its position among the registration packets.',
    outcomes: [{ outcome: 'informational', when: 'the SET_CLIENT_ID packets seen (or none) are recorded' }],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      const before = w.conn.received.map((p) => p.type);
      const ids = w.conn.received.filter((p) => p.type === T.SET_CLIENT_ID).map((p) => p.args[0]!);
      if (ids.length === 0) return informational('no SET_CLIENT_ID before the first grab');
      const firstCanDo = before.findIndex((t) => t === T.CAN_DO || t === T.CAN_DO_TIMEOUT);
      const firstId = before.indexOf(T.SET_CLIENT_ID);
      const distinct = [...new Set(ids.map((b) => b.toString('latin1')))];
      return informational(
        `${ids.length} SET_CLIENT_ID packet(s) before the first grab, ${firstId < firstCanDo ? 'before' : 'after'} the first CAN_DO; id ${quote(ids[0])} (${ids[0]!.length} bytes${/\s/.test(text(ids[0])) ? ', with whitespace' : ''})${distinct.length > 1 ? `; ${distinct.length} different ids` : ''}`,
      );
    },
  },
  {
    id: 'worker/registration/options',
    role: 'worker',
    section: '4.9',
    level: 'INFO',
    requirement: 'A worker MAY set connection options (OPTION_REQ) or ping (ECHO_REQ); recorded: which it sends before its first grab.',
    description: 'Start the worker with one function; the stage answers OPTION_REQ with OPTION_RES and ECHO_REQ with ECHO_RES as gearmand does; report what came before the first grab.',
    outcomes: [{ outcome: 'informational', when: 'the OPTION_REQ / ECHO_REQ packets seen (or none) are recorded' }],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      const opts = w.conn.received.filter((p) => p.type === T.OPTION_REQ).map((p) => text(p.args[0]));
      const echoes = w.conn.received.filter((p) => p.type === T.ECHO_REQ).length;
      const order = w.conn.received.map((p) => describePacket(p, 24)).join(', ');
      return informational(
        `${opts.length ? `OPTION_REQ ${opts.map((o) => JSON.stringify(o)).join(', ')}` : 'no OPTION_REQ'}; ${echoes ? `${echoes} ECHO_REQ` : 'no ECHO_REQ'}; packets before the first grab: ${order}`,
      );
    },
  },
  {
    id: 'worker/registration/ability-packets',
    role: 'worker',
    section: '4.5',
    level: 'INFO',
    requirement: 'A worker MAY send CANT_DO or RESET_ABILITIES on its own; recorded: whether it does while registering and around one job.',
    description: 'Start the worker with two functions, run one job, put it to sleep; report every CANT_DO / RESET_ABILITIES and duplicate CAN_DO seen.',
    outcomes: [{ outcome: 'informational', when: 'the ability packets seen (or none) are recorded' }],
    run: async (ctx) => {
      const a = ctx.fn('a');
      const b = ctx.fn('b');
      const w = await workerWith(ctx, [
        { function: a, behaviour: completes },
        { function: b, behaviour: completes },
      ]);
      const s = await serveJob(ctx, w, { handle: handleFor(ctx), function: b, data: PAYLOAD }, { pending: w.grab });
      checkComplete(s.terminal, PAYLOAD);
      await settleToSleep(w.conn);
      const kinds = w.conn.received.filter((p) => [T.CAN_DO, T.CAN_DO_TIMEOUT, T.CANT_DO, T.RESET_ABILITIES].includes(p.type));
      const canDo = kinds.filter((p) => p.type !== T.CANT_DO && p.type !== T.RESET_ABILITIES).map((p) => text(p.args[0]));
      const dup = canDo.length - new Set(canDo).size;
      const other = kinds.filter((p) => p.type === T.CANT_DO || p.type === T.RESET_ABILITIES).map((p) => describePacket(p, 40));
      return informational(`${canDo.length} CAN_DO for 2 functions${dup ? ` (${dup} repeated)` : ''}; ${other.length ? other.join(', ') : 'no CANT_DO or RESET_ABILITIES'}`);
    },
  },
  // ------------------------------------------------------------------------------ sleep / wake
  {
    id: 'worker/sleep/no-job-then-pre-sleep',
    role: 'worker',
    section: '4.5',
    level: 'SHOULD',
    requirement: 'A worker answered NO_JOB SHOULD send PRE_SLEEP and then stay quiet until NOOP, instead of grabbing again (a grab/NO_JOB busy loop, interop-bugs #20).',
    description: 'Answer the first grab with NO_JOB; the next packet must be PRE_SLEEP; then nothing but housekeeping for the quiet window.',
    outcomes: [{ outcome: 'pass', when: 'PRE_SLEEP right after NO_JOB, then silence' }],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      w.conn.send(T.NO_JOB);
      const p = await w.conn.expect([...GRAB_TYPES, T.PRE_SLEEP], { expected: ['PRE_SLEEP after NO_JOB'] });
      check(p.type === T.PRE_SLEEP, 'PRE_SLEEP after NO_JOB', `${describePacket(p)} (the worker polls instead of sleeping)`);
      await w.conn.expectNothing('a sleeping worker waits for NOOP');
      return pass();
    },
  },
  {
    id: 'worker/sleep/wakes-on-noop',
    role: 'worker',
    section: '4.5',
    level: 'MUST',
    requirement: 'A sleeping worker (after PRE_SLEEP) MUST grab again when it receives NOOP, and run the job it is then given.',
    description: 'Bring the worker to PRE_SLEEP; after a quiet window send NOOP; expect a grab; answer with a job and read WORK_COMPLETE.',
    outcomes: [{ outcome: 'pass', when: 'a grab follows the NOOP and the job completes' }],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      await toSleep(w);
      await w.conn.expectNothing('the worker sleeps until NOOP');
      w.conn.send(T.NOOP);
      const grab = await w.conn.expect(GRAB_TYPES, { expected: ['a grab in answer to NOOP (a worker that ignores NOOP never gets its job)'] });
      const h = handleFor(ctx);
      const s = await serveJob(ctx, w, { handle: h, function: w.fn, data: PAYLOAD }, { pending: grab });
      checkComplete(s.terminal, PAYLOAD);
      return pass();
    },
  },
  {
    id: 'worker/sleep/sleep-wake-repeated',
    role: 'worker',
    section: '4.5',
    level: 'MUST',
    requirement: 'A worker MUST go back to sleep after a NOOP that brought no job and wake again on the next NOOP.',
    description: 'PRE_SLEEP → NOOP → grab answered NO_JOB → PRE_SLEEP again → NOOP → grab answered with a job → WORK_COMPLETE.',
    outcomes: [{ outcome: 'pass', when: 'the worker sleeps and wakes twice and completes the job' }],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      await toSleep(w);
      w.conn.send(T.NOOP);
      const first = await w.conn.expect(GRAB_TYPES, { expected: ['a grab in answer to the first NOOP'] });
      w.conn.send(T.NO_JOB);
      const again = await w.conn.expect([...GRAB_TYPES, T.PRE_SLEEP], { expected: ['PRE_SLEEP after the second NO_JOB'] });
      if (isGrab(again)) {
        w.conn.send(T.NO_JOB);
        await w.conn.expectSleep();
      }
      w.conn.send(T.NOOP);
      const second = await w.conn.expect(GRAB_TYPES, { expected: ['a grab in answer to the second NOOP'] });
      const s = await serveJob(ctx, w, { handle: handleFor(ctx), function: w.fn, data: PAYLOAD }, { pending: second });
      checkComplete(s.terminal, PAYLOAD);
      return pass(first.type === second.type ? undefined : 'the worker changed its grab variant between wake-ups');
    },
  },
  {
    id: 'worker/sleep/noop-before-first-grab',
    role: 'worker',
    section: '4.5',
    level: 'MUST',
    requirement: 'A worker MUST tolerate a NOOP that arrives before it ever slept (right after it connects) and still run its job exactly once.',
    description: 'Send NOOP as soon as the worker connects; answer its grab with a job; read WORK_COMPLETE; answer further grabs with NO_JOB until PRE_SLEEP; the function ran once.',
    outcomes: [{ outcome: 'pass', when: 'the job completes once and the worker goes to sleep' }],
    run: async (ctx) => {
      const fn = ctx.fn('w');
      const { driver, conn, first } = await startWorker(ctx, [{ function: fn, behaviour: completes }], (c) => {
        c.send(T.NOOP);
        return c.expectGrab();
      });
      const h = handleFor(ctx);
      const s = await serveJob(ctx, { driver, conn }, { handle: h, function: fn, data: PAYLOAD }, { pending: first });
      checkComplete(s.terminal, PAYLOAD);
      await settleToSleep(conn);
      const runs = await jobRuns(driver, h, ctx.quietMs);
      check(runs === 1, 'the function runs the job exactly once', `it ran ${runs} times`);
      return pass();
    },
  },
  {
    id: 'worker/sleep/noop-during-job',
    role: 'worker',
    section: '4.5',
    level: 'MUST',
    requirement: 'A worker MUST tolerate a NOOP that arrives while it runs a job: the job ends once and the worker asks for more work.',
    description: 'Hand a job whose function waits at a gate; send NOOP while it waits; release; read WORK_COMPLETE; answer further grabs with NO_JOB until PRE_SLEEP; the function ran once.',
    outcomes: [{ outcome: 'pass', when: 'one WORK_COMPLETE, then the worker grabs or sleeps' }],
    run: async (ctx) => {
      const fn = ctx.fn('w');
      const gate = `${fn}#0`;
      const w = await readyWorker(ctx, { steps: [{ kind: 'gate', gate }], outcome: { kind: 'complete' } }, fn);
      const h = handleFor(ctx);
      w.conn.assign(w.grab, { handle: h, function: fn, data: PAYLOAD });
      await w.driver.expect('gated', 'the function waits at its gate', (e) => e.gate === gate);
      w.conn.send(T.NOOP);
      await ctx.sleep(50);
      w.driver.send({ op: 'release', gate });
      const s = await serveJob(ctx, w, { handle: h, function: fn, data: PAYLOAD }, { handedFor: w.grab });
      checkComplete(s.terminal, PAYLOAD);
      await settleToSleep(w.conn);
      const runs = await jobRuns(w.driver, h, ctx.quietMs);
      check(runs === 1, 'the function runs the job exactly once', `it ran ${runs} times`);
      return pass();
    },
  },
  {
    id: 'worker/sleep/duplicate-noop',
    role: 'worker',
    section: '4.5',
    level: 'MUST',
    requirement: 'A sleeping worker that receives two NOOPs in one read MUST run the one job it is then given exactly once (interop-bugs #20: duplicate NOOP, duplicate assignment).',
    description:
      'Bring the worker to PRE_SLEEP; write two NOOPs at once; answer the first grab with a job and every later grab with NO_JOB until PRE_SLEEP; count the function runs and WORK_COMPLETEs.',
    outcomes: [{ outcome: 'pass', when: 'one run, one WORK_COMPLETE, then PRE_SLEEP' }],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      await toSleep(w);
      await w.conn.split([res(T.NOOP), res(T.NOOP)], []);
      const h = handleFor(ctx);
      const s = await serveJob(ctx, w, { handle: h, function: w.fn, data: PAYLOAD });
      checkComplete(s.terminal, PAYLOAD);
      const more = await settleToSleep(w.conn);
      const completes_ = w.conn.received.filter((p) => p.type === T.WORK_COMPLETE).length;
      const runs = await jobRuns(w.driver, h, ctx.quietMs);
      check(runs === 1 && completes_ === 1, 'the job runs once and is completed once', `${runs} run(s), ${completes_} WORK_COMPLETE(s)`);
      return pass(`${s.extraGrabs + more} extra grab(s) answered NO_JOB`);
    },
  },
];
