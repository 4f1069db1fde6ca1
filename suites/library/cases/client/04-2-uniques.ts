/**
 * Client cases, spec §4.2 (unique ids and coalescing): the unique a client sends decides
 * which jobs the server merges. A default unique must never make unrelated submissions collide
 * (interop-bugs #9), an explicit one travels byte-exact (interop-bugs #8), and two tasks that the
 * server merged onto one handle must each end (gearmand sends one WORK_COMPLETE per listener).
 */
import { T } from '../../../../src/protocol/constants.js';
import { b64, unb64 } from '../../../../src/peers/drivers/index.js';
import { alternative, informational, pass } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import type { LibraryConn } from '../../../../src/runner/library/library-conn.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import type { SubjectDriver } from '../../../../src/runner/library/subject-driver.js';
import { handleFor, hex, sameBytes } from '../../flows.js';
import { describeEnd, expectDone, expectReportedEnd, nextSubmit, recent, sendSubmit, submitArgs } from '../../flows-client.js';

/** Start a batch of two jobs with the same function and unique; answer both SUBMITs with JOB_CREATED(h). */
async function mergedPair(ctx: LibraryCaseContext): Promise<{ driver: SubjectDriver; conn: LibraryConn; ids: readonly [string, string]; h: string }> {
  const driver = await ctx.client();
  const fn = ctx.fn('job');
  const unique = ctx.uniq('same');
  const ids = [driver.id('job'), driver.id('job')] as const;
  driver.send({ op: 'submit-batch', id: driver.id('batch'), jobs: ids.map((id, i) => ({ id, function: fn, unique, payload: b64(`payload-${i}`) })) });
  const conn = await ctx.stage.accept();
  const h = handleFor(ctx);
  for (let i = 0; i < 2; i++) {
    const p = await conn.expectSubmit();
    const a = submitArgs(p);
    check(a.unique.toString('utf8') === unique, `submit ${i + 1} carries unique ${unique}`, `unique ${hex(a.unique)}`);
    conn.send(T.JOB_CREATED, h);
  }
  return { driver, conn, ids, h };
}

/** One process: a foreground and a background job without a unique; returns the two uniques sent. */
async function defaultUniques(ctx: LibraryCaseContext, driver: SubjectDriver, n: number): Promise<{ fg: Buffer; bg: Buffer }> {
  const fgId = sendSubmit(driver, ctx.fn(`fg${n}`));
  const fg = await nextSubmit(ctx, driver, fgId);
  const h1 = handleFor(ctx, n * 10 + 1);
  fg.conn.send(T.JOB_CREATED, h1);
  fg.conn.send(T.WORK_COMPLETE, h1, 'ok');
  const e = await expectReportedEnd(driver, fgId, 'the foreground job completes');
  check(e.event === 'complete', 'completion', describeEnd(e));
  const bgId = sendSubmit(driver, ctx.fn(`bg${n}`), { background: true });
  const bg = await nextSubmit(ctx, driver, bgId, fg.conn);
  bg.conn.send(T.JOB_CREATED, handleFor(ctx, n * 10 + 2));
  await expectDone(driver, bgId, 'the library returns once the background job is created');
  return { fg: submitArgs(fg.submit).unique, bg: submitArgs(bg.submit).unique };
}

const uniqueOfLength = (ctx: LibraryCaseContext, n: number): string => {
  const base = ctx.uniq('long');
  return base.length >= n ? base.slice(base.length - n) : base + 'x'.repeat(n - base.length);
};

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'client/uniques/default-unique',
    role: 'client',
    section: '4.2',
    level: 'MUST',
    requirement: 'A client that picks a default unique MUST never send the same non-empty default unique for two different submissions, from one process or from two.',
    description: 'Two client processes each submit a foreground and a background job without a unique; the four uniques are compared. Which default the library uses is recorded.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'client-default-unique', choice: 'empty', when: 'every default unique is empty (the server never merges them)' },
      { outcome: 'pass-alternative', alternative: 'client-default-unique', choice: 'generated', when: 'every default unique is a distinct generated id' },
      { outcome: 'informational', when: 'another mix of empty and distinct generated uniques' },
    ],
    run: async (ctx) => {
      const a = await ctx.client('client-a');
      const b = await ctx.client('client-b');
      const ua = await defaultUniques(ctx, a, 1);
      const ub = await defaultUniques(ctx, b, 2);
      const all = [
        ['process A foreground', ua.fg],
        ['process A background', ua.bg],
        ['process B foreground', ub.fg],
        ['process B background', ub.bg],
      ] as const;
      const shown = all.map(([w, u]) => `${w}: ${JSON.stringify(u.toString('latin1'))}`).join('; ');
      for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) {
          const [wi, ui] = all[i]!;
          const [wj, uj] = all[j]!;
          if (ui.length > 0 && sameBytes(ui, uj))
            fail('distinct non-empty default uniques (interop-bugs #9)', `${wi} and ${wj} both sent ${JSON.stringify(ui.toString('latin1'))}: the server would merge them into one job; ${shown}`);
        }
      }
      const fgEmpty = ua.fg.length === 0 && ub.fg.length === 0;
      const bgEmpty = ua.bg.length === 0 && ub.bg.length === 0;
      if (fgEmpty && bgEmpty) return alternative('client-default-unique', 'empty', shown);
      if ([ua.fg, ua.bg, ub.fg, ub.bg].every((u) => u.length > 0)) return alternative('client-default-unique', 'generated', shown);
      return informational(shown);
    },
  },
  {
    id: 'client/uniques/unique-63-bytes',
    role: 'client',
    section: '4.2',
    level: 'MUST',
    requirement: 'A client MUST send a 63-byte unique byte-exact.',
    description: 'Submit with a 63-byte unique; compare the SUBMIT_JOB unique argument.',
    outcomes: [{ outcome: 'pass', when: 'the unique argument is the 63 bytes given' }],
    run: async (ctx) => {
      const unique = uniqueOfLength(ctx, 63);
      const driver = await ctx.client();
      const id = sendSubmit(driver, ctx.fn('job'), { unique });
      const { conn, submit } = await nextSubmit(ctx, driver, id);
      const got = submitArgs(submit).unique;
      check(sameBytes(got, Buffer.from(unique)), `unique ${JSON.stringify(unique)}`, `unique ${JSON.stringify(got.toString('latin1'))} (${got.length} bytes)`);
      const h = handleFor(ctx);
      conn.send(T.JOB_CREATED, h);
      conn.send(T.WORK_COMPLETE, h, 'ok');
      const e = await expectReportedEnd(driver, id, 'the job completes');
      check(e.event === 'complete', 'completion', describeEnd(e));
      return pass();
    },
  },
  {
    id: 'client/uniques/unique-64-bytes',
    role: 'client',
    section: '4.2',
    // SHOULD: gearmand accepts 64 bytes (keying on 63 of them) and Perl gearmand any length, so
    // the unique is the server's to judge; a client that silently cuts it changes which jobs merge.
    level: 'SHOULD',
    requirement: 'A client SHOULD send a 64-byte unique byte-exact (or refuse it with an error), never cut it silently (interop-bugs #8).',
    description: 'Submit with a 64-byte unique; compare the SUBMIT_JOB unique argument (an error for the job is accepted too).',
    outcomes: [
      { outcome: 'pass', when: 'the unique argument is the 64 bytes given' },
      { outcome: 'pass', when: 'the library refuses the submit with an error before sending it' },
    ],
    run: async (ctx) => {
      const unique = uniqueOfLength(ctx, 64);
      const driver = await ctx.client();
      const id = sendSubmit(driver, ctx.fn('job'), { unique });
      let sent: Awaited<ReturnType<typeof nextSubmit>>;
      try {
        sent = await nextSubmit(ctx, driver, id);
      } catch (e) {
        const err = driver.events.find((x) => x.event === 'error' && x.id === id);
        if (err && err.event === 'error') return pass(`refused: ${err.message.slice(0, 160)}`);
        throw e;
      }
      const got = submitArgs(sent.submit).unique;
      check(sameBytes(got, Buffer.from(unique)), `unique of 64 bytes ${JSON.stringify(unique)}`, `unique of ${got.length} bytes ${JSON.stringify(got.toString('latin1'))}`);
      return pass();
    },
  },
  {
    id: 'client/uniques/merged-tasks-two-completes',
    role: 'client',
    section: '4.2',
    level: 'MUST',
    requirement: 'A client MUST end both of two tasks that the server merged onto one handle when a WORK_COMPLETE arrives for each (as gearmand sends one per listener).',
    description: 'One batch of two jobs with the same function and unique; both SUBMITs answered JOB_CREATED(h); then WORK_COMPLETE(h, "r") twice.',
    outcomes: [{ outcome: 'pass', when: 'both tasks complete with "r"' }],
    run: async (ctx) => {
      const { driver, conn, ids, h } = await mergedPair(ctx);
      conn.send(T.WORK_COMPLETE, h, 'r');
      conn.send(T.WORK_COMPLETE, h, 'r');
      for (const [i, id] of ids.entries()) {
        const e = await expectReportedEnd(driver, id, `task ${i + 1} ends`);
        check(e.event === 'complete' && sameBytes(unb64(e.payload), Buffer.from('r')), `task ${i + 1} completes with "r"`, `it ended with ${describeEnd(e)}`);
      }
      return pass();
    },
  },
  {
    id: 'client/uniques/merged-tasks-one-complete',
    role: 'client',
    section: '4.2',
    level: 'INFO',
    requirement: 'Servers send one WORK_COMPLETE per merged task, so a single one for two merged tasks is off-protocol; whether it ends one task or both is recorded only.',
    description: 'As merged-tasks-two-completes, but a single WORK_COMPLETE(h, "r"); after the first task completes, the other is watched for the quiet window.',
    outcomes: [{ outcome: 'informational', when: 'whether one packet completed both tasks or only one (the other still waiting)' }],
    run: async (ctx) => {
      const { driver, conn, ids, h } = await mergedPair(ctx);
      conn.send(T.WORK_COMPLETE, h, 'r');
      const firstEnd = await driver.first((e) => (e.event === 'complete' || e.event === 'fail' || e.event === 'error') && 'id' in e && e.id !== undefined && (ids as readonly string[]).includes(e.id));
      if (!firstEnd || !('id' in firstEnd)) return informational(`no task ended within ${ctx.timeoutMs} ms; ${recent(driver)}`);
      const other = ids.find((id) => id !== firstEnd.id) ?? ids[1];
      const second = await driver.first((e) => (e.event === 'complete' || e.event === 'fail' || e.event === 'error') && 'id' in e && e.id === other, ctx.quietMs);
      if (second) return informational(`one WORK_COMPLETE ended both tasks (${firstEnd.event}, then ${second.event})`);
      return informational(`one WORK_COMPLETE ended only one task (${firstEnd.event}); the other was still waiting after ${ctx.quietMs} ms`);
    },
  },
];
