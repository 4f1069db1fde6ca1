/**
 * spec §3.2 (gearmand), §3.3 (Perl), §3.4 divergences: version, getpid, verbose,
 * prioritystatus, show jobs, show unique jobs, cancel job, create/drop function; and the
 * Perl-only jobs, clients, gladiator. `shutdown` is never sent: it stops the server under test.
 */
import { T } from '../../../../src/protocol/constants.js';
import { parseErrLine, parsePriorityStatusRows, parseShowJobsRows } from '../../../../src/protocol/admin.js';
import { alternative, type CaseDef, pass } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import { adminOn, statusRow, submit, sync, text } from '../../../../src/runner/steps.js';

/** `command` on a fresh admin connection; its one reply line (read as `what`) must pass `accept`. */
const oneLine = (meta: Omit<CaseDef, 'run'>, command: string, what: string, accept: (line: string) => boolean, expected: string): CaseDef => ({
  ...meta,
  async run(ctx) {
    const c = await ctx.connect('admin');
    c.text(command);
    const l = await c.expectLine(what);
    check(accept(l), expected, JSON.stringify(l));
    return pass(l);
  },
});

export const cases: readonly CaseDef[] = [
  {
    id: 'admin/version/reply',
    section: '3.2',
    requirement: '`version` MUST answer one line with the version; its wording is a named alternative ("OK 1.1.20+ds" vs "v1.130.1").',
    level: 'MUST',
    description: 'Sends "version\\n".',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'version-reply', choice: 'ok-prefixed', when: '"OK <version>"' },
      { outcome: 'pass-alternative', alternative: 'version-reply', choice: 'bare', when: '"<version>" without OK' },
    ],
    async run(ctx) {
      const c = await ctx.connect('admin');
      c.text('version');
      const v = await c.expectLine('version');
      if (/^OK \S+/.test(v)) return alternative('version-reply', 'ok-prefixed', v);
      if (/^v?\d[\w.+-]*$/.test(v)) return alternative('version-reply', 'bare', v);
      return fail(['"OK <version>"', '"<version>"'], JSON.stringify(v));
    },
  },
  oneLine(
    {
      id: 'admin/getpid/reply',
      section: '3.2',
      requirement: '`getpid` MUST answer "OK <pid>".',
      level: 'MUST',
      description: 'Sends "getpid\\n".',
      outcomes: [
        { outcome: 'pass', when: '"OK <digits>"' },
        { outcome: 'unsupported', when: 'ERR unknown command' },
      ],
      requires: ['admin:getpid'],
    },
    'getpid',
    'getpid',
    (l) => /^OK \d+$/.test(l),
    '"OK <pid>"',
  ),
  oneLine(
    {
      id: 'admin/verbose/reply',
      section: '3.2',
      requirement: '`verbose` MUST answer "OK <LEVEL>" with a gearmand log level name.',
      level: 'MUST',
      description: 'Sends "verbose\\n".',
      outcomes: [
        { outcome: 'pass', when: '"OK FATAL|ALERT|CRITICAL|ERROR|WARNING|NOTICE|INFO|DEBUG"' },
        { outcome: 'unsupported', when: 'ERR unknown command' },
      ],
      requires: ['admin:verbose'],
    },
    'verbose',
    'verbose',
    (l) => /^OK (FATAL|ALERT|CRITICAL|ERROR|WARNING|NOTICE|INFO|DEBUG)$/.test(l),
    '"OK <LEVEL>"',
  ),
  {
    id: 'admin/prioritystatus/counts',
    section: '3.2',
    requirement: '`prioritystatus` MUST list "function TAB high TAB normal TAB low TAB workers" counting queued jobs per priority.',
    level: 'MUST',
    description: 'Queues 1 HIGH, 2 NORMAL, 3 LOW background jobs for f (no worker); `prioritystatus`.',
    outcomes: [
      { outcome: 'pass', when: 'row f 1 2 3 0' },
      { outcome: 'unsupported', when: 'ERR unknown command' },
    ],
    requires: ['admin:prioritystatus', 'SUBMIT_JOB_HIGH_BG', 'SUBMIT_JOB_LOW_BG'],
    async run(ctx) {
      const fn = ctx.fn();
      const c = await ctx.connect('client');
      await submit(c, T.SUBMIT_JOB_HIGH_BG, fn, '', 'h');
      for (const d of ['n1', 'n2']) await submit(c, T.SUBMIT_JOB_BG, fn, '', d);
      for (const d of ['l1', 'l2', 'l3']) await submit(c, T.SUBMIT_JOB_LOW_BG, fn, '', d);
      const rows = parsePriorityStatusRows(await adminOn(ctx, 'prioritystatus'));
      const r = rows.find((x) => x.function === fn);
      check(r !== undefined && r.high === 1 && r.normal === 2 && r.low === 3 && r.workers === 0, `${fn} 1 2 3 0`, JSON.stringify(r));
      return pass();
    },
  },
  {
    id: 'admin/show-jobs/row-format',
    section: '3.2',
    requirement: '`show jobs` MUST list "handle TAB retries TAB ignore TAB queued" per job and end with ".".',
    level: 'MUST',
    description: 'Queues a background job; `show jobs`.',
    outcomes: [
      { outcome: 'pass', when: 'a row for the handle with 4 numeric-tailed fields' },
      { outcome: 'unsupported', when: 'ERR unknown command' },
    ],
    requires: ['admin:show-jobs'],
    async run(ctx) {
      const h = await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, ctx.fn(), '', 'x');
      const rows = parseShowJobsRows(await adminOn(ctx, 'show jobs'));
      const r = rows.find((x) => x.handle === h);
      check(r !== undefined && r.retries === 0 && Number.isInteger(r.ignore) && Number.isInteger(r.queued), `row ${h}\\t0\\t<n>\\t<n>`, JSON.stringify(r));
      return pass();
    },
  },
  {
    id: 'admin/show-unique-jobs/lists-unique',
    section: '3.2',
    requirement: '`show unique jobs` MUST list the unique of every job, one per line, ending with ".".',
    level: 'MUST',
    description: 'Queues a job with unique u; `show unique jobs`.',
    outcomes: [
      { outcome: 'pass', when: 'a line equal to u' },
      { outcome: 'unsupported', when: 'ERR unknown command' },
    ],
    requires: ['admin:show-unique-jobs'],
    async run(ctx) {
      const u = ctx.uniq();
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, ctx.fn(), u, 'x');
      const lines = await adminOn(ctx, 'show unique jobs');
      check(lines.includes(u), `a line ${u}`, `${lines.length} lines without it`);
      return pass();
    },
  },
  oneLine(
    {
      id: 'admin/show/bad-argument',
      section: '3.2',
      requirement: '`show` with an unknown argument MUST answer an ERR line.',
      level: 'MUST',
      description: 'Sends "show gearspec nonsense\\n".',
      outcomes: [
        { outcome: 'pass', when: 'ERR UNKNOWN_SHOW_ARGUMENTS (or another ERR)' },
        { outcome: 'unsupported', when: 'show not implemented' },
      ],
      requires: ['admin:show-jobs'],
    },
    'show gearspec nonsense',
    'show nonsense',
    (l) => l.startsWith('ERR '),
    'an ERR line',
  ),
  {
    id: 'admin/cancel-job/known-handle',
    section: '3.2',
    requirement: '`cancel job <handle>` on a queued job MUST answer OK and send WORK_FAIL(handle) to its foreground clients.',
    level: 'MUST',
    description: 'Client submits SUBMIT_JOB; admin "cancel job <handle>".',
    outcomes: [
      { outcome: 'pass', when: 'OK; the client gets WORK_FAIL(handle)' },
      { outcome: 'unsupported', when: 'ERR unknown command' },
    ],
    requires: ['admin:cancel-job'],
    async run(ctx) {
      const c = await ctx.connect('client');
      const h = await submit(c, T.SUBMIT_JOB, ctx.fn(), '', 'x');
      const a = await ctx.connect('admin');
      a.text(`cancel job ${h}`);
      const l = await a.expectLine('cancel job');
      check(l === 'OK', 'OK', JSON.stringify(l));
      const p = await c.expect(T.WORK_FAIL);
      check(text(p.args[0]) === h, `WORK_FAIL(${h})`, JSON.stringify(text(p.args[0])));
      return pass();
    },
  },
  oneLine(
    {
      id: 'admin/cancel-job/unknown-handle',
      section: '3.2',
      requirement: '`cancel job` for an unknown handle MUST answer an ERR line.',
      level: 'MUST',
      description: 'Sends "cancel job H:gearspec:nosuch".',
      outcomes: [
        { outcome: 'pass', when: 'ERR UNKNOWN_JOB' },
        { outcome: 'unsupported', when: 'ERR unknown command' },
      ],
      requires: ['admin:cancel-job'],
    },
    'cancel job H:gearspec:nosuch',
    'cancel job',
    (l) => l.startsWith('ERR '),
    'an ERR line',
  ),
  {
    id: 'admin/create-function/listed',
    section: '3.2',
    requirement: '`create function <name>` MUST answer OK and the function MUST then appear in `status`.',
    level: 'MUST',
    description: 'Sends "create function f\\r\\n" (CRLF: gearmand cuts the last character with a bare LF), then `status`.',
    outcomes: [
      { outcome: 'pass', when: 'OK; a status row f 0 0 0' },
      { outcome: 'unsupported', when: 'ERR unknown command' },
    ],
    requires: ['admin:create-function'],
    async run(ctx) {
      const fn = ctx.fn();
      const c = await ctx.connect('admin');
      c.text(`create function ${fn}`, '\r\n');
      const l = await c.expectLine('create function');
      check(l === 'OK', 'OK', JSON.stringify(l));
      const row = await statusRow(c, fn);
      check(row !== undefined, `a status row for ${fn}`, 'not listed');
      return pass();
    },
  },
  {
    id: 'admin/drop-function/created-then-dropped',
    section: '3.2',
    requirement: '`drop function <name>` of an idle function MUST answer OK and remove it; an unknown name MUST get ERR.',
    level: 'MUST',
    description: 'create function f, drop function f, drop function f again.',
    outcomes: [
      { outcome: 'pass', when: 'OK, OK, then ERR' },
      { outcome: 'unsupported', when: 'ERR unknown command' },
    ],
    requires: ['admin:create-function', 'admin:drop-function'],
    async run(ctx) {
      const fn = ctx.fn();
      const c = await ctx.connect('admin');
      c.text(`create function ${fn}`, '\r\n');
      check((await c.expectLine('create')) === 'OK', 'OK for create', 'other');
      c.text(`drop function ${fn}`, '\r\n');
      const d1 = await c.expectLine('drop');
      check(d1 === 'OK', 'OK for drop', JSON.stringify(d1));
      c.text(`drop function ${fn}`, '\r\n');
      const d2 = await c.expectLine('second drop');
      check(d2.startsWith('ERR'), 'ERR for dropping an unknown function', JSON.stringify(d2));
      return pass();
    },
  },
  {
    id: 'admin/maxqueue/ok',
    section: '3.2',
    requirement: '`maxqueue <function> <n>` MUST answer exactly "OK" (clients such as python-gearman depend on it).',
    level: 'MUST',
    description: 'A job creates f; "maxqueue f 10".',
    outcomes: [{ outcome: 'pass', when: '"OK"' }],
    async run(ctx) {
      const fn = ctx.fn();
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'x');
      const c = await ctx.connect('admin');
      c.text(`maxqueue ${fn} 10`);
      const l = await c.expectLine('maxqueue');
      check(l === 'OK', '"OK"', JSON.stringify(l));
      return pass();
    },
  },
  oneLine(
    {
      id: 'admin/maxqueue/missing-arguments',
      section: '3.2',
      requirement: '`maxqueue` without a function MUST answer an ERR line.',
      level: 'MUST',
      description: 'Sends "maxqueue\\n".',
      outcomes: [{ outcome: 'pass', when: 'ERR INVALID_ARGUMENTS / incomplete_args' }],
    },
    'maxqueue',
    'maxqueue',
    (l) => parseErrLine(l) !== undefined,
    'an ERR line',
  ),
  {
    id: 'admin/maxqueue/full-queue',
    section: '4.12',
    requirement: 'With `maxqueue f 2` and two jobs queued, a third submit is rejected (ERROR) or evicts a queued job (WORK_FAIL to its client): a named alternative. The server MUST answer it.',
    level: 'MUST',
    description: 'A worker registers f (so it exists); "maxqueue f 2"; three SUBMIT_JOB on one client.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'maxqueue-full', choice: 'reject', when: 'JOB_CREATED, JOB_CREATED, ERROR QUEUE_ERROR' },
      { outcome: 'pass-alternative', alternative: 'maxqueue-full', choice: 'evict-newest', when: 'JOB_CREATED, JOB_CREATED, WORK_FAIL(second), JOB_CREATED' },
    ],
    async run(ctx) {
      const fn = ctx.fn();
      const w = await ctx.connect('worker');
      w.send(T.CAN_DO, fn);
      await sync(w);
      const a = await ctx.connect('admin');
      a.text(`maxqueue ${fn} 2`);
      await a.expectLine('maxqueue');
      const c = await ctx.connect('client');
      await submit(c, T.SUBMIT_JOB, fn, '', 'j1');
      const h2 = await submit(c, T.SUBMIT_JOB, fn, '', 'j2');
      c.send(T.SUBMIT_JOB, fn, '', 'j3');
      const p = await c.expect([T.ERROR, T.WORK_FAIL, T.JOB_CREATED]);
      if (p.type === T.ERROR) return alternative('maxqueue-full', 'reject', `ERROR ${text(p.args[0])}`);
      if (p.type === T.WORK_FAIL) {
        check(text(p.args[0]) === h2, `WORK_FAIL for the newest queued job ${h2}`, text(p.args[0]));
        await c.expect(T.JOB_CREATED);
        return alternative('maxqueue-full', 'evict-newest');
      }
      return fail(['ERROR (reject)', 'WORK_FAIL then JOB_CREATED (evict)'], 'JOB_CREATED: the limit was ignored');
    },
  },
  ...(
    [
      ['jobs', 'admin:jobs', '`jobs` (Perl) MUST list "function TAB unique TAB worker TAB listeners" rows ending with "."', /^[^\t]*\t[^\t]*\t[^\t]*\t\d+$/],
      ['clients', 'admin:clients', '`clients` (Perl) MUST list connections and the jobs they listen on, ending with "."', /^(\d+\.\d+\.\d+\.\d+:\d+|\t.*)$/],
      ['gladiator', 'admin:gladiator', '`gladiator` (Perl) MUST answer a list ending with "." (empty without Devel::Gladiator)', /.*/],
    ] as const
  ).map(
    ([cmd, feature, requirement, rowPattern]) =>
      ({
        id: `admin/${cmd}/list`,
        section: '3.3',
        requirement,
        level: 'MUST',
        description: `Queues a foreground job, then sends "${cmd}\\n"; the list must end with "." and the rows naming the job's function (every row, when none names it) must match the format.`,
        outcomes: [
          { outcome: 'pass', when: 'a list whose rows match the format, ending "."' },
          { outcome: 'unsupported', when: 'ERR unknown command (gearmand)' },
        ],
        requires: [feature],
        async run(ctx) {
          const fn = ctx.fn();
          await submit(await ctx.connect('client'), T.SUBMIT_JOB, fn, '', 'x');
          const c = await ctx.connect('admin');
          c.text(cmd);
          const lines: string[] = [];
          for (;;) {
            const l = await c.expectLine(`${cmd} list`);
            if (l === '.') break;
            lines.push(l);
            if (lines.length > 100_000) return fail(['a "." terminator'], 'over 100000 lines');
          }
          // Rows of this case's own job are judged when the command names functions: other jobs on
          // a shared server (a certified one is rarely idle) are not this case's to judge.
          const own = lines.filter((l) => l.startsWith(`${fn}\t`));
          const bad = (own.length > 0 ? own : lines).filter((l) => !rowPattern.test(l));
          check(bad.length === 0, `rows matching ${rowPattern}`, JSON.stringify(bad.slice(0, 3)));
          return pass(`${lines.length} rows`);
        },
      }) satisfies CaseDef,
  ),
];
