/**
 * spec §4.15 SET_CLIENT_ID: gearmand keeps the id as sent, spaces included, Perl removes all
 * whitespace, and neither replies; spec §3.2 `workers`: `<fd> <peer-ip> <client-id> :` then the
 * functions.
 */
import { parseWorkersRows } from '../../../../src/protocol/admin.js';
import { type CaseDef, informational, pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import { adminOn, workerWithId } from '../../../../src/runner/steps.js';

export const cases: readonly CaseDef[] = [
  {
    id: 'binary/client-id/shown-by-workers',
    section: '4.15',
    requirement: 'SET_CLIENT_ID gets no reply and the id MUST appear in the admin workers line of that connection, with its functions.',
    level: 'SHOULD',
    description: 'Worker sends SET_CLIENT_ID "<private-id>" and CAN_DO f; admin workers.',
    outcomes: [{ outcome: 'pass', when: 'a workers row with that id and function f' }],
    async run(ctx) {
      const fn = ctx.fn();
      const id = ctx.uniq('id');
      await workerWithId(ctx, id, [fn], 'ECHO_RES only (SET_CLIENT_ID and CAN_DO have no reply)');
      const rows = parseWorkersRows(await adminOn(ctx, 'workers'));
      const row = rows.find((r) => r.clientId === id);
      check(row !== undefined, `a workers row with client id ${id}`, `${rows.length} rows, ids ${rows.map((r) => r.clientId).join(' ')}`);
      check(row.functions.includes(fn), `function ${fn} on that row`, row.functions.join(' '));
      check(row.ip === '127.0.0.1', 'peer ip 127.0.0.1', row.ip);
      return pass();
    },
  },
  {
    id: 'binary/client-id/with-spaces',
    section: '4.15',
    requirement: 'How a client id with spaces is shown differs (gearmand verbatim, Perl whitespace removed). Recorded only.',
    level: 'INFO',
    description: 'SET_CLIENT_ID "<id> with spaces", then admin workers.',
    outcomes: [{ outcome: 'informational', when: 'the row as shown is recorded' }],
    async run(ctx) {
      const id = ctx.uniq('sp');
      const fn = ctx.fn('sp');
      await workerWithId(ctx, `${id} with spaces`, [fn]);
      const lines = await adminOn(ctx, 'workers');
      const line = lines.find((l) => l.includes(fn));
      return informational(line ? `row ${JSON.stringify(line)}` : 'no row with the function');
    },
  },
];
