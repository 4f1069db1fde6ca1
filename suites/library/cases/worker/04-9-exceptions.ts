/**
 * Worker cases, spec §4.9 (WORK_EXCEPTION) and interop-bugs #12-#14: a job that ends with
 * an exception — the library's native way, its explicit call, or the function raising — and a
 * function that raises while failing. What goes on the wire is graded (WORK_EXCEPTION alone or
 * followed by WORK_FAIL are named alternatives; the exception data must be the function's bytes
 * when the function gives them), and so is whether the same worker process asks for more work.
 */
import { packetName, T } from '../../../../src/protocol/constants.js';
import { describePacket } from '../../../../src/protocol/packet.js';
import { alternative, type CaseVerdict } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { b64, type BehaviourOutcome } from '../../../../src/peers/drivers/index.js';
import { behave, handleFor, hex, sameBytes } from '../../flows.js';
import { afterTerminal, type AfterTerminal, expectJobEvent, quote, readyWorker, type Served, serveJob, stillWorking } from '../../flows-worker.js';

const DATA = Buffer.from('exc:\u0000job', 'utf8');
/** The exception data the function gives (NUL inside, ASCII so that every language keeps it). */
const EXCEPTION = Buffer.from('gearspec exception\u0000data', 'latin1');

interface Ended {
  readonly s: Served;
  readonly after: AfterTerminal;
  readonly driver: Awaited<ReturnType<typeof readyWorker>>['driver'];
}

async function runToEnd(ctx: LibraryCaseContext, outcome: BehaviourOutcome): Promise<Ended> {
  const w = await readyWorker(ctx, behave(outcome));
  const h = handleFor(ctx);
  const s = await serveJob(ctx, w, { handle: h, function: w.fn, data: DATA, unique: ctx.uniq() }, { pending: w.grab });
  await expectJobEvent(w.driver, h, DATA);
  const after = s.terminal.type === T.WORK_EXCEPTION ? await afterTerminal(s.conn, h) : { trailingFail: false, closed: false };
  return { s, after, driver: w.driver };
}

/** The form of an exception outcome: WORK_EXCEPTION with the exact data, alone or followed by WORK_FAIL. */
async function gradeException(e: Ended, survive: boolean): Promise<CaseVerdict> {
  const t = e.s.terminal;
  check(t.type === T.WORK_EXCEPTION, 'the job ends with WORK_EXCEPTION(handle, data)', () => `it ends with ${describePacket(t, 60)} (the exception data is lost)`);
  check(sameBytes(t.args[1]!, EXCEPTION), `WORK_EXCEPTION carries the function's exception data intact: ${hex(EXCEPTION)}`, () => `it carries ${quote(t.args[1])} (${hex(t.args[1]!)})`);
  if (survive) await stillWorking(e.s.conn, e.after, e.driver);
  return alternative('worker-exception-packets', e.after.trailingFail ? 'exception-then-fail' : 'exception-only');
}

/** What a raising function made the library send; the job must end. */
function raiseChoice(e: Ended): { choice: 'fail' | 'exception' | 'exception-then-fail'; detail: string } {
  const t = e.s.terminal;
  if (t.type === T.WORK_FAIL) return { choice: 'fail', detail: 'WORK_FAIL' };
  if (t.type === T.WORK_EXCEPTION) {
    const data = `exception data ${quote(t.args[1], 60)}`;
    return e.after.trailingFail ? { choice: 'exception-then-fail', detail: `WORK_EXCEPTION (${data}), then WORK_FAIL` } : { choice: 'exception', detail: `WORK_EXCEPTION alone (${data})` };
  }
  fail('the job ends with WORK_FAIL or WORK_EXCEPTION when its function raises', `it ends with ${packetName(t.type)}`);
}

const RAISE_OUTCOMES = [
  { outcome: 'pass-alternative', alternative: 'worker-raise-report', choice: 'fail', when: 'WORK_FAIL (the reference worker)' },
  { outcome: 'pass-alternative', alternative: 'worker-raise-report', choice: 'exception', when: 'WORK_EXCEPTION alone (PHP pecl)' },
  { outcome: 'pass-alternative', alternative: 'worker-raise-report', choice: 'exception-then-fail', when: 'WORK_EXCEPTION then WORK_FAIL (Perl Gearman::Worker)' },
  { outcome: 'unsupported', when: "the library's functions cannot raise (C callbacks); its driver refuses the behaviour" },
] as const;

const EXCEPTION_OUTCOMES = [
  { outcome: 'pass-alternative', alternative: 'worker-exception-packets', choice: 'exception-only', when: 'WORK_EXCEPTION(handle, data) alone, then the worker grabs' },
  { outcome: 'pass-alternative', alternative: 'worker-exception-packets', choice: 'exception-then-fail', when: 'WORK_EXCEPTION(handle, data), then WORK_FAIL(handle), then the worker grabs' },
  { outcome: 'unsupported', when: 'the library has no such form (its driver refuses the behaviour)' },
] as const;

const raiseCase = (id: string, outcome: BehaviourOutcome, what: string): LibraryCaseDef[] => [
  {
    id: `worker/outcome/${id}`,
    role: 'worker',
    section: '4.9',
    level: 'MUST',
    requirement: `A worker whose function raises (${what}) MUST still end the job on the wire — WORK_FAIL, WORK_EXCEPTION, or WORK_EXCEPTION then WORK_FAIL (which one is recorded) — so that no client waits for ever.`,
    description: `The function raises the language's way (Perl die, PHP throw, JS throw) ${what}; read the job's terminal packet(s).`,
    outcomes: [...RAISE_OUTCOMES],
    run: async (ctx) => {
      const e = await runToEnd(ctx, outcome);
      const r = raiseChoice(e);
      return alternative('worker-raise-report', r.choice, `${r.detail}${e.after.closed || e.driver.exited ? '; then the worker closed its connection' : ''}`);
    },
  },
  {
    id: `worker/outcome/${id}-keeps-working`,
    role: 'worker',
    section: '4.9',
    level: 'SHOULD',
    requirement: `A worker whose function raises (${what}) SHOULD report the job as failed and keep serving in the same process, rather than let the raise end the worker.`,
    description: `The function raises ${what}; after the job's terminal packet(s) the same connection must carry the next grab or PRE_SLEEP.`,
    outcomes: [...RAISE_OUTCOMES],
    run: async (ctx) => {
      const e = await runToEnd(ctx, outcome);
      const r = raiseChoice(e);
      await stillWorking(e.s.conn, e.after, e.driver, 'the same worker process asks for the next job after its function raised');
      return alternative('worker-raise-report', r.choice, r.detail);
    },
  },
];

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'worker/outcome/exception-native',
    role: 'worker',
    section: '4.9',
    level: 'MUST',
    requirement:
      "A worker whose function ends the job with an exception the application's way MUST send WORK_EXCEPTION(handle, data) carrying the function's bytes unchanged (interop-bugs #14), optionally followed by WORK_FAIL, then ask for more work.",
    description:
      "The function ends with an exception in the library's native form (Perl die, PHP sendException, a C callback's exception); compare the WORK_EXCEPTION data, note any WORK_FAIL after it, read the next grab.",
    outcomes: [...EXCEPTION_OUTCOMES],
    run: async (ctx) => gradeException(await runToEnd(ctx, { kind: 'exception', payload: b64(EXCEPTION), form: 'native' }), true),
  },
  {
    id: 'worker/outcome/exception-call',
    role: 'worker',
    section: '4.9',
    level: 'MUST',
    requirement:
      "A worker whose function calls the library's explicit exception call MUST send WORK_EXCEPTION(handle, data) with the bytes unchanged, optionally followed by WORK_FAIL, and nothing else for the job, then ask for more work.",
    description: "The function calls the library's send-exception with NUL-laden bytes and returns; compare the WORK_EXCEPTION data, note any WORK_FAIL, read the next grab.",
    outcomes: [...EXCEPTION_OUTCOMES],
    run: async (ctx) => gradeException(await runToEnd(ctx, { kind: 'exception', payload: b64(EXCEPTION), form: 'call' }), true),
  },
  ...raiseCase('exception-throw', { kind: 'exception', payload: b64(EXCEPTION), form: 'throw' }, 'with an exception message'),
  ...raiseCase('fail-throw', { kind: 'fail', form: 'throw' }, 'to fail the job'),
];
