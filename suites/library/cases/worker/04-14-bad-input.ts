/**
 * Worker cases, spec §4.14 and §2 (input a worker cannot use): a packet type no table knows
 * (99, with \0RES magic), and a valid reply type a worker never asks for (STATUS_RES), sent while
 * the worker sleeps and followed by NOOP. The worker SHOULD survive: skip the packet (reporting it
 * if it likes) or drop the connection and come back registered — both named alternatives — and
 * then take a job. A worker that dies on it is one malformed server packet away from stopping.
 */
import { T } from '../../../../src/protocol/constants.js';
import { encodePacket } from '../../../../src/protocol/encoder.js';
import { res } from '../../../../src/protocol/packet.js';
import { alternative, type CaseVerdict } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { handleFor } from '../../flows.js';
import { checkComplete, expectJobEvent, rawReply, readyWorker, serveJob, toSleep } from '../../flows-worker.js';

const DATA = Buffer.from('bad-input:\u0000job', 'utf8');

/** Put the worker to sleep, send `bytes` then NOOP in one write, and serve a job (following a reconnect). */
async function survive(ctx: LibraryCaseContext, bytes: Buffer, what: string): Promise<CaseVerdict> {
  const w = await readyWorker(ctx);
  await toSleep(w);
  w.conn.raw(Buffer.concat([bytes, encodePacket(res(T.NOOP))]));
  const h = handleFor(ctx);
  const s = await serveJob(ctx, w, { handle: h, function: w.fn, data: DATA }, { followReconnect: true, reconnectMs: w.conn.timeoutMs * 2 });
  await expectJobEvent(w.driver, h, DATA);
  checkComplete(s.terminal, DATA);
  if (s.reconnects > 0) {
    check(s.conn.abilities.includes(w.fn), `CAN_DO ${JSON.stringify(w.fn)} again on the new connection`, `registered ${JSON.stringify(s.conn.abilities)}`);
  }
  const reported = w.driver.errors();
  const note = `${what}: ${s.reconnects > 0 ? 'the worker dropped the connection and came back' : 'the worker kept its connection'}${reported.length ? `; it reported: ${reported[0]!.slice(0, 120)}` : ''}`;
  return alternative('worker-unexpected-packet', s.reconnects > 0 ? 'reconnect' : 'skip', note);
}

const OUTCOMES = [
  { outcome: 'pass-alternative', alternative: 'worker-unexpected-packet', choice: 'skip', when: 'the worker skips the packet, keeps its connection and completes the job' },
  { outcome: 'pass-alternative', alternative: 'worker-unexpected-packet', choice: 'reconnect', when: 'the worker drops the connection, reconnects, registers again and completes the job' },
] as const;

export const cases: readonly LibraryCaseDef[] = [
  {
    id: 'worker/bad-input/unknown-type',
    role: 'worker',
    section: '4.14',
    level: 'SHOULD',
    requirement: 'A worker that receives a packet of an unknown type (99) SHOULD not crash: it skips it or reconnects, and then takes a job.',
    description: 'Worker asleep; write a \\0RES packet of type 99 with an empty body and a NOOP in one write; serve the next grab (on this or a new connection) with a job; it must complete.',
    outcomes: [...OUTCOMES],
    budgetReads: 10,
    run: (ctx) => survive(ctx, rawReply(99), 'type 99'),
  },
  {
    id: 'worker/bad-input/unexpected-reply-type',
    role: 'worker',
    section: '2',
    level: 'SHOULD',
    requirement: 'A worker that receives a well-formed reply type it never asks for (STATUS_RES) SHOULD not crash: it skips it or reconnects, and then takes a job.',
    description: 'Worker asleep; write STATUS_RES(handle, 1, 0, 0, 0) and a NOOP in one write; serve the next grab (on this or a new connection) with a job; it must complete.',
    outcomes: [...OUTCOMES],
    budgetReads: 10,
    run: (ctx) => survive(ctx, encodePacket(res(T.STATUS_RES, handleFor(ctx, 9), '1', '0', '0', '0')), 'STATUS_RES'),
  },
];
