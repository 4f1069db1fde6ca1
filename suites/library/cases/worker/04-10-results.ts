/**
 * Worker cases, spec §4.10 and §2 (the WORK_* packets a worker sends): WORK_DATA,
 * WORK_WARNING and WORK_STATUS laid out as the table says, and a job ending with WORK_COMPLETE or
 * WORK_FAIL in each of the library's forms — the application's native return, or the library's
 * explicit call — with exactly one terminal packet, after which the same process asks for more
 * work.
 */
import { packetName, T } from '../../../../src/protocol/constants.js';
import { describePacket } from '../../../../src/protocol/packet.js';
import { pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { type Behaviour, b64, type BehaviourOutcome } from '../../../../src/peers/drivers/index.js';
import { behave, handleFor, hex, sameBytes } from '../../flows.js';
import { afterTerminal, checkComplete, expectJobEvent, readyWorker, type Served, serveJob, stillWorking } from '../../flows-worker.js';

const DATA = Buffer.from('results:\u0000\u00e9', 'utf8');
const RESULT = Buffer.from([0x72, 0x00, 0xff, 0x0a, 0x00, 0x7a]);

/** Run one job with `behaviour`; returns what the worker sent for it. */
async function runOne(ctx: LibraryCaseContext, behaviour: Behaviour): Promise<Served & { driver: Awaited<ReturnType<typeof readyWorker>>['driver'] }> {
  const w = await readyWorker(ctx, behaviour);
  const h = handleFor(ctx);
  const s = await serveJob(ctx, w, { handle: h, function: w.fn, data: DATA, unique: ctx.uniq() }, { pending: w.grab });
  await expectJobEvent(w.driver, h, DATA);
  return { ...s, driver: w.driver };
}

/** Exactly one terminal packet of `type`, then the same process grabs again. */
async function endsOnceAndContinues(s: Served & { driver: Awaited<ReturnType<typeof readyWorker>>['driver'] }, type: number): Promise<void> {
  check(s.terminal.type === type, `the job ends with ${packetName(type)}`, () => describePacket(s.terminal, 60));
  const after = await afterTerminal(s.conn, s.terminal.args[0]!);
  check(!after.trailingFail || type === T.WORK_FAIL, `one terminal packet (${packetName(type)}) only`, `a WORK_FAIL followed the ${packetName(type)}`);
  check(!(after.trailingFail && type === T.WORK_FAIL), 'one WORK_FAIL only', 'a second WORK_FAIL followed');
  await stillWorking(s.conn, after, s.driver);
}

const stepCase = (id: string, requirement: string, description: string, steps: Behaviour['steps'], verify: (s: Served) => void): LibraryCaseDef => ({
  id: `worker/work/${id}`,
  role: 'worker',
  section: '4.10',
  level: 'MUST',
  requirement,
  description,
  outcomes: [{ outcome: 'pass', when: "the packets arrive in order with the table's layout, then WORK_COMPLETE" }],
  run: async (ctx) => {
    const s = await runOne(ctx, behave({ kind: 'complete' }, steps));
    verify(s);
    checkComplete(s.terminal, DATA);
    return pass();
  },
});

const formCase = (id: string, outcome: BehaviourOutcome, type: number, requirement: string, description: string, verify?: (s: Served) => void): LibraryCaseDef => ({
  id: `worker/outcome/${id}`,
  role: 'worker',
  section: '4.10',
  level: 'MUST',
  requirement,
  description,
  outcomes: [
    { outcome: 'pass', when: `exactly one ${packetName(type)} naming the handle, then the same process grabs or sleeps` },
    { outcome: 'unsupported', when: 'the library has no such form (its driver refuses the behaviour)' },
  ],
  run: async (ctx) => {
    const s = await runOne(ctx, behave(outcome));
    verify?.(s);
    await endsOnceAndContinues(s, type);
    return pass();
  },
});

const statusOf = (s: Served): string[][] => s.packets.filter((p) => p.type === T.WORK_STATUS).map((p) => p.args.map((a) => a.toString('latin1')));

export const cases: readonly LibraryCaseDef[] = [
  stepCase(
    'data',
    "A worker MUST send WORK_DATA(handle, data) with the function's bytes intact, before the job's terminal packet.",
    'The function sends WORK_DATA with NUL-laden bytes, then completes; compare the WORK_DATA data part.',
    [{ kind: 'data', payload: b64(RESULT) }],
    (s) => {
      const d = s.packets.find((p) => p.type === T.WORK_DATA);
      check(d !== undefined, 'WORK_DATA before WORK_COMPLETE', `packets: ${s.packets.map((p) => packetName(p.type)).join(', ')}`);
      check(sameBytes(d.args[1]!, RESULT), `WORK_DATA carries ${hex(RESULT)}`, `it carries ${hex(d.args[1]!)}`);
    },
  ),
  stepCase(
    'warning',
    "A worker MUST send WORK_WARNING(handle, data) with the function's bytes intact, before the job's terminal packet.",
    'The function sends WORK_WARNING with NUL-laden bytes, then completes; compare the WORK_WARNING data part.',
    [{ kind: 'warning', payload: b64(RESULT) }],
    (s) => {
      const d = s.packets.find((p) => p.type === T.WORK_WARNING);
      check(d !== undefined, 'WORK_WARNING before WORK_COMPLETE', `packets: ${s.packets.map((p) => packetName(p.type)).join(', ')}`);
      check(sameBytes(d.args[1]!, RESULT), `WORK_WARNING carries ${hex(RESULT)}`, `it carries ${hex(d.args[1]!)}`);
    },
  ),
  stepCase(
    'status',
    'A worker MUST send WORK_STATUS(handle, numerator, denominator) with both numbers as decimal strings, in the order the function reports them.',
    'The function reports 0/100, 7/300 and 100/100, then completes; compare each WORK_STATUS.',
    [
      { kind: 'status', numerator: 0, denominator: 100 },
      { kind: 'status', numerator: 7, denominator: 300 },
      { kind: 'status', numerator: 100, denominator: 100 },
    ],
    (s) => {
      const got = statusOf(s).map((a) => `${a[1]}/${a[2]}`);
      check(JSON.stringify(got) === JSON.stringify(['0/100', '7/300', '100/100']), 'WORK_STATUS 0/100, 7/300, 100/100 in that order', `WORK_STATUS ${got.join(', ') || 'none'}`);
    },
  ),
  stepCase(
    'status-uint32-max',
    'A worker MUST write a status numerator of 4294967295 (the 32-bit maximum gearmand stores) as the decimal string 4294967295.',
    'The function reports 4294967295/4294967295, then completes; compare the WORK_STATUS arguments.',
    [{ kind: 'status', numerator: 4294967295, denominator: 4294967295 }],
    (s) => {
      const got = statusOf(s).map((a) => `${a[1]}/${a[2]}`);
      check(got[0] === '4294967295/4294967295', 'WORK_STATUS 4294967295/4294967295', `WORK_STATUS ${got.join(', ') || 'none'}`);
    },
  ),
  formCase(
    'complete-native',
    { kind: 'complete', payload: b64(RESULT), form: 'native' },
    T.WORK_COMPLETE,
    'A worker whose function returns a result MUST send exactly one WORK_COMPLETE(handle, result) with the bytes intact, then ask for more work.',
    "The function returns NUL-laden binary bytes the application's way (return value); compare WORK_COMPLETE and read the next grab.",
    (s) => checkComplete(s.terminal, RESULT),
  ),
  formCase(
    'complete-call',
    { kind: 'complete', payload: b64(RESULT), form: 'call' },
    T.WORK_COMPLETE,
    "A worker whose function ends the job with the library's explicit complete call MUST send exactly one WORK_COMPLETE(handle, result) — no second one when the function returns — then ask for more work.",
    "The function calls the library's send-complete with NUL-laden bytes and returns; compare WORK_COMPLETE, then the next packet must be a grab or PRE_SLEEP.",
    (s) => checkComplete(s.terminal, RESULT),
  ),
  formCase(
    'fail-native',
    { kind: 'fail', form: 'native' },
    T.WORK_FAIL,
    "A worker whose function fails the job the application's way (Perl return undef, PHP GEARMAN_WORK_FAIL, a C callback's failure code) MUST send exactly one WORK_FAIL(handle), then ask for more work.",
    "The function signals failure the library's native way; read WORK_FAIL, then the next grab.",
  ),
  formCase(
    'fail-call',
    { kind: 'fail', form: 'call' },
    T.WORK_FAIL,
    "A worker whose function ends the job with the library's explicit fail call MUST send exactly one WORK_FAIL(handle) — nothing more when the function returns — then ask for more work.",
    "The function calls the library's send-fail and returns; read WORK_FAIL, then the next packet must be a grab or PRE_SLEEP.",
  ),
];
