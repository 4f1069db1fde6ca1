/**
 * spec §4.17 Persistent queues: background jobs queued before a restart are there after it, each
 * exactly once, with the payload and unique byte for byte; a job that finished before the restart
 * does not come back. The cases restart the server (they run alone, after the others); a server
 * that brings back none of them keeps no queue, and the cases are `unsupported` on it.
 */
import { parsePriorityStatusRows } from '../../../../src/protocol/admin.js';
import { T } from '../../../../src/protocol/constants.js';
import { type CaseDef, type CaseVerdict, KEEPS_NO_QUEUE, pass } from '../../../../src/runner/case-def.js';
import type { CaseContext } from '../../../../src/runner/context.js';
import { check, fail } from '../../../../src/runner/failures.js';
import type { Probe } from '../../../../src/runner/probe.js';
import { adminOn, grab, submit, sync, text, worker } from '../../../../src/runner/steps.js';

/** A background job the case queued: what must come back. */
interface Queued {
  readonly label: string;
  readonly type: number;
  readonly unique: Buffer;
  readonly data: Buffer;
}

/** A job a worker was given after the restart. */
interface Assigned {
  readonly handle: string;
  readonly unique: Buffer;
  readonly data: Buffer;
}

const job = (label: string, unique: string | Buffer, data: string | Buffer, type: number = T.SUBMIT_JOB_BG): Queued => ({
  label,
  type,
  unique: Buffer.isBuffer(unique) ? unique : Buffer.from(unique, 'latin1'),
  data: Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1'),
});

async function queueAll(c: Probe, fn: string, jobs: readonly Queued[]): Promise<void> {
  for (const j of jobs) await submit(c, j.type, fn, j.unique, j.data);
}

/** Every job `fn` has after the restart, through GRAB_JOB_UNIQ until NO_JOB, each completed at once. */
async function takeAll(ctx: CaseContext, fn: string, atMost: number): Promise<Assigned[]> {
  const w = await worker(ctx, 'worker-after-restart', [fn]);
  const got: Assigned[] = [];
  for (let i = 0; i <= atMost; i++) {
    w.send(T.GRAB_JOB_UNIQ);
    const p = await w.expect([T.JOB_ASSIGN_UNIQ, T.NO_JOB], { skip: [T.NOOP], expected: ['JOB_ASSIGN_UNIQ or NO_JOB for GRAB_JOB_UNIQ'] });
    if (p.type === T.NO_JOB) return got;
    const handle = text(p.args[0]);
    got.push({ handle, unique: p.args[2] ?? Buffer.alloc(0), data: p.args[3] ?? Buffer.alloc(0) });
    w.send(T.WORK_COMPLETE, handle, '');
  }
  return fail(`at most ${atMost} jobs, then NO_JOB`, `more than ${atMost} jobs for ${fn}`);
}

const shown = (b: Buffer): string => (b.length > 48 ? `${b.length} bytes` : JSON.stringify(b.toString('latin1')));
const same = (a: Queued, b: Assigned): boolean => a.unique.equals(b.unique) && a.data.equals(b.data);

/**
 * Each of `want` exactly once, byte for byte, and nothing of `gone`; `unsupported` when not one job
 * came back (the server keeps no queue). Returns the jobs in the order they were handed out.
 */
function judge(want: readonly Queued[], got: readonly Assigned[], gone: readonly Queued[] = []): CaseVerdict | Assigned[] {
  if (got.length === 0) return { outcome: 'unsupported', detail: `${KEEPS_NO_QUEUE}: none of the ${want.length} background jobs queued before it came back` };
  const problems: string[] = [];
  for (const w of want) {
    const n = got.filter((g) => same(w, g)).length;
    if (n !== 1) problems.push(`${w.label} ${n === 0 ? 'lost' : `handed out ${n} times`}`);
  }
  for (const g of got) {
    const finished = gone.find((x) => same(x, g));
    if (finished) problems.push(`${finished.label} came back although it had finished before the restart`);
    else if (!want.some((w) => same(w, g))) problems.push(`a job that was never queued: unique ${shown(g.unique)}, payload ${shown(g.data)}`);
  }
  const expected = `each of ${want.map((w) => w.label).join(', ')} exactly once with its unique and payload byte for byte${gone.length ? `, and not ${gone.map((g) => g.label).join(', ')}` : ''}`;
  if (problems.length > 0) return fail(expected, problems.join('; '));
  return [...got];
}

/** Queue `jobs`, restart, take everything back and judge it (the common shape of these cases). */
async function survives(ctx: CaseContext, jobs: readonly Queued[]): Promise<CaseVerdict | Assigned[]> {
  const fn = ctx.fn();
  const c = await ctx.connect('client');
  await queueAll(c, fn, jobs);
  await ctx.restartServer!();
  return judge(jobs, await takeAll(ctx, fn, jobs.length + 2));
}

const verdictOf = (r: CaseVerdict | Assigned[]): CaseVerdict => (Array.isArray(r) ? pass() : r);

/**
 * Queue `finished` then `queued`; a worker completes `finished` (ECHO confirms the server read it);
 * restart; only `queued` may come back. How a store deletes a finished job is what this probes.
 */
async function finishThenRestart(ctx: CaseContext, finished: Queued, queued: Queued): Promise<CaseVerdict | Assigned[]> {
  const fn = ctx.fn();
  const c = await ctx.connect('client');
  await queueAll(c, fn, [finished, queued]);
  const w = await worker(ctx, 'worker', [fn]);
  const a = await grab(w, T.GRAB_JOB_UNIQ, [T.JOB_ASSIGN_UNIQ]);
  check(a.args[2]?.equals(finished.unique) === true, `${finished.label} handed out first (FIFO)`, `unique ${shown(a.args[2] ?? Buffer.alloc(0))}`);
  w.send(T.WORK_COMPLETE, text(a.args[0]), 'result');
  await sync(w, 'ECHO_RES after WORK_COMPLETE: the server has read it');
  await ctx.restartServer!();
  return judge([queued], await takeAll(ctx, fn, 4), [finished]);
}

const RESTART_OUTCOMES = (what: string) =>
  [
    { outcome: 'pass', when: what },
    { outcome: 'unsupported', when: 'no job queued before the restart came back: the server keeps no persistent queue (or gearspec cannot restart it)' },
  ] as const;

/** Bytes a text protocol or a database column might mangle: NUL, controls, high bytes, CR LF. */
const BINARY_PAYLOAD = Buffer.from([0x00, 0x01, 0x02, 0x0a, 0x0d, 0x09, 0x20, 0x7f, 0x80, 0xc3, 0xa9, 0xff, 0x00, 0x00]);
/** No NUL (it ends the argument); TAB, space, a high byte and UTF-8 as a database may store them. */
const BINARY_UNIQUE = Buffer.from([0x01, 0x09, 0x20, 0x27, 0x22, 0x5c, 0x7f, 0xff, 0xc3, 0xa9, 0x25]);

export const cases: readonly CaseDef[] = [
  {
    id: 'binary/durability/queued-jobs-survive-restart',
    section: '4.17',
    requirement: 'A server with a persistent queue MUST hand out every background job queued before a restart after it, each exactly once, with its unique and payload unchanged.',
    level: 'MUST',
    description: 'Three SUBMIT_JOB_BG with uniques; restart the server; a worker takes everything with GRAB_JOB_UNIQ.',
    outcomes: RESTART_OUTCOMES('the three jobs, once each, byte-exact'),
    requires: ['GRAB_JOB_UNIQ'],
    restartsServer: true,
    budgetReads: 16,
    async run(ctx) {
      const jobs = [1, 2, 3].map((n) => job(`job ${n}`, ctx.uniq(`u${n}`), `payload ${n}`));
      return verdictOf(await survives(ctx, jobs));
    },
  },
  {
    id: 'binary/durability/empty-uniques-survive',
    section: '4.17',
    requirement: 'Two background jobs of one function with an empty unique (never coalesced, §4.2) MUST both survive a restart, each with its own payload.',
    level: 'MUST',
    description: 'Two SUBMIT_JOB_BG with an empty unique and different payloads; restart; take everything back.',
    outcomes: RESTART_OUTCOMES('both jobs, once each, with an empty unique'),
    requires: ['GRAB_JOB_UNIQ'],
    restartsServer: true,
    budgetReads: 14,
    async run(ctx) {
      return verdictOf(await survives(ctx, [job('the first empty-unique job', '', 'one'), job('the second empty-unique job', '', 'two')]));
    },
  },
  {
    id: 'binary/durability/binary-bytes-survive',
    section: '4.17',
    requirement: 'A unique of TAB, quotes, backslash, percent and non-ASCII bytes, and a payload with NUL, CR, LF and high bytes, MUST survive a restart byte for byte.',
    level: 'MUST',
    description: 'SUBMIT_JOB_BG with such a unique and payload; restart; take it back.',
    outcomes: RESTART_OUTCOMES('the job, once, byte-exact'),
    requires: ['GRAB_JOB_UNIQ'],
    restartsServer: true,
    budgetReads: 12,
    async run(ctx) {
      return verdictOf(await survives(ctx, [job('the binary job', Buffer.concat([Buffer.from(ctx.uniq('b')), BINARY_UNIQUE]), BINARY_PAYLOAD)]));
    },
  },
  {
    id: 'binary/durability/case-distinct-uniques-survive',
    section: '4.17',
    requirement:
      'Uniques are compared byte for byte (§4.2): background jobs of one function whose uniques differ only in letter case or in a trailing space are different jobs, and each MUST be queued and survive a restart.',
    level: 'MUST',
    description: 'Three SUBMIT_JOB_BG of one function with uniques `…-Job`, `…-job` and `…-job ` (trailing space) and different payloads; restart; take everything back.',
    outcomes: RESTART_OUTCOMES('the three jobs, once each, each with its own unique and payload'),
    requires: ['GRAB_JOB_UNIQ'],
    restartsServer: true,
    budgetReads: 16,
    async run(ctx) {
      const base = ctx.uniq('k');
      const jobs = [job('the `-Job` job', `${base}-Job`, 'upper'), job('the `-job` job', `${base}-job`, 'lower'), job('the `-job ` job', `${base}-job `, 'trailing space')];
      return verdictOf(await survives(ctx, jobs));
    },
  },
  {
    id: 'binary/durability/empty-payload-survives',
    section: '4.17',
    requirement: 'A background job with an empty payload MUST survive a restart, and MUST NOT keep the server from starting again.',
    level: 'MUST',
    description: 'SUBMIT_JOB_BG with an empty payload, and one with a payload; restart; take everything back.',
    outcomes: RESTART_OUTCOMES('both jobs, once each'),
    requires: ['GRAB_JOB_UNIQ'],
    restartsServer: true,
    budgetReads: 14,
    async run(ctx) {
      return verdictOf(await survives(ctx, [job('the empty-payload job', ctx.uniq('empty'), ''), job('the job beside it', ctx.uniq('beside'), 'beside')]));
    },
  },
  {
    id: 'binary/durability/large-payload-survives',
    section: '4.17',
    requirement: 'A background job with a 1 MiB payload MUST survive a restart byte for byte.',
    level: 'MUST',
    description: 'SUBMIT_JOB_BG with 1 MiB of pseudo-random bytes; restart; take it back.',
    outcomes: RESTART_OUTCOMES('the job, once, all 1,048,576 bytes equal'),
    requires: ['GRAB_JOB_UNIQ'],
    restartsServer: true,
    budgetReads: 12,
    async run(ctx) {
      const data = Buffer.alloc(1 << 20);
      for (let i = 0, x = 0x9e3779b9; i < data.length; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        data[i] = x >>> 24;
      }
      return verdictOf(await survives(ctx, [job('the 1 MiB job', ctx.uniq('big'), data)]));
    },
  },
  {
    id: 'binary/durability/priorities-survive-restart',
    section: '4.17',
    requirement: 'Jobs SHOULD keep their priority across a restart: `prioritystatus` counts them under it, and they are handed out HIGH before NORMAL before LOW, whatever order they were queued in.',
    level: 'SHOULD',
    description: 'SUBMIT_JOB_LOW_BG, SUBMIT_JOB_BG, SUBMIT_JOB_HIGH_BG (in that order); restart; `prioritystatus`; take everything back.',
    outcomes: RESTART_OUTCOMES('a row "1 1 1" for high, normal, low, then the jobs handed out HIGH, NORMAL, LOW'),
    requires: ['GRAB_JOB_UNIQ', 'SUBMIT_JOB_HIGH_BG', 'SUBMIT_JOB_LOW_BG', 'admin:prioritystatus'],
    restartsServer: true,
    budgetReads: 18,
    async run(ctx) {
      const fn = ctx.fn();
      const jobs = [
        job('the LOW job', ctx.uniq('low'), 'low', T.SUBMIT_JOB_LOW_BG),
        job('the NORMAL job', ctx.uniq('normal'), 'normal'),
        job('the HIGH job', ctx.uniq('high'), 'high', T.SUBMIT_JOB_HIGH_BG),
      ];
      const c = await ctx.connect('client');
      await queueAll(c, fn, jobs);
      await ctx.restartServer!();
      // Counted before any worker asks: the grab order alone could match by chance.
      const row = parsePriorityStatusRows(await adminOn(ctx, 'prioritystatus')).find((r) => r.function === fn);
      const r = judge(jobs, await takeAll(ctx, fn, jobs.length + 2));
      if (!Array.isArray(r)) return r;
      check(
        row !== undefined && row.high === 1 && row.normal === 1 && row.low === 1,
        `prioritystatus row ${fn} with 1 high, 1 normal, 1 low`,
        row ? `high ${row.high}, normal ${row.normal}, low ${row.low}` : 'no row',
      );
      const order = r.map((g) => g.data.toString('latin1'));
      check(order.join(',') === 'high,normal,low', 'handed out HIGH, NORMAL, LOW', `handed out ${order.map((o) => o.toUpperCase()).join(', ')}`);
      return pass();
    },
  },
  {
    id: 'binary/durability/finished-jobs-not-replayed',
    section: '4.17',
    requirement: 'A background job that completed or failed before a restart MUST NOT come back after it; a job still queued MUST.',
    level: 'MUST',
    description: 'Three SUBMIT_JOB_BG; a worker completes the first and fails the second (ECHO confirms both were read); restart; take everything back.',
    outcomes: RESTART_OUTCOMES('only the third job'),
    requires: ['GRAB_JOB_UNIQ'],
    restartsServer: true,
    budgetReads: 20,
    async run(ctx) {
      const fn = ctx.fn();
      const [done, failed, queued] = [job('the completed job', ctx.uniq('done'), 'done'), job('the failed job', ctx.uniq('failed'), 'failed'), job('the queued job', ctx.uniq('queued'), 'queued')];
      const c = await ctx.connect('client');
      await queueAll(c, fn, [done, failed, queued]);
      const w = await worker(ctx, 'worker', [fn]);
      for (const [end, type] of [
        [done, T.WORK_COMPLETE],
        [failed, T.WORK_FAIL],
      ] as const) {
        const a = await grab(w, T.GRAB_JOB_UNIQ, [T.JOB_ASSIGN_UNIQ]);
        check(a.args[2]?.equals(end.unique) === true, `${end.label} handed out first (FIFO)`, `unique ${shown(a.args[2] ?? Buffer.alloc(0))}`);
        if (type === T.WORK_COMPLETE) w.send(type, text(a.args[0]), 'result');
        else w.send(type, text(a.args[0]));
      }
      await sync(w, 'ECHO_RES after WORK_COMPLETE and WORK_FAIL: the server has read both');
      await ctx.restartServer!();
      return verdictOf(judge([queued], await takeAll(ctx, fn, 4), [done, failed]));
    },
  },
  {
    id: 'binary/durability/quoted-unique-not-replayed',
    section: '4.17',
    requirement: "A background job whose unique holds a quote (`'`) and that completed before a restart MUST NOT come back after it.",
    level: 'MUST',
    description: 'SUBMIT_JOB_BG with unique "it\'s-…" and a plain one; a worker completes the first (ECHO confirms); restart; take everything back.',
    outcomes: RESTART_OUTCOMES('only the plain job'),
    requires: ['GRAB_JOB_UNIQ'],
    restartsServer: true,
    budgetReads: 16,
    async run(ctx) {
      return verdictOf(await finishThenRestart(ctx, job('the completed job with a quoted unique', ctx.uniq("it's"), 'quoted'), job('the queued job', ctx.uniq('queued'), 'queued')));
    },
  },
  {
    id: 'binary/durability/finishing-keeps-other-jobs',
    section: '4.17',
    requirement: 'Finishing a background job MUST remove that job only from the queue, whatever its unique holds: the other jobs of its function still come back after a restart.',
    level: 'MUST',
    description:
      "SUBMIT_JOB_BG with the unique \"x' OR 'a'='a\" (how SQL would read it if pasted into a query) and a plain one; a worker completes the first (ECHO confirms); restart; take everything back.",
    outcomes: RESTART_OUTCOMES('only the plain job'),
    requires: ['GRAB_JOB_UNIQ'],
    restartsServer: true,
    budgetReads: 16,
    async run(ctx) {
      return verdictOf(
        await finishThenRestart(
          ctx,
          job('the completed job with an SQL-like unique', Buffer.from(`${ctx.uniq('x')}' OR 'a'='a`, 'latin1'), 'sql-like'),
          job('the queued job', ctx.uniq('queued'), 'queued'),
        ),
      );
    },
  },
  {
    id: 'binary/durability/running-job-survives-restart',
    section: '4.17',
    requirement: 'A background job a worker held, unfinished, when the server restarted SHOULD come back after the restart.',
    level: 'SHOULD',
    description: 'SUBMIT_JOB_BG; a worker takes it and sends nothing more; restart; take everything back.',
    outcomes: RESTART_OUTCOMES('the job, once, byte-exact'),
    requires: ['GRAB_JOB_UNIQ'],
    restartsServer: true,
    budgetReads: 12,
    async run(ctx) {
      const fn = ctx.fn();
      const held = job('the job held by a worker', ctx.uniq('held'), 'held');
      const c = await ctx.connect('client');
      await queueAll(c, fn, [held]);
      const w = await worker(ctx, 'worker', [fn]);
      await grab(w, T.GRAB_JOB_UNIQ, [T.JOB_ASSIGN_UNIQ]);
      await ctx.restartServer!();
      return verdictOf(judge([held], await takeAll(ctx, fn, 3)));
    },
  },
  {
    id: 'binary/durability/epoch-job-survives-restart',
    section: '4.17',
    requirement: 'A SUBMIT_JOB_EPOCH job queued before a restart SHOULD still be handed out once it is due after the restart, and not before (its time survives too).',
    level: 'SHOULD',
    description:
      'SUBMIT_JOB_EPOCH(f, unique, now+5, payload); restart; a worker polls with GRAB_JOB_UNIQ every 250 ms until the job comes or it is a second and a read deadline overdue. Handed out more than a second before its time is a failure (the restart must take under 4 s for that to show).',
    outcomes: RESTART_OUTCOMES('JOB_ASSIGN_UNIQ with the unique and payload, once due and not a second earlier'),
    requires: ['GRAB_JOB_UNIQ', 'SUBMIT_JOB_EPOCH'],
    restartsServer: true,
    budgetReads: 16,
    extraMs: 7000,
    async run(ctx) {
      const fn = ctx.fn();
      const later = job('the epoch job', ctx.uniq('epoch'), 'epoch');
      const c = await ctx.connect('client');
      // Five seconds ahead: a restart that forgets the time makes the job runnable at once, and
      // that shows only while the restart and the first grab take less than the margin.
      const due = Math.floor(Date.now() / 1000) + 5;
      c.send(T.SUBMIT_JOB_EPOCH, fn, later.unique, String(due), later.data);
      await c.expectOrUnsupported(T.JOB_CREATED, 'SUBMIT_JOB_EPOCH');
      await ctx.restartServer!();
      const w = await worker(ctx, 'worker-after-restart', [fn]);
      // It polls instead of sleeping: whether a due epoch job wakes a sleeper is §4.11's question
      // (binary/epoch/wakes-sleeper-when-due), not this one. Until due, plus a second of epoch
      // resolution, plus a read deadline.
      const until = (due + 1) * 1000 + ctx.timeoutMs;
      const got: Assigned[] = [];
      for (let round = 0; round < 40; round++) {
        w.send(T.GRAB_JOB_UNIQ);
        const p = await w.expect([T.JOB_ASSIGN_UNIQ, T.NO_JOB], { skip: [T.NOOP], expected: ['JOB_ASSIGN_UNIQ or NO_JOB for GRAB_JOB_UNIQ'] });
        if (p.type === T.JOB_ASSIGN_UNIQ) {
          const at = Date.now();
          // Epoch times have a one-second resolution: earlier than a second before due is early.
          check(at >= (due - 1) * 1000, `the job handed out at its time (epoch ${due}) or later`, `handed out ${((due * 1000 - at) / 1000).toFixed(1)} s before its time`);
          got.push({ handle: text(p.args[0]), unique: p.args[2] ?? Buffer.alloc(0), data: p.args[3] ?? Buffer.alloc(0) });
          w.send(T.WORK_COMPLETE, text(p.args[0]), '');
          break;
        }
        if (Date.now() >= until) break;
        await ctx.sleep(Math.min(250, until - Date.now()));
      }
      return verdictOf(judge([later], got));
    },
  },
];
