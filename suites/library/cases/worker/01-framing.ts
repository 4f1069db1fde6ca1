/**
 * Worker cases, spec §1.1 (framing and the data part): the job payload in JOB_ASSIGN* must
 * reach the function byte for byte whatever its size or content (NULs, empty, the 64 KiB
 * boundary, interop-bugs #1-#4), and the worker's reader must not depend on how the
 * assignment is cut into reads or packed with other packets.
 */
import { T } from '../../../../src/protocol/constants.js';
import { res } from '../../../../src/protocol/packet.js';
import { pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import { handleFor } from '../../flows.js';
import { afterTerminal, checkComplete, expectJobEvent, jobRuns, patternBytes, readyWorker, serveJob, settleToSleep, stillWorking } from '../../flows-worker.js';

/** Hand the echo worker one job carrying `data`; the function must get it and WORK_COMPLETE echo it. */
async function roundTrip(ctx: LibraryCaseContext, data: Buffer): Promise<void> {
  const w = await readyWorker(ctx);
  const h = handleFor(ctx);
  const s = await serveJob(ctx, w, { handle: h, function: w.fn, data }, { pending: w.grab });
  await expectJobEvent(w.driver, h, data);
  checkComplete(s.terminal, data);
  await stillWorking(w.conn, await afterTerminal(w.conn, h), w.driver);
}

const sizeCase = (n: number, note: string): LibraryCaseDef => ({
  id: `worker/payload/size-${n}`,
  role: 'worker',
  section: '1.1',
  level: 'MUST',
  requirement: `A worker MUST deliver a ${n}-byte job payload to its function intact and echo it intact in WORK_COMPLETE${note}.`,
  description: `Hand the echo worker a job whose data is ${n} pseudo-random bytes (NULs at both ends); compare what the function got and what WORK_COMPLETE carries.`,
  outcomes: [{ outcome: 'pass', when: 'both byte for byte equal, and the worker asks for more work' }],
  run: async (ctx) => {
    await roundTrip(ctx, patternBytes(n, n));
    return pass();
  },
});

const ASSIGN_PAYLOAD = Buffer.from('split\u0000\u00e9\u0000assign', 'utf8');

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'worker/payload/nul-laden',
    role: 'worker',
    section: '1.1',
    level: 'MUST',
    requirement: 'A worker MUST deliver a payload with NUL bytes (first, last, runs of them) to its function intact and echo it intact (interop-bugs #4).',
    description: 'Hand the echo worker a job whose data is \\0a\\0\\0b\\0 plus UTF-8 and 0xFF; compare both directions.',
    outcomes: [{ outcome: 'pass', when: 'both byte for byte equal' }],
    run: async (ctx) => {
      await roundTrip(ctx, Buffer.concat([Buffer.from([0, 0x61, 0, 0, 0x62, 0]), Buffer.from('\u00e9\u2603', 'utf8'), Buffer.from([0xff, 0])]));
      return pass();
    },
  },
  {
    id: 'worker/payload/empty',
    role: 'worker',
    section: '1.1',
    level: 'MUST',
    requirement: "A worker MUST deliver an empty payload as empty and send WORK_COMPLETE(handle, empty data) with the separator after the handle (the table's two arguments).",
    description: 'Hand the echo worker a job with empty data; the function gets 0 bytes; WORK_COMPLETE must be handle\\0 with nothing after.',
    outcomes: [{ outcome: 'pass', when: 'empty in, WORK_COMPLETE with an empty data argument' }],
    run: async (ctx) => {
      await roundTrip(ctx, Buffer.alloc(0));
      return pass();
    },
  },
  {
    id: 'worker/payload/ascii-zero',
    role: 'worker',
    section: '1.1',
    level: 'MUST',
    requirement: 'A worker MUST deliver and echo the one-byte payload "0" intact (a language-level false value is still data).',
    description: 'Hand the echo worker a job whose data is the single byte "0"; WORK_COMPLETE must carry "0".',
    outcomes: [{ outcome: 'pass', when: '"0" in, "0" out' }],
    run: async (ctx) => {
      await roundTrip(ctx, Buffer.from('0'));
      return pass();
    },
  },
  sizeCase(65_480, ' (just under 64 KiB, where a worker library lost jobs: interop-bugs #2)'),
  sizeCase(65_510, ' (just under 64 KiB, interop-bugs #2)'),
  sizeCase(65_535, ' (the largest 16-bit length)'),
  sizeCase(65_536, ' (exactly 64 KiB)'),
  sizeCase(65_537, ' (one byte past 64 KiB)'),
  { ...sizeCase(1_048_576, ' (1 MiB; the protocol has no limit below the 32-bit size field)'), id: 'worker/payload/size-1mib', budgetReads: 12 },
  // ------------------------------------------------------------------------------ framing
  {
    id: 'worker/framing/assign-one-byte-per-read',
    role: 'worker',
    section: '1.1',
    level: 'MUST',
    requirement: 'A worker MUST reassemble a job assignment that arrives one byte per read (interop-bugs #1).',
    description: 'Answer the grab with the matching JOB_ASSIGN* written one byte at a time (2 ms apart); the function must get the payload intact and WORK_COMPLETE echo it.',
    outcomes: [{ outcome: 'pass', when: 'the job runs with its payload intact and completes' }],
    budgetReads: 10,
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      const h = handleFor(ctx);
      const job = { handle: h, function: w.fn, data: ASSIGN_PAYLOAD, unique: ctx.uniq() };
      await w.conn.split([w.conn.assignFor(w.grab, job)], 'every-byte', 2);
      const s = await serveJob(ctx, w, job, { handedFor: w.grab });
      await expectJobEvent(w.driver, h, ASSIGN_PAYLOAD);
      checkComplete(s.terminal, ASSIGN_PAYLOAD);
      return pass();
    },
  },
  {
    id: 'worker/framing/assign-split-in-header',
    role: 'worker',
    section: '1.1',
    level: 'MUST',
    requirement: 'A worker MUST reassemble a job assignment whose header is cut inside the magic and inside the size, and whose body comes in a later read.',
    description: 'Write the matching JOB_ASSIGN* in three pieces: 3 bytes, up to 10 bytes, then the rest (15 ms apart).',
    outcomes: [{ outcome: 'pass', when: 'the job runs with its payload intact and completes' }],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      const h = handleFor(ctx);
      const job = { handle: h, function: w.fn, data: ASSIGN_PAYLOAD, unique: ctx.uniq() };
      await w.conn.split([w.conn.assignFor(w.grab, job)], [3, 10], 15);
      const s = await serveJob(ctx, w, job, { handedFor: w.grab });
      await expectJobEvent(w.driver, h, ASSIGN_PAYLOAD);
      checkComplete(s.terminal, ASSIGN_PAYLOAD);
      return pass();
    },
  },
  {
    id: 'worker/framing/assign-coalesced-with-noops',
    role: 'worker',
    section: '1.1',
    level: 'MUST',
    requirement: 'A worker MUST take a job assignment that arrives in one read between two NOOPs, run it exactly once, and keep reading packets in order.',
    description: 'Answer the grab with NOOP, the matching JOB_ASSIGN*, NOOP in a single write; read WORK_COMPLETE; answer further grabs with NO_JOB until PRE_SLEEP; the function ran once.',
    outcomes: [{ outcome: 'pass', when: 'one run, one WORK_COMPLETE, then the worker sleeps' }],
    run: async (ctx) => {
      const w = await readyWorker(ctx);
      const h = handleFor(ctx);
      const job = { handle: h, function: w.fn, data: ASSIGN_PAYLOAD, unique: ctx.uniq() };
      await w.conn.split([res(T.NOOP), w.conn.assignFor(w.grab, job), res(T.NOOP)], []);
      const s = await serveJob(ctx, w, job, { handedFor: w.grab });
      checkComplete(s.terminal, ASSIGN_PAYLOAD);
      await settleToSleep(w.conn);
      const runs = await jobRuns(w.driver, h, ctx.quietMs);
      check(runs === 1, 'the function runs the job exactly once', `it ran ${runs} times`);
      return pass();
    },
  },
];
