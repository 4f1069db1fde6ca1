/**
 * Client cases, spec §4.10 (WORK_* relayed to the client): the client reports each relayed
 * packet of its job — WORK_COMPLETE, WORK_DATA, WORK_WARNING, WORK_STATUS — with the exact bytes
 * the server sent, in the order it sent them (interop-bugs #3, #4).
 */
import { T } from '../../../../src/protocol/constants.js';
import { res } from '../../../../src/protocol/packet.js';
import { unb64 } from '../../../../src/peers/drivers/index.js';
import { pass } from '../../../../src/runner/case-def.js';
import { check, fail } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { clientSubmits, expectComplete, handleFor, hex, sameBytes } from '../../flows.js';
import { describeEnd, expectEnd } from '../../flows-client.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));

/** Submit, answer JOB_CREATED then WORK_COMPLETE(h, data), expect exactly `data` back. */
const completeWith =
  (data: Buffer): LibraryCaseDef['run'] =>
  async (ctx) => {
    const job = await clientSubmits(ctx);
    const h = handleFor(ctx);
    job.conn.send(T.JOB_CREATED, h);
    job.conn.send(T.WORK_COMPLETE, h, data);
    await expectComplete(job, data);
    return pass();
  };

/** The kind-tagged payloads of a job's relay events, in arrival order. */
const relayed = (events: readonly { event: string; payload?: string; numerator?: string; denominator?: string }[]): string[] =>
  events.flatMap((e) => {
    switch (e.event) {
      case 'data':
      case 'warning':
      case 'complete':
        return [`${e.event}:${unb64(e.payload ?? '').toString('hex')}`];
      case 'status':
        return [`status:${e.numerator}/${e.denominator}`];
      default:
        return [];
    }
  });

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'client/results/complete-nul-laden',
    role: 'client',
    section: '4.10',
    level: 'MUST',
    requirement: 'A client MUST report a WORK_COMPLETE result that begins, contains and ends with NUL bytes exactly, not cut at the first NUL.',
    description: 'JOB_CREATED, then WORK_COMPLETE whose data is "\\0lead\\0\\0mid\\0trail\\0".',
    outcomes: [{ outcome: 'pass', when: 'the client reports completion with the exact 18 bytes' }],
    run: completeWith(Buffer.from('\0lead\0\0mid\0trail\0', 'latin1')),
  },
  {
    id: 'client/results/complete-empty',
    role: 'client',
    section: '4.10',
    level: 'MUST',
    requirement: 'A client MUST report a WORK_COMPLETE with an empty data part (body "handle\\0") as a completion with an empty result.',
    description: 'JOB_CREATED, then WORK_COMPLETE(handle, "").',
    outcomes: [{ outcome: 'pass', when: 'the client reports completion with an empty result' }],
    run: completeWith(Buffer.alloc(0)),
  },
  {
    id: 'client/results/complete-all-byte-values',
    role: 'client',
    section: '4.10',
    level: 'MUST',
    requirement: 'A client MUST report a binary WORK_COMPLETE result holding every byte value 0x00-0xFF unchanged (no text decoding).',
    description: 'JOB_CREATED, then WORK_COMPLETE whose data is bytes 0x00..0xFF twice (512 bytes).',
    outcomes: [{ outcome: 'pass', when: 'the client reports completion with the exact 512 bytes' }],
    run: completeWith(ALL_BYTES),
  },
  {
    id: 'client/results/data-several-in-order',
    role: 'client',
    section: '4.10',
    level: 'MUST',
    requirement: 'A client MUST report every WORK_DATA of its job, in the order sent and with exact bytes, before the WORK_COMPLETE.',
    description: 'JOB_CREATED, three WORK_DATA ("chunk-1", "\\0chunk\\0two\\0", "chunk-3 é"), then WORK_COMPLETE "done".',
    outcomes: [{ outcome: 'pass', when: 'three data events in order with exact bytes, then completion' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      const chunks = [Buffer.from('chunk-1'), Buffer.from('\0chunk\0two\0', 'latin1'), Buffer.from('chunk-3 é', 'utf8')];
      await job.conn.split([res(T.JOB_CREATED, h), ...chunks.map((c) => res(T.WORK_DATA, h, c)), res(T.WORK_COMPLETE, h, 'done')], [], 0);
      await expectComplete(job, Buffer.from('done'));
      const got = job.driver.eventsFor(job.id).filter((e) => e.event === 'data');
      check(got.length === chunks.length, `${chunks.length} data events`, `${got.length}: ${relayed(job.driver.eventsFor(job.id)).join(', ')}`);
      for (const [i, c] of chunks.entries()) {
        const e = got[i]!;
        const bytes = e.event === 'data' ? unb64(e.payload) : Buffer.alloc(0);
        check(sameBytes(bytes, c), `data event ${i + 1} carries ${hex(c)}`, `it carries ${hex(bytes)}`);
      }
      return pass();
    },
  },
  {
    id: 'client/results/warning-relayed',
    role: 'client',
    section: '4.10',
    level: 'MUST',
    requirement: "A client MUST report each WORK_WARNING of its job with exact bytes and go on waiting for the job's end.",
    description: 'JOB_CREATED, WORK_WARNING "careful\\0one", WORK_WARNING "two", then WORK_COMPLETE "done".',
    outcomes: [{ outcome: 'pass', when: 'two warning events with exact bytes, then completion' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      const warnings = [Buffer.from('careful\0one', 'latin1'), Buffer.from('two')];
      job.conn.send(T.JOB_CREATED, h);
      for (const w of warnings) job.conn.send(T.WORK_WARNING, h, w);
      job.conn.send(T.WORK_COMPLETE, h, 'done');
      await expectComplete(job, Buffer.from('done'));
      const got = job.driver.eventsFor(job.id).flatMap((e) => (e.event === 'warning' ? [unb64(e.payload)] : []));
      check(
        got.length === 2 && sameBytes(got[0]!, warnings[0]!) && sameBytes(got[1]!, warnings[1]!),
        `warnings ${warnings.map(hex).join(', ')}`,
        () => `${got.map(hex).join(', ') || 'no warning events'}`,
      );
      return pass();
    },
  },
  {
    id: 'client/results/status-relayed',
    role: 'client',
    section: '4.10',
    level: 'MUST',
    requirement: 'A client MUST report each WORK_STATUS of its job with the numerator and denominator the server sent.',
    description: 'JOB_CREATED, WORK_STATUS 1/3, WORK_STATUS 2/3, then WORK_COMPLETE "done".',
    outcomes: [{ outcome: 'pass', when: 'status events 1/3 and 2/3, then completion' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      job.conn.send(T.WORK_STATUS, h, '1', '3');
      job.conn.send(T.WORK_STATUS, h, '2', '3');
      job.conn.send(T.WORK_COMPLETE, h, 'done');
      await expectComplete(job, Buffer.from('done'));
      const got = job.driver.eventsFor(job.id).flatMap((e) => (e.event === 'status' ? [`${e.numerator}/${e.denominator}`] : []));
      check(got.join(',') === '1/3,2/3', 'status events 1/3, 2/3', got.join(', ') || 'no status events');
      return pass();
    },
  },
  {
    id: 'client/results/status-large-numbers',
    role: 'client',
    section: '4.10',
    level: 'SHOULD',
    requirement: 'A client SHOULD report WORK_STATUS numerator and denominator as the decimal strings sent, even beyond 32 bits (the protocol gives no range).',
    description: 'JOB_CREATED, WORK_STATUS "4294967296"/"1099511627776" (2^32, 2^40), then WORK_COMPLETE "done".',
    outcomes: [{ outcome: 'pass', when: 'the status event carries 4294967296/1099511627776' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      job.conn.send(T.WORK_STATUS, h, '4294967296', '1099511627776');
      job.conn.send(T.WORK_COMPLETE, h, 'done');
      await expectComplete(job, Buffer.from('done'));
      const got = job.driver.eventsFor(job.id).flatMap((e) => (e.event === 'status' ? [`${e.numerator}/${e.denominator}`] : []));
      check(got.join(',') === '4294967296/1099511627776', 'one status event 4294967296/1099511627776', got.join(', ') || 'no status event');
      return pass();
    },
  },
  {
    id: 'client/results/mixed-events-in-order',
    role: 'client',
    section: '4.10',
    level: 'MUST',
    requirement: "A client MUST report a job's WORK_DATA, WORK_WARNING and WORK_STATUS in the order the server sent them, all before the completion.",
    description: 'One write: JOB_CREATED, WORK_DATA "a", WORK_WARNING "w", WORK_STATUS 1/2, WORK_DATA "b", WORK_COMPLETE "done".',
    outcomes: [{ outcome: 'pass', when: 'data a, warning w, status 1/2, data b, complete done — in that order' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      await job.conn.split(
        [res(T.JOB_CREATED, h), res(T.WORK_DATA, h, 'a'), res(T.WORK_WARNING, h, 'w'), res(T.WORK_STATUS, h, '1', '2'), res(T.WORK_DATA, h, 'b'), res(T.WORK_COMPLETE, h, 'done')],
        [],
      );
      const end = await expectEnd(job.driver, job.id, "the client reports the job's completion");
      if (end.event !== 'complete') fail('the client reports completion', `the job ended with ${describeEnd(end)}`);
      const want = ['data:61', 'warning:77', 'status:1/2', 'data:62', `complete:${Buffer.from('done').toString('hex')}`];
      const got = relayed(job.driver.eventsFor(job.id));
      check(got.join(' ') === want.join(' '), `events ${want.join(', ')}`, got.join(', '));
      return pass();
    },
  },
];
