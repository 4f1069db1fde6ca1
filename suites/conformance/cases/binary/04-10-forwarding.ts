/**
 * spec §4.10 Forwarding of WORK_* packets: WORK_DATA, WORK_WARNING, WORK_STATUS and WORK_COMPLETE
 * reach every foreground listener unchanged (handle, NUL, payload, NULs in the data included); a
 * worker's WORK_FAIL is relayed as the bare handle; only the connection holding the job may report
 * on it; once the job has ended its handle is gone and a repeat gets ERROR.
 */
import { T, packetName } from '../../../../src/protocol/constants.js';
import { joinArgs } from '../../../../src/protocol/encoder.js';
import { alternative, type CaseDef, pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { FeatureName } from '../../../../src/runner/features.js';
import { spellingOutcomes, spellingVerdict } from './error-spelling.js';

/** A WORK_* for a job the connection does not hold (spec §4.13). */
const NOT_OWNER = { gearmand: 'JOB_NOT_FOUND', perl: 'not_worker' } as const;
import { grab, lateResultAnswer, runningJob, submit, text, worker } from '../../../../src/runner/steps.js';

const base = { section: '4.10', level: 'MUST' } as const;
const NUL_DATA = Buffer.from('r\0e\0s', 'latin1');

interface Fwd {
  readonly type: number;
  readonly tag: string;
  readonly args: (h: string) => (string | Buffer)[];
  readonly feature?: FeatureName;
}

const FORWARDED: readonly Fwd[] = [
  { type: T.WORK_DATA, tag: 'work-data', args: (h) => [h, NUL_DATA], feature: 'WORK_DATA' },
  { type: T.WORK_WARNING, tag: 'work-warning', args: (h) => [h, NUL_DATA], feature: 'WORK_WARNING' },
  { type: T.WORK_STATUS, tag: 'work-status', args: (h) => [h, '50', '100'] },
  { type: T.WORK_COMPLETE, tag: 'work-complete', args: (h) => [h, NUL_DATA] },
  { type: T.WORK_COMPLETE, tag: 'work-complete-empty', args: (h) => [h, Buffer.alloc(0)] },
  { type: T.WORK_FAIL, tag: 'work-fail', args: (h) => [h] },
];

const forwardCases: CaseDef[] = FORWARDED.map(
  (f) =>
    ({
      ...base,
      id: `binary/forwarding/${f.tag}`,
      requirement: `${packetName(f.type)} from the worker holding the job MUST reach its foreground client byte-identical (same body, \\0RES magic).`,
      description: `Client submits, worker grabs and sends ${packetName(f.type)}(${f
        .args('H')
        .map((a) => (typeof a === 'string' ? a : `0x${a.toString('hex')}`))
        .join(', ')}).`,
      outcomes: [
        { outcome: 'pass', when: `the client gets ${packetName(f.type)} with the identical body` },
        ...(f.feature ? [{ outcome: 'unsupported' as const, when: `${f.feature} not implemented` }] : []),
      ],
      ...(f.feature ? { requires: [f.feature] } : {}),
      async run(ctx) {
        const j = await runningJob(ctx);
        const args = f.args(j.handle).map((a) => (typeof a === 'string' ? Buffer.from(a) : a));
        j.worker.send(f.type, ...args);
        const p = await j.client.expect(f.type, { skip: [] });
        const want = joinArgs(args);
        const got = joinArgs(p.args);
        check(got.equals(want), `body ${want.toString('hex')}`, `body ${got.toString('hex')}`);
        return pass();
      },
    }) satisfies CaseDef,
);

const UNKNOWN_HANDLE: readonly Fwd[] = [
  { type: T.WORK_STATUS, tag: 'work-status', args: (h) => [h, '1', '2'] },
  { type: T.WORK_COMPLETE, tag: 'work-complete', args: (h) => [h, 'x'] },
  { type: T.WORK_FAIL, tag: 'work-fail', args: (h) => [h] },
  { type: T.WORK_EXCEPTION, tag: 'work-exception', args: (h) => [h, 'x'] },
  { type: T.WORK_DATA, tag: 'work-data', args: (h) => [h, 'x'], feature: 'WORK_DATA' },
  { type: T.WORK_WARNING, tag: 'work-warning', args: (h) => [h, 'x'], feature: 'WORK_WARNING' },
];

const unknownCases: CaseDef[] = UNKNOWN_HANDLE.map(
  (f) =>
    ({
      ...base,
      id: `binary/forwarding/unknown-handle-${f.tag}`,
      requirement: `${packetName(f.type)} for a handle the connection does not hold MUST be answered with ERROR, and the connection MUST stay usable.`,
      description: `Sends ${packetName(f.type)}("H:gearspec:nosuch", ...) then ECHO_REQ.`,
      outcomes: [...spellingOutcomes(NOT_OWNER, 'ECHO_RES'), ...(f.feature ? [{ outcome: 'unsupported' as const, when: `${f.feature} not implemented` }] : [])],
      ...(f.feature ? { requires: [f.feature] } : {}),
      async run(ctx) {
        const w = await ctx.connect('worker');
        w.send(f.type, ...f.args('H:gearspec:nosuch'));
        const [code] = await w.expectError();
        await w.expectAlive();
        return spellingVerdict(NOT_OWNER, code);
      },
    }) satisfies CaseDef,
);

/**
 * The worker ends its job with `ending` (relayed to the client), then sends WORK_COMPLETE(h,
 * `late`) for the handle that is gone: ERROR to the worker or nothing (a named alternative), and
 * nothing more to the client.
 */
/**
 * The worker ends its job with `ending`, then sends a late `late` packet for the same handle: the
 * client sees only the ending, and what the worker gets for the late packet (ERROR or nothing) is
 * the `late-work-result` alternative. `clientOption` is set on the client first (`exceptions`, so a
 * late WORK_EXCEPTION would be forwarded if the server still forwarded anything).
 */
const reportAfterEnd = (
  meta: Omit<CaseDef, 'run' | 'section' | 'level' | 'outcomes'> & { readonly seen: string },
  ending: number,
  endArgs: readonly string[],
  late: { readonly type: number; readonly data: string },
  quiet: string,
  clientOption?: string,
): CaseDef => ({
  ...base,
  ...meta,
  outcomes: [
    { outcome: 'pass-alternative', alternative: 'late-work-result', choice: 'error', when: `${meta.seen}; the worker gets ERROR for the late ${packetName(late.type)}` },
    { outcome: 'pass-alternative', alternative: 'late-work-result', choice: 'ignored', when: `${meta.seen}; the late ${packetName(late.type)} is dropped and the worker's connection carries on` },
  ],
  async run(ctx) {
    const j = await runningJob(ctx, clientOption ? { clientOption } : {});
    j.worker.send(ending, j.handle, ...endArgs);
    j.worker.send(late.type, j.handle, late.data);
    await j.client.expect(ending);
    const answer = await lateResultAnswer(j.worker);
    await j.client.expectNothing(quiet);
    return alternative('late-work-result', answer);
  },
});

/** WORK_DATA the worker streams to a client that has stopped reading: 16 × 1 MiB. */
const SLOW_CHUNKS = 16;
const SLOW_CHUNK = Buffer.alloc(1024 * 1024, 0x5a);

/**
 * A slow consumer (interop-bugs: a client that stops reading while its job streams): the server
 * must go on reading the worker and serving others, whatever it does with the client's backlog
 * (buffer it, or drop the client). Recorded: what the client got once it read again.
 */
const slowClient: CaseDef = {
  id: 'binary/forwarding/slow-client-does-not-stall-worker',
  section: '4.10',
  level: 'SHOULD',
  requires: ['WORK_DATA'],
  requirement:
    "A client that stops reading SHOULD NOT stop the server from reading the worker that streams to it, or from serving other connections; the server MAY buffer the client's backlog or drop the client.",
  description: `A client submits a job and stops reading; the worker sends ${SLOW_CHUNKS} WORK_DATA of 1 MiB, WORK_COMPLETE and ECHO_REQ; another client sends ECHO_REQ; then the first client reads again.`,
  outcomes: [{ outcome: 'pass', when: "the worker's and the other client's ECHO_RES arrive while the first client still does not read (what it gets afterwards is recorded)" }],
  async run(ctx) {
    const fn = ctx.fn();
    const client = await ctx.connect('client');
    const h = await submit(client, T.SUBMIT_JOB, fn, '', 'stream to me');
    const w = await worker(ctx, 'worker', [fn]);
    await grab(w);
    client.pauseReading();
    for (let i = 0; i < SLOW_CHUNKS; i++) w.send(T.WORK_DATA, h, SLOW_CHUNK);
    w.send(T.WORK_COMPLETE, h, 'done');
    w.send(T.ECHO_REQ, 'worker still served');
    // The worker's 16 MiB have to cross the server first: a generous deadline, decided by the echo.
    await w.expect(T.ECHO_RES, { ms: ctx.timeoutMs * 8, expected: ['ECHO_RES to the worker while its client does not read'] });
    const other = await ctx.connect('other');
    other.send(T.ECHO_REQ, 'others still served');
    await other.expect(T.ECHO_RES, { expected: ['ECHO_RES to another client while one client does not read'] });
    client.resumeReading();
    let data = 0;
    let end = 'nothing more';
    for (let i = 0; i <= SLOW_CHUNKS; i++) {
      const e = await client.read(ctx.timeoutMs * 4);
      if (e.kind === 'packet' && e.packet.type === T.WORK_DATA) data++;
      else if (e.kind === 'packet' && e.packet.type === T.WORK_COMPLETE) {
        end = 'WORK_COMPLETE';
        break;
      } else {
        end = e.kind === 'closed' ? 'its connection closed by the server' : e.kind === 'timeout' ? 'nothing more' : e.kind;
        break;
      }
    }
    return pass(`the client, reading again, got ${data} of ${SLOW_CHUNKS} WORK_DATA and then ${end}`);
  },
};

export const cases: readonly CaseDef[] = [
  ...forwardCases,
  ...unknownCases,
  {
    ...base,
    id: 'binary/forwarding/sequence-in-order',
    requirement: 'WORK_* packets MUST reach the client in the order the worker sent them.',
    description: 'Worker sends WORK_STATUS 1/3, WORK_STATUS 2/3, WORK_STATUS 3/3, WORK_COMPLETE.',
    outcomes: [{ outcome: 'pass', when: 'the client sees 1/3, 2/3, 3/3, then WORK_COMPLETE' }],
    async run(ctx) {
      const j = await runningJob(ctx);
      for (const n of ['1', '2', '3']) j.worker.send(T.WORK_STATUS, j.handle, n, '3');
      j.worker.send(T.WORK_COMPLETE, j.handle, 'end');
      for (const n of ['1', '2', '3']) {
        const p = await j.client.expect(T.WORK_STATUS);
        check(text(p.args[1]) === n, `WORK_STATUS ${n}/3`, `${text(p.args[1])}/${text(p.args[2])}`);
      }
      await j.client.expect(T.WORK_COMPLETE);
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/forwarding/data-warning-status-complete-order',
    requirement: 'Mixed WORK_DATA, WORK_WARNING, WORK_STATUS, WORK_COMPLETE MUST be relayed in order.',
    description: 'Worker sends WORK_DATA, WORK_WARNING, WORK_STATUS, WORK_COMPLETE.',
    outcomes: [
      { outcome: 'pass', when: 'the client sees the four packets in that order' },
      { outcome: 'unsupported', when: 'WORK_DATA/WORK_WARNING not implemented' },
    ],
    requires: ['WORK_DATA', 'WORK_WARNING'],
    async run(ctx) {
      const j = await runningJob(ctx);
      j.worker.send(T.WORK_DATA, j.handle, 'd');
      j.worker.send(T.WORK_WARNING, j.handle, 'w');
      j.worker.send(T.WORK_STATUS, j.handle, '1', '1');
      j.worker.send(T.WORK_COMPLETE, j.handle, 'c');
      for (const t of [T.WORK_DATA, T.WORK_WARNING, T.WORK_STATUS, T.WORK_COMPLETE]) await j.client.expect(t);
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/forwarding/every-listener',
    requirement: 'WORK_STATUS and WORK_COMPLETE MUST reach every foreground client attached to the job.',
    description: 'Three clients submit (f, u) coalesced; the worker sends WORK_STATUS and WORK_COMPLETE.',
    outcomes: [{ outcome: 'pass', when: 'each of the three clients gets both packets' }],
    async run(ctx) {
      const fn = ctx.fn();
      const u = ctx.uniq();
      const cs = [await ctx.connect('c1'), await ctx.connect('c2'), await ctx.connect('c3')];
      let h = '';
      for (const c of cs) h = await submit(c, T.SUBMIT_JOB, fn, u, 'x');
      const w = await worker(ctx, 'worker', [fn]);
      await grab(w);
      w.send(T.WORK_STATUS, h, '1', '2');
      w.send(T.WORK_COMPLETE, h, 'all');
      for (const c of cs) {
        await c.expect(T.WORK_STATUS);
        await c.expect(T.WORK_COMPLETE);
      }
      return pass();
    },
  },
  {
    ...base,
    id: 'binary/forwarding/not-owner-rejected',
    requirement: 'Only the connection holding the job may report on it: WORK_COMPLETE from another connection MUST get ERROR and MUST NOT reach the client.',
    description: 'Worker A grabs; connection B sends WORK_COMPLETE(handle).',
    outcomes: [{ outcome: 'pass', when: 'ERROR on B; the client gets nothing' }],
    async run(ctx) {
      const j = await runningJob(ctx);
      const b = await ctx.connect('intruder');
      b.send(T.WORK_COMPLETE, j.handle, 'forged');
      await b.expectError();
      await j.client.expectNothing('forged result must not be relayed');
      return pass();
    },
  },
  reportAfterEnd(
    {
      id: 'binary/forwarding/complete-twice',
      requirement: 'After WORK_COMPLETE the job is over: a second WORK_COMPLETE MUST NOT reach the client; whether the worker gets ERROR for it is a named alternative.',
      description: 'Worker sends WORK_COMPLETE twice, then ECHO_REQ.',
      seen: 'client gets one WORK_COMPLETE',
    },
    T.WORK_COMPLETE,
    ['one'],
    { type: T.WORK_COMPLETE, data: 'two' },
    'no second result',
  ),
  reportAfterEnd(
    {
      id: 'binary/forwarding/fail-then-complete',
      requirement: 'After WORK_FAIL the job is over: a later WORK_COMPLETE MUST NOT reach the client; whether the worker gets ERROR for it is a named alternative.',
      description: 'Worker sends WORK_FAIL, WORK_COMPLETE, then ECHO_REQ.',
      seen: 'client gets WORK_FAIL only',
    },
    T.WORK_FAIL,
    [],
    { type: T.WORK_COMPLETE, data: 'late' },
    'no result after the failure',
  ),
  reportAfterEnd(
    {
      id: 'binary/forwarding/exception-after-complete',
      requirement:
        'After WORK_COMPLETE the job is over: a WORK_EXCEPTION sent after it MUST NOT reach the client, even one that asked for exceptions; whether the worker gets ERROR for it is a named alternative.',
      description: 'Client sets OPTION exceptions and submits; the worker sends WORK_COMPLETE, then WORK_EXCEPTION, then ECHO_REQ.',
      seen: 'client gets WORK_COMPLETE only',
    },
    T.WORK_COMPLETE,
    ['done'],
    { type: T.WORK_EXCEPTION, data: 'too late' },
    'no exception after the result',
    'exceptions',
  ),
  slowClient,
];
