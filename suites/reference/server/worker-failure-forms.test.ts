/**
 * Every built-in worker driver (PHP pecl, Perl Gearman::Worker, libgearman C, the reference
 * worker) through every way its worker function can fail a job (fail and exception, each in the
 * `native`, `throw` and `call` forms of src/peers/drivers/README.md), against the reference
 * server: the client learns of the failure, and then the same worker process completes a fresh
 * job. The only exceptions are the library's own: a PHP throw leaves GearmanWorker::work() and
 * ends the application, and C cannot throw (the driver refuses the form).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAMES, type DriverEvent, type DriverHandle, type OutcomeForm, b64, startDriver, unb64 } from '../../../src/peers/drivers/index.js';
import type { DriverPeerName } from '../../../src/peers/types.js';
import { type ReferenceServer, startReferenceServer } from '../../../src/server/index.js';

const NEEDS: Readonly<Partial<Record<DriverPeerName, string | undefined>>> = { reference: undefined, php: 'php', perl: 'perl', 'libgearman-c': 'gcc' };
const has = (cmd: string | undefined): boolean => cmd === undefined || spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

type Kind = 'fail' | 'exception';
/** What the client sees, and what becomes of the worker process. */
interface Expected {
  readonly client: 'fail' | 'exception';
  readonly after: 'works-on' | 'exits' | 'refused';
}

const FORMS: readonly (readonly [Kind, OutcomeForm])[] = [
  ['fail', 'native'],
  ['fail', 'throw'],
  ['fail', 'call'],
  ['exception', 'native'],
  ['exception', 'throw'],
  ['exception', 'call'],
];

const on = (client: Expected['client']): Expected => ({ client, after: 'works-on' });
// The tables of src/peers/drivers/README.md ("Outcome forms on the wire"), with the reference
// server's answer: the exception ends the job, a WORK_FAIL after it is dropped.
const EXPECTED: Readonly<Partial<Record<DriverPeerName, Readonly<Record<string, Expected>>>>> = {
  perl: {
    'fail/native': on('fail'),
    'fail/throw': on('exception'),
    'fail/call': on('fail'),
    'exception/native': on('exception'),
    'exception/throw': on('exception'),
    'exception/call': on('exception'),
  },
  php: {
    'fail/native': on('fail'),
    'fail/throw': { client: 'exception', after: 'exits' },
    'fail/call': on('fail'),
    'exception/native': on('exception'),
    'exception/throw': { client: 'exception', after: 'exits' },
    'exception/call': on('exception'),
  },
  'libgearman-c': {
    'fail/native': on('fail'),
    'fail/throw': { client: 'fail', after: 'refused' },
    'fail/call': on('fail'),
    'exception/native': on('exception'),
    'exception/throw': { client: 'exception', after: 'refused' },
    'exception/call': on('exception'),
  },
  reference: { 'fail/native': on('fail'), 'fail/throw': on('fail'), 'fail/call': on('fail'), 'exception/native': on('exception'), 'exception/throw': on('fail'), 'exception/call': on('exception') },
};

const WAIT_MS = 10_000;
let server: ReferenceServer;
let client: DriverHandle;
const started: DriverHandle[] = [];

beforeAll(async () => {
  server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
  client = await startDriver('reference', 'client', { server: server.address });
  started.push(client);
});
afterAll(async () => {
  await Promise.all(started.map((d) => d.stop()));
  await server?.close();
});

let seq = 0;
/** Submit one job with the exceptions option and collect the client's events until `done`. */
async function submit(fn: string, payload: string): Promise<DriverEvent[]> {
  const id = `j${++seq}`;
  client.send({ op: 'submit', id, function: fn, payload: b64(payload), exceptions: true });
  const events: DriverEvent[] = [];
  await client.waitFor(
    (e) => e.event === 'done' && e.id === id,
    WAIT_MS,
    `the end of job ${id}`,
    (e) => events.push(e),
  );
  return events.filter((e) => 'id' in e && e.id === id);
}

describe('every worker driver, every failure form, against the reference server', () => {
  // The Debian libraries and the reference (the README table); the other libraries' failure forms
  // are graded by the interop matrix (work-fail, fail-native, exception-* scenarios).
  for (const name of DRIVER_NAMES.filter((n) => n in EXPECTED)) {
    const skip = !has(NEEDS[name]) && !process.env.CI;
    for (const [kind, form] of FORMS) {
      const expected = EXPECTED[name]![`${kind}/${form}`]!;
      const what =
        expected.after === 'refused'
          ? 'refuses the form at registration'
          : expected.after === 'exits'
            ? `the client sees ${expected.client}; the worker application ends (the library rethrows)`
            : `the client sees ${expected.client}; the same worker process completes a fresh job`;
      it.skipIf(skip)(`${name}: ${kind}/${form}: ${what}`, { timeout: 60_000 }, async () => {
        const fn = `ff-${name}-${kind}-${form}`;
        const worker = await startDriver(name, 'worker', { server: server.address });
        started.push(worker);
        const outcome = kind === 'fail' ? { kind, form } : { kind, form, payload: b64('boom') };
        worker.send({ op: 'register', id: 'r-form', function: fn, behaviour: { outcome } });
        worker.send({ op: 'register', id: 'r-fresh', function: `${fn}-fresh`, behaviour: { outcome: { kind: 'complete' } } });
        worker.send({ op: 'work', id: 'w' });
        const seen: DriverEvent[] = [];
        await worker.waitFor(
          (e) => e.event === 'done' && e.id === 'w',
          WAIT_MS,
          'work',
          (e) => seen.push(e),
        );
        const refused = seen.find((e) => e.event === 'error' && e.id === 'r-form');
        if (expected.after === 'refused') {
          expect(refused?.event === 'error' && refused.message).toMatch(new RegExp(`form '${form}'`));
          return;
        }
        expect(refused).toBeUndefined();

        const events = await submit(fn, 'fail me');
        expect(events.filter((e) => e.event === 'fail' || e.event === 'exception' || e.event === 'complete').map((e) => e.event)).toEqual([expected.client]);

        if (expected.after === 'exits') {
          const error = await worker.waitFor((e) => e.event === 'error', WAIT_MS, 'the library error that ends the worker');
          expect(error.event === 'error' && error.message).toMatch(/uncaught/);
          await worker.waitFor((e) => e.event === 'exited', WAIT_MS, 'the worker to exit').catch((e: unknown) => e);
          expect(worker.exited).toBe(true);
          return;
        }
        const fresh = await submit(`${fn}-fresh`, 'fresh job');
        const complete = fresh.find((e) => e.event === 'complete');
        expect(complete?.event === 'complete' && unb64(complete.payload).toString()).toBe('fresh job');
        // The same process ran it: its `job` event came on this driver's control connection, and
        // the driver reported no library error on the way.
        const after: DriverEvent[] = [];
        await worker.waitFor(
          (e) => e.event === 'finished' && e.outcome === 'complete',
          WAIT_MS,
          'the fresh job at the same worker',
          (e) => after.push(e),
        );
        expect(after.filter((e) => e.event === 'error')).toEqual([]);
        expect(worker.exited).toBe(false);
      });
    }
  }
});
