/**
 * spec §3.2/§3.3 `status` and `workers`: `status` rows are function TAB total TAB running TAB
 * available workers, then a `.` line; `workers` has one line per connection,
 * `<fd> <peer-ip> <client-id> :` followed by its functions. spec §5 row 31: which functions
 * `status` lists differs.
 */
import { T } from '../../../../src/protocol/constants.js';
import { parseWorkersRows } from '../../../../src/protocol/admin.js';
import { alternative, type CaseDef, informational, pass } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import { adminOn, grab, statusRow, submit, sync, text, worker, workerWithId } from '../../../../src/runner/steps.js';

/** How long the silent worker stays silent before `status` is read again. */
const SILENT_MS = 1000;

export const cases: readonly CaseDef[] = [
  {
    id: 'admin/status/row-format',
    section: '3.2',
    requirement: '`status` MUST list "function TAB total TAB running TAB workers" rows and end with a "." line.',
    level: 'MUST',
    description: 'One worker CAN_DO f; two background jobs for f; one grabbed; then `status`.',
    outcomes: [{ outcome: 'pass', when: 'a row "f\\t2\\t1\\t1"' }],
    async run(ctx) {
      const fn = ctx.fn();
      const c = await ctx.connect('client');
      await submit(c, T.SUBMIT_JOB_BG, fn, '', 'a');
      await submit(c, T.SUBMIT_JOB_BG, fn, '', 'b');
      await grab(await worker(ctx, 'worker', [fn]));
      const lines = await adminOn(ctx, 'status');
      const row = lines.find((l) => l.startsWith(`${fn}\t`));
      check(row === `${fn}\t2\t1\t1`, `${fn}\\t2\\t1\\t1`, row === undefined ? 'no row' : JSON.stringify(row));
      return pass();
    },
  },
  {
    id: 'admin/status/all-lines-tabbed',
    section: '3.2',
    requirement: 'Every `status` row MUST have four TAB-separated fields, the last three decimal.',
    level: 'MUST',
    description: 'A job and a worker exist; `status`; each row is parsed.',
    outcomes: [{ outcome: 'pass', when: 'every row parses' }],
    async run(ctx) {
      const fn = ctx.fn();
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'x');
      const lines = await adminOn(ctx, 'status');
      const bad = lines.filter((l) => !/^[^\t]*\t\d+\t\d+\t\d+$/.test(l));
      check(bad.length === 0, 'every row "name\\tN\\tN\\tN"', JSON.stringify(bad.slice(0, 3)));
      check(
        lines.some((l) => l.startsWith(`${fn}\t`)),
        `a row for ${fn}`,
        `${lines.length} rows without it`,
      );
      return pass(`${lines.length} rows`);
    },
  },
  {
    id: 'admin/status/listing-of-idle-functions',
    section: '3.2',
    requirement: 'Which functions `status` lists is a named alternative: every function ever seen, or only those with workers or jobs.',
    level: 'MUST',
    description: 'A worker sends CAN_DO f, then CANT_DO f; `status`.',
    outcomes: [
      { outcome: 'pass-alternative', alternative: 'status-listing', choice: 'all-seen', when: 'a row "f\\t0\\t0\\t0"' },
      { outcome: 'pass-alternative', alternative: 'status-listing', choice: 'active-only', when: 'no row for f' },
    ],
    async run(ctx) {
      const fn = ctx.fn();
      const w = await worker(ctx, 'worker', [fn]);
      w.send(T.CANT_DO, fn);
      await sync(w);
      const row = await statusRow(await ctx.connect('admin'), fn);
      if (!row) return alternative('status-listing', 'active-only');
      if (row.total === 0 && row.running === 0 && row.workers === 0) return alternative('status-listing', 'all-seen');
      return fail(['no row', 'a 0/0/0 row'], JSON.stringify(row));
    },
  },
  {
    id: 'admin/status/worker-count-drops-on-disconnect',
    section: '3.2',
    requirement: 'When a worker disconnects, `status` MUST stop counting it.',
    level: 'MUST',
    description: 'Worker CAN_DO f and a job keeps f listed; the worker closes; `status`.',
    outcomes: [{ outcome: 'pass', when: 'worker count 1, then 0' }],
    async run(ctx) {
      const fn = ctx.fn();
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'x');
      const w = await worker(ctx, 'worker', [fn]);
      await sync(w);
      const admin = await ctx.connect('admin');
      const before = await statusRow(admin, fn);
      check(before?.workers === 1, 'worker count 1', JSON.stringify(before));
      w.close();
      await ctx.sleep(100);
      const after = await statusRow(admin, fn);
      check(after?.workers === 0, 'worker count 0 after the disconnect', JSON.stringify(after));
      return pass();
    },
  },
  {
    id: 'admin/status/silent-worker-still-listed',
    section: '4.7',
    requirement:
      'Whether a server notices a worker that holds a job and then goes silent (no packets, no FIN, no RST) is up to its liveness checks; nothing in the protocol detects it. Recorded only.',
    level: 'INFO',
    description: `A worker grabs a background job, then neither reads, writes nor closes for ${SILENT_MS} ms; \`status\` is read before and after; then the worker closes.`,
    outcomes: [{ outcome: 'informational', when: 'whether the function still counts the silent worker and its job as running is recorded' }],
    async run(ctx) {
      const fn = ctx.fn();
      await submit(await ctx.connect('client'), T.SUBMIT_JOB_BG, fn, '', 'silent');
      const w = await worker(ctx, 'worker', [fn]);
      const job = await grab(w);
      const admin = await ctx.connect('admin');
      const before = await statusRow(admin, fn);
      check(before?.running === 1 && before.workers === 1, 'the grabbed job running and its worker counted', JSON.stringify(before));
      await ctx.sleep(SILENT_MS);
      const after = await statusRow(admin, fn);
      // Finish the job before closing, so no background job is left queued for later cases (a
      // server that dropped the silent worker has requeued it already: cleanup only, not judged).
      w.send(T.WORK_COMPLETE, text(job.args[0]), '');
      await sync(w).catch(() => undefined);
      w.close();
      const still = after?.running === 1 && after.workers === 1;
      return informational(`after ${SILENT_MS} ms of silence: ${still ? 'still listed with its job running' : 'no longer listed as before'} (status ${JSON.stringify(after)})`);
    },
  },
  {
    id: 'admin/status/function-name-with-tab',
    section: '3.2',
    requirement: 'A `status` row MUST stay four TAB-separated fields when the function name contains a TAB: the server SHOULD print such a name escaped (or refuse it on the binary protocol).',
    level: 'SHOULD',
    description: 'A background job for "f<TAB>x" and a worker CAN_DO "f<TAB>x"; `status`; the rows of that function must each have four fields with numeric counts.',
    outcomes: [
      { outcome: 'pass', when: "the function's row has four fields (the name escaped)" },
      { outcome: 'pass', when: 'the server answers the submit with ERROR (the name refused) and lists no row for it' },
    ],
    async run(ctx) {
      const base = ctx.fn();
      const fn = `${base}\tx`;
      const c = await ctx.connect('client');
      c.send(T.SUBMIT_JOB_BG, fn, '', 'tab');
      const reply = await c.expect([T.JOB_CREATED, T.ERROR], { expected: [`JOB_CREATED or ERROR for SUBMIT_JOB_BG of a name with a TAB`] });
      const w = await worker(ctx, 'worker', [fn]);
      await sync(w);
      const rows = (await adminOn(ctx, 'status')).filter((l) => l.startsWith(base));
      if (reply.type === T.ERROR) {
        check(rows.length === 0, 'no `status` row for a name the server refused', JSON.stringify(rows));
        return pass();
      }
      // The job is done before judging: a queued TAB name would break later listings (`jobs`) too.
      w.send(T.WORK_COMPLETE, text((await grab(w)).args[0]), '');
      await sync(w);
      check(rows.length > 0, `a \`status\` row for ${JSON.stringify(fn)} (its job was created)`, 'no row');
      const bad = rows.filter((r) => {
        const fields = r.split('\t');
        return fields.length !== 4 || !fields.slice(1).every((f) => /^\d+$/.test(f));
      });
      check(bad.length === 0, 'every row of the function: four TAB-separated fields, the last three numbers', bad.map((r) => JSON.stringify(r)).join(', '));
      return pass();
    },
  },
  {
    id: 'admin/workers/row-format',
    section: '3.2',
    requirement: '`workers` MUST list "<fd> <ip> <client-id> : <functions>" per connection and end with ".".',
    level: 'MUST',
    description: 'A worker sets an id and CAN_DO fA, fB; `workers`.',
    outcomes: [{ outcome: 'pass', when: 'a row with ip 127.0.0.1, the id, and both functions' }],
    async run(ctx) {
      const id = ctx.uniq('w');
      const [fa, fb] = [ctx.fn('a'), ctx.fn('b')];
      await workerWithId(ctx, id, [fa, fb]);
      const lines = await adminOn(ctx, 'workers');
      const row = parseWorkersRows(lines).find((r) => r.clientId === id);
      check(row !== undefined, `a row for client id ${id}`, JSON.stringify(lines.slice(0, 5)));
      check(/^\d+$/.test(row.fd) && row.ip === '127.0.0.1', 'numeric fd and ip 127.0.0.1', `${row.fd} ${row.ip}`);
      check(row.functions.includes(fa) && row.functions.includes(fb), `functions ${fa} ${fb}`, row.functions.join(' '));
      return pass();
    },
  },
  {
    id: 'admin/workers/lists-plain-connections',
    section: '3.2',
    requirement: '`workers` lists every connection, clients and admin included, with "-" as the default id (both servers).',
    level: 'SHOULD',
    description: 'An idle connection stays open; `workers` from a second one.',
    outcomes: [{ outcome: 'pass', when: 'at least two rows, some with id "-"' }],
    async run(ctx) {
      const idle = await ctx.connect('idle');
      await sync(idle);
      const rows = parseWorkersRows(await adminOn(ctx, 'workers'));
      check(rows.length >= 2 && rows.some((r) => r.clientId === '-'), 'two or more rows, one with id "-"', `${rows.length} rows: ${rows.map((r) => r.clientId).join(' ')}`);
      return pass(`${rows.length} rows`);
    },
  },
];
