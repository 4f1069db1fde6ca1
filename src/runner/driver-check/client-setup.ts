/**
 * The reference worker that serves the client under test: one function per thing a client must
 * relay, registered before the worker enters its loop. Payloads are binary on purpose, so a relay
 * that treats them as text shows.
 */
import { type Behaviour, b64 } from '../../peers/drivers/protocol.js';
import { gateName } from '../../peers/drivers/tap.js';
import type { Probe } from './probe.js';

/** Function names; the lab's server is private to the run, so plain names cannot clash. */
export const FN = {
  echo: 'dc-echo',
  data: 'dc-data',
  warning: 'dc-warning',
  status: 'dc-status',
  fail: 'dc-fail',
  exception: 'dc-exception',
  background: 'dc-background',
  block: 'dc-block',
  priority: 'dc-priority',
  /** Served by a plain reference worker that grabs with GRAB_JOB_UNIQ, so the unique is seen. */
  unique: 'dc-unique',
} as const;

export const RELAY = {
  data: [Buffer.from([0x00, 0xff, 0x0a, 0x64, 0x61, 0x74, 0x61]), Buffer.from('second chunk \u00e9', 'utf8')],
  warning: Buffer.from([0x77, 0x61, 0x72, 0x6e, 0x00, 0x80, 0xfe]),
  status: [
    ['1', '3'],
    ['2', '3'],
  ] as const,
  result: Buffer.from([0x72, 0x65, 0x73, 0x75, 0x6c, 0x74, 0x00, 0xc3, 0x28]),
  exception: Buffer.from([0x62, 0x6f, 0x6f, 0x6d, 0x00, 0xe2, 0x82]),
};

export const BACKGROUND_GATE = gateName(FN.background);
export const BLOCK_GATE = gateName(FN.block);

const FUNCTIONS: readonly (readonly [string, Behaviour])[] = [
  [FN.echo, { outcome: { kind: 'complete' } }],
  [FN.data, { steps: RELAY.data.map((d) => ({ kind: 'data' as const, payload: b64(d) })), outcome: { kind: 'complete', payload: b64(RELAY.result) } }],
  [FN.warning, { steps: [{ kind: 'warning', payload: b64(RELAY.warning) }], outcome: { kind: 'complete', payload: b64(RELAY.result) } }],
  [FN.status, { steps: RELAY.status.map(([n, d]) => ({ kind: 'status' as const, numerator: Number(n), denominator: Number(d) })), outcome: { kind: 'complete', payload: b64(RELAY.result) } }],
  [FN.fail, { outcome: { kind: 'fail' } }],
  [FN.exception, { outcome: { kind: 'exception', payload: b64(RELAY.exception) } }],
  [
    FN.background,
    {
      steps: [
        { kind: 'status', numerator: 1, denominator: 2 },
        { kind: 'gate', gate: BACKGROUND_GATE },
      ],
      outcome: { kind: 'complete' },
    },
  ],
  [FN.block, { steps: [{ kind: 'gate', gate: BLOCK_GATE }], outcome: { kind: 'complete' } }],
  [FN.priority, { outcome: { kind: 'complete' } }],
];

/** Register every function on the reference worker and let it work. Throws if it refuses. */
export async function prepareReferenceWorker(worker: Probe): Promise<void> {
  for (const [fn, behaviour] of FUNCTIONS) {
    const id = worker.id('setup');
    worker.send({ op: 'register', id, function: fn, behaviour });
    await worker.expect('done', (e) => e.id === id, `the reference worker to register ${fn}`, "this is gearspec's own worker: report it");
    const err = worker.errorsFor(id)[0];
    if (err) throw new Error(`the reference worker refused ${fn}: ${err.message}`);
  }
  worker.send({ op: 'work', id: 'setup-work' });
  await worker.expect('done', (e) => e.id === 'setup-work', 'the reference worker to start working', "this is gearspec's own worker: report it");
}
