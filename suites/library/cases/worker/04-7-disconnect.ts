/**
 * Worker cases, spec §4.7 (a worker's connection ending mid-job) and interop-bugs #29
 * (reconnect): a worker process that exits holding a job must close its connection without
 * claiming a result; a worker whose server restarts (the stage goes down and comes back on the
 * same port) should come back, register every function and its client id again, and take work.
 */
import { T } from '../../../../src/protocol/constants.js';
import { describePacket, type Packet } from '../../../../src/protocol/packet.js';
import { type CaseVerdict, pass } from '../../../../src/runner/case-def.js';
import { CaseFailure, check, fail } from '../../../../src/runner/failures.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import type { LibraryConn } from '../../../../src/runner/library/library-conn.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import type { SubjectDriver } from '../../../../src/runner/library/subject-driver.js';
import { behave, completes, handleFor } from '../../flows.js';
import { acceptOrGone, checkComplete, goneText, GRAB_TYPES, isGrab, readyWorker, serveJob, text, toSleep, WORK_TYPES, workerWith } from '../../flows-worker.js';

const DATA = Buffer.from('restart:\u0000job', 'utf8');
/**
 * How long a worker may take to come back after the restart. Perl Gearman::Worker, finding the
 * server refused, sleeps in select for 10-12 s before it tries again (Gearman/Worker.pm line 403).
 */
const RECONNECT_MS = 16_000;

interface Restarted {
  readonly driver: SubjectDriver;
  readonly fns: readonly string[];
  readonly first: LibraryConn;
  /** The new connection, or why there is none. */
  readonly conn?: LibraryConn;
  readonly why?: string;
}

/** A sleeping worker with two functions; the server restarts; wait for the worker's new connection. */
async function restartWhileIdle(ctx: LibraryCaseContext): Promise<Restarted> {
  const fns = [ctx.fn('a'), ctx.fn('b')];
  const w = await workerWith(
    ctx,
    fns.map((f) => ({ function: f, behaviour: completes })),
  );
  await toSleep({ ...w, fn: fns[0]! });
  await w.conn.expectNothing('the worker sleeps');
  await ctx.stage.down();
  await ctx.stage.up();
  try {
    const conn = await acceptOrGone(ctx, w.driver, RECONNECT_MS, 'the worker reconnects after the server restarted');
    return { driver: w.driver, fns, first: w.conn, conn };
  } catch (e) {
    if (!(e instanceof CaseFailure)) throw e;
    return { driver: w.driver, fns, first: w.conn, why: e.actual };
  }
}

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'worker/disconnect/exit-holding-job',
    role: 'worker',
    section: '4.7',
    level: 'MUST',
    requirement:
      'A worker process that exits (non-zero code) while holding a job MUST close its connection without claiming success (no WORK_COMPLETE), so that the server requeues the job or fails it; a failure report (WORK_FAIL or WORK_EXCEPTION) before the close is acceptable.',
    description: "The function makes the process exit with code 3 through the library's own exit path while it holds the job; read until the connection closes.",
    outcomes: [
      { outcome: 'pass', when: 'the connection closes with no result packet for the job' },
      { outcome: 'pass', when: 'a WORK_FAIL or WORK_EXCEPTION for the job (what it carries is recorded), then the connection closes' },
      { outcome: 'unsupported', when: 'the driver cannot make the process exit (its register refuses the behaviour)' },
    ],
    run: async (ctx) => {
      const w = await readyWorker(ctx, behave({ kind: 'exit', code: 3 }));
      const h = handleFor(ctx);
      w.conn.assign(w.grab, { handle: h, function: w.fn, data: DATA, unique: ctx.uniq() });
      await w.driver.expect('job', 'the worker receives the job', (e) => e.handle === h);
      const { packets, closed } = await w.conn.collect(w.conn.timeoutMs);
      const claims = packets.filter((p) => p.type === T.WORK_COMPLETE);
      check(claims.length === 0, 'no WORK_COMPLETE for a job the process never finished', () => claims.map((p) => describePacket(p, 40)).join(', '));
      check(closed, 'the connection closes when the process exits', `still open after ${w.conn.timeoutMs} ms; packets: ${packets.map((p) => describePacket(p, 30)).join(', ') || 'none'}`);
      const sent = packets.map((p) => describePacket(p, 40));
      return pass(`${sent.length ? `${sent.join(', ')}, then ` : 'no packet, '}closed${await goneText(w.driver, '; the process exited')}`);
    },
  },
  {
    id: 'worker/reconnect/after-restart-idle',
    role: 'worker',
    section: '4.7',
    level: 'SHOULD',
    requirement: 'A sleeping worker whose server goes away and comes back on the same address SHOULD reconnect on its own and take new work (interop-bugs #29).',
    description: `Worker with two functions asleep; the stage closes every connection and its listener, then listens again on the same port; within ${RECONNECT_MS / 1000} s the worker must connect again, grab, and complete a job for its second function.`,
    outcomes: [{ outcome: 'pass', when: 'a new connection, a grab, and the job completes' }],
    extraMs: RECONNECT_MS + 5000,
    budgetReads: 10,
    run: async (ctx) => {
      const r = await restartWhileIdle(ctx);
      if (!r.conn) fail('the worker reconnects after the server restarted', r.why ?? 'no new connection');
      const h = handleFor(ctx);
      const s = await serveJob(ctx, { driver: r.driver, conn: r.conn }, { handle: h, function: r.fns[1]!, data: DATA });
      checkComplete(s.terminal, DATA);
      return pass();
    },
  },
  {
    id: 'worker/reconnect/re-registers',
    role: 'worker',
    section: '4.5',
    level: 'MUST',
    requirement:
      'A worker that reconnects MUST register every function again (CAN_DO) before it grabs, and send its client id again if it had one: a restarted server knows nothing of the old connection (interop-bugs #29).',
    description:
      "Worker with two functions (and whatever client id it sets) asleep; the server restarts; on the worker's new connection every CAN_DO and the SET_CLIENT_ID must come before the first grab.",
    outcomes: [
      { outcome: 'pass', when: 'every function and the client id registered again before the first grab' },
      { outcome: 'unsupported', when: 'the worker does not reconnect (graded by worker/reconnect/after-restart-idle)' },
    ],
    extraMs: RECONNECT_MS + 5000,
    budgetReads: 10,
    run: async (ctx): Promise<CaseVerdict> => {
      const r = await restartWhileIdle(ctx);
      if (!r.conn) return { outcome: 'unsupported', detail: `the worker did not reconnect: ${r.why ?? ''}` };
      const grab = await r.conn.expectGrab({ expected: ['the first grab on the new connection (after CAN_DO for every function)'] });
      void grab;
      const missing = r.fns.filter((f) => !r.conn!.abilities.includes(f));
      check(
        missing.length === 0,
        `CAN_DO ${r.fns.map((f) => JSON.stringify(f)).join(' and ')} before the first grab on the new connection`,
        `missing ${missing.map((f) => JSON.stringify(f)).join(', ')}; registered ${JSON.stringify(r.conn.abilities)}`,
      );
      const oldIds = [...new Set(r.first.clientIds)];
      const newIds = [...new Set(r.conn.clientIds)];
      if (oldIds.length > 0) {
        check(newIds.length > 0, `SET_CLIENT_ID ${JSON.stringify(oldIds[0])} again before the first grab`, 'no SET_CLIENT_ID on the new connection');
        return pass(newIds[0] === oldIds[0] ? `client id ${JSON.stringify(oldIds[0])} re-sent` : `client id changed from ${JSON.stringify(oldIds[0])} to ${JSON.stringify(newIds[0])}`);
      }
      return pass(newIds.length ? `no client id before the restart; ${JSON.stringify(newIds[0])} after` : 'no client id before or after');
    },
  },
  {
    id: 'worker/reconnect/after-restart-mid-job',
    role: 'worker',
    section: '4.7',
    level: 'SHOULD',
    requirement:
      "A worker whose server goes away while it runs a job SHOULD finish the function, reconnect, register again and take new work; the interrupted job's result cannot reach a restarted server (which answers it with ERROR JOB_NOT_FOUND).",
    description:
      "The function waits at a gate holding a job; the stage restarts; the gate is released; on the worker's new connection answer grabs with a new job and read its WORK_COMPLETE. A result for the old handle on the new connection is noted.",
    outcomes: [{ outcome: 'pass', when: 'a new connection, and the new job completes' }],
    extraMs: RECONNECT_MS + 5000,
    budgetReads: 10,
    run: async (ctx) => {
      const fn = ctx.fn('w');
      const gate = `${fn}#0`;
      const w = await readyWorker(ctx, { steps: [{ kind: 'gate', gate }], outcome: { kind: 'complete' } }, fn);
      const old = handleFor(ctx, 1);
      w.conn.assign(w.grab, { handle: old, function: fn, data: DATA, unique: ctx.uniq() });
      await w.driver.expect('gated', 'the function waits at its gate holding the job', (e) => e.gate === gate);
      await ctx.stage.down();
      await ctx.stage.up();
      // One release for the interrupted job, one queued for the new job's gate.
      w.driver.send({ op: 'release', gate });
      w.driver.send({ op: 'release', gate });
      const conn = await acceptOrGone(ctx, w.driver, RECONNECT_MS, 'the worker reconnects after the server restarted mid-job');
      const fresh = handleFor(ctx, 2);
      const stale: string[] = [];
      // Results for the interrupted job may come first on the new connection: note them, then serve.
      let pending: Packet | undefined;
      for (;;) {
        const p = await conn.expect([...GRAB_TYPES, T.PRE_SLEEP, ...WORK_TYPES], { expected: ['a grab (or PRE_SLEEP) on the new connection'] });
        if (isGrab(p) || p.type === T.PRE_SLEEP) {
          pending = p;
          break;
        }
        stale.push(`${describePacket(p, 40)}`);
        check(text(p.args[0]) === old, 'no WORK_* for an unknown handle', `${describePacket(p, 40)}`);
      }
      const s = await serveJob(ctx, { driver: w.driver, conn }, { handle: fresh, function: fn, data: DATA }, { pending });
      checkComplete(s.terminal, DATA);
      return pass(stale.length ? `the interrupted job's result was sent on the new connection: ${stale.join(', ')}` : undefined);
    },
  },
];
