/**
 * spec §4.9 Exceptions: OPTION_REQ "exceptions" gets OPTION_RES on both servers and an unknown
 * option gets ERROR. On gearmand a WORK_EXCEPTION reaches clients with the option as is and
 * clients without it as WORK_FAIL, and the job ends; on Perl it reaches only clients with the
 * option and the job keeps running.
 */
import { T } from '../../../../src/protocol/constants.js';
import { alternative, type CaseDef, informational, pass } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import { spellingOutcomes, spellingVerdict } from './error-spelling.js';

const UNKNOWN_OPTION = { gearmand: 'UNKNOWN_OPTION', perl: 'unknown_option' } as const;
import { lateResultAnswer, runningJob, text } from '../../../../src/runner/steps.js';

const base = { section: '4.9', level: 'MUST' } as const;

export const cases: readonly CaseDef[] = [
  {
    ...base,
    id: 'binary/options/exceptions-accepted',
    requirement: 'OPTION_REQ("exceptions") MUST be answered with OPTION_RES("exceptions").',
    description: 'Sends OPTION_REQ "exceptions".',
    outcomes: [{ outcome: 'pass', when: 'OPTION_RES "exceptions"' }],
    async run(ctx) {
      const c = await ctx.connect('client');
      c.send(T.OPTION_REQ, 'exceptions');
      const p = await c.expect(T.OPTION_RES);
      check(text(p.args[0]) === 'exceptions', 'OPTION_RES "exceptions"', text(p.args[0]));
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/options/unknown-option',
    requirement: 'OPTION_REQ for an unknown option MUST be answered with ERROR, and the connection MUST stay usable.',
    description: 'Sends OPTION_REQ "bogus", then ECHO_REQ.',
    outcomes: spellingOutcomes(UNKNOWN_OPTION, 'ECHO_RES'),
    async run(ctx) {
      const c = await ctx.connect('client');
      c.send(T.OPTION_REQ, 'bogus');
      const [code] = await c.expectError();
      await c.expectAlive();
      return spellingVerdict(UNKNOWN_OPTION, code);
    },
  },
  {
    ...base,
    level: 'INFO',
    id: 'binary/options/exceptions-uppercase',
    requirement: 'Option names are matched case-insensitively by gearmand and exactly by Perl. Recorded only.',
    description: 'Sends OPTION_REQ "EXCEPTIONS".',
    outcomes: [{ outcome: 'informational', when: 'OPTION_RES or ERROR; which one is recorded' }],
    async run(ctx) {
      const c = await ctx.connect('client');
      c.send(T.OPTION_REQ, 'EXCEPTIONS');
      const p = await c.expect([T.OPTION_RES, T.ERROR]);
      return informational(p.type === T.OPTION_RES ? `accepted, echoed ${JSON.stringify(text(p.args[0]))}` : `rejected: ERROR ${text(p.args[0])}`);
    },
  },
  {
    ...base,
    id: 'binary/exceptions/to-client-with-option',
    requirement: 'WORK_EXCEPTION MUST reach a client that set the exceptions option, byte-identical; whether the job then ends is a named alternative.',
    description: 'Client sets OPTION exceptions and submits; worker grabs, sends WORK_EXCEPTION(h, "boom\\0x"), then WORK_FAIL(h).',
    outcomes: [
      {
        outcome: 'pass-alternative',
        alternative: 'exception-terminal',
        choice: 'terminal',
        when: "client gets WORK_EXCEPTION and nothing more; the worker's WORK_FAIL gets ERROR or is dropped (late-work-result)",
      },
      { outcome: 'pass-alternative', alternative: 'exception-terminal', choice: 'non-terminal', when: "client gets WORK_EXCEPTION, then the worker's WORK_FAIL" },
    ],
    async run(ctx) {
      const j = await runningJob(ctx, { clientOption: 'exceptions' });
      const payload = Buffer.from('boom\0x', 'latin1');
      j.worker.send(T.WORK_EXCEPTION, j.handle, payload);
      const e = await j.client.expect(T.WORK_EXCEPTION);
      check(text(e.args[0]) === j.handle && e.args[1]!.equals(payload), `WORK_EXCEPTION(${j.handle}, 626f6f6d0078)`, `WORK_EXCEPTION(${text(e.args[0])}, ${e.args[1]!.toString('hex')})`);
      j.worker.send(T.WORK_FAIL, j.handle);
      const late = await lateResultAnswer(j.worker);
      const cs = await j.client.collect(ctx.quietMs, (es) => es.length > 0);
      const clientFail = cs.some((x) => x.kind === 'packet' && x.packet.type === T.WORK_FAIL);
      if (!clientFail) return alternative('exception-terminal', 'terminal', `the worker's WORK_FAIL: ${late === 'error' ? 'ERROR' : 'dropped'}`);
      if (late === 'ignored') return alternative('exception-terminal', 'non-terminal');
      return fail(['ERROR to the worker and nothing to the client (terminal)', 'WORK_FAIL to the client (non-terminal)'], 'the worker got ERROR for its WORK_FAIL and the client got WORK_FAIL too');
    },
  },
  {
    ...base,
    id: 'binary/exceptions/to-client-without-option',
    requirement:
      "A client without the exceptions option MUST NOT receive WORK_EXCEPTION; it learns of the failure through a well-formed WORK_FAIL(handle) (at once if exceptions are terminal, after the worker's WORK_FAIL otherwise).",
    description: 'Client submits without the option; worker sends WORK_EXCEPTION(h, "boom"), then WORK_FAIL(h).',
    outcomes: [
      {
        outcome: 'pass-alternative',
        alternative: 'exception-terminal',
        choice: 'terminal',
        when: "WORK_FAIL(handle) right after the exception; the worker's WORK_FAIL gets ERROR or is dropped (late-work-result)",
      },
      { outcome: 'pass-alternative', alternative: 'exception-terminal', choice: 'non-terminal', when: "nothing until the worker's WORK_FAIL, then WORK_FAIL(handle)" },
    ],
    async run(ctx) {
      const j = await runningJob(ctx);
      j.worker.send(T.WORK_EXCEPTION, j.handle, 'boom');
      const first = await j.client.collect(ctx.quietMs, (es) => es.length > 0);
      const ev = first[0];
      if (ev && ev.kind === 'packet' && ev.packet.type === T.WORK_EXCEPTION) return fail(['no WORK_EXCEPTION without the option'], 'WORK_EXCEPTION delivered');
      if (ev && ev.kind === 'packet' && ev.packet.type === T.WORK_FAIL) {
        check(text(ev.packet.args[0]) === j.handle, `WORK_FAIL(${j.handle})`, `WORK_FAIL(${JSON.stringify(text(ev.packet.args[0]))})`);
        j.worker.send(T.WORK_FAIL, j.handle);
        const late = await lateResultAnswer(j.worker);
        await j.client.expectNothing('no second WORK_FAIL for the ended job');
        return alternative('exception-terminal', 'terminal', `the worker's WORK_FAIL: ${late === 'error' ? 'ERROR' : 'dropped'}`);
      }
      if (ev) return fail(['WORK_FAIL or nothing'], ev.kind === 'packet' ? text(ev.packet.args[0]) : ev.kind);
      j.worker.send(T.WORK_FAIL, j.handle);
      const p = await j.client.expect(T.WORK_FAIL);
      check(text(p.args[0]) === j.handle, `WORK_FAIL(${j.handle})`, text(p.args[0]));
      return alternative('exception-terminal', 'non-terminal');
    },
  },
  {
    ...base,
    id: 'binary/exceptions/option-is-per-connection',
    requirement: 'The exceptions option is per connection: of two coalesced clients only the one with the option MUST get WORK_EXCEPTION.',
    description: 'Client A sets the option, client B does not; both submit (f, u); worker sends WORK_EXCEPTION.',
    outcomes: [{ outcome: 'pass', when: 'A gets WORK_EXCEPTION; B does not get WORK_EXCEPTION' }],
    async run(ctx) {
      const fn = ctx.fn();
      const u = ctx.uniq();
      const a = await ctx.connect('client-opt');
      a.send(T.OPTION_REQ, 'exceptions');
      await a.expect(T.OPTION_RES);
      a.send(T.SUBMIT_JOB, fn, u, 'x');
      const h = text((await a.expect(T.JOB_CREATED)).args[0]);
      const b = await ctx.connect('client-plain');
      b.send(T.SUBMIT_JOB, fn, u, 'x');
      await b.expect(T.JOB_CREATED);
      const w = await ctx.connect('worker');
      w.send(T.CAN_DO, fn);
      w.send(T.GRAB_JOB);
      await w.expect(T.JOB_ASSIGN, { skip: [T.NOOP] });
      w.send(T.WORK_EXCEPTION, h, 'boom');
      await a.expect(T.WORK_EXCEPTION);
      const seen = await b.collect(ctx.quietMs);
      check(!seen.some((e) => e.kind === 'packet' && e.packet.type === T.WORK_EXCEPTION), 'no WORK_EXCEPTION on client-plain', 'WORK_EXCEPTION delivered');
      return pass();
    },
  },
];
