/**
 * Cross-language payload property (issue #6 item 3): arbitrary byte strings (NULs anywhere,
 * sizes 0 to 1 MiB weighted at 64 KiB boundaries) and arbitrary function names and uniques
 * within limits, sent by every client driver through every server to every worker driver,
 * arrive byte-exact both ways (worker sees the client's bytes; the client gets them echoed back).
 * Fixed time budget per server (GEARSPEC_PAYLOAD_MS, default 20 s); seed printed (GEARSPEC_SEED).
 * Payloads the interop matrix declares a library cannot carry ("" and "0" for some) are counted,
 * not sent: see payload-declared.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckedRelay } from '../../src/runner/wire-check.js';
import { type DriverHandle, b64, startDriver, unb64 } from '../../src/peers/drivers/index.js';
import { MATRIX_CLIENT_NAMES, MATRIX_WORKER_NAMES } from '../../src/peers/registry/index.js';
import { isCi, nativeAvailable, peerSkipReason } from '../../src/peers/provider.js';
import { startServerPeer } from '../../src/peers/servers/index.js';
import { declaredPayloadDifference } from './payload-declared.js';
import { cellBlocker, declaredWireFinding } from '../../src/interop/declared.js';
import { cellFilter } from '../../src/interop/plan.js';
import { DECLARATIONS } from '../declarations.js';
import type { DriverPeerName, ServerPeerName, StartedServer } from '../../src/peers/types.js';

const BUDGET_MS = Number(process.env.GEARSPEC_PAYLOAD_MS ?? 20_000);
const SEED = Number(process.env.GEARSPEC_SEED ?? Date.now() % 2 ** 31);
const FUNCTIONS_PER_WORKER = 2;
/** Deadline for one round trip (submit, assignment, result), 1 MiB through a container included. */
const RUN_MS = 30_000;

/** Drivers installed here; in CI every driver must be (a missing one fails the start). */
const CLIENTS = MATRIX_CLIENT_NAMES.filter((d) => isCi() || nativeAvailable(d));
const WORKERS = MATRIX_WORKER_NAMES.filter((d) => isCi() || nativeAvailable(d));
/** The interop matrix's ring (plan.ts): the pairs whose cells it declares, minus the cells it declares blocked. */
const inRing = cellFilter('ring')!;
const pairsFor = (server: ServerPeerName): (readonly [DriverPeerName, DriverPeerName])[] =>
  CLIENTS.flatMap((c) =>
    WORKERS.filter((w) => inRing(server, c, w) && !cellBlocker(DECLARATIONS.interop, { server, client: c, worker: w }, DECLARATIONS.interop.probe.id)).map((w) => [c, w] as const),
  );
const workersFor = (server: ServerPeerName): DriverPeerName[] => WORKERS.filter((w) => pairsFor(server).some(([, pw]) => pw === w));
const clientsFor = (server: ServerPeerName): DriverPeerName[] => CLIENTS.filter((c) => pairsFor(server).some(([pc]) => pc === c));

/** Deterministic bytes of a given size from a seed, with NULs forced in at `nulEvery`. */
function fill(size: number, seed: number, nulEvery: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = nulEvery > 0 && i % nulEvery === 0 ? 0 : x & 0xff;
  }
  return out;
}

const KIB64 = 64 * 1024;
/** Sizes: mostly small, often at ±3 bytes of a 64 KiB multiple, up to exactly 1 MiB. */
const sizeArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(1, 2), fc.integer({ min: -3, max: 3 })).map(([k, d]) => k * KIB64 + d) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(4, 8), fc.integer({ min: -3, max: 3 })).map(([k, d]) => k * KIB64 + d) },
  { weight: 1, arbitrary: fc.integer({ min: 16 * KIB64 - 3, max: 16 * KIB64 }) },
);
const payloadArb = fc.record({ size: sizeArb, seed: fc.integer(), nulEvery: fc.constantFrom(0, 1, 2, 7, 4096) }).map((p) => fill(p.size, p.seed, p.nulEvery));
const nameChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-'.split(''));
const functionNameArb = fc.array(nameChars, { minLength: 1, maxLength: 60 }).map((a) => a.join(''));
/** Printable ASCII uniques; the per-run prefix keeps them apart (and never "-"). Total ≤ 64 bytes. */
const uniqueArb = fc.option(
  fc.array(fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))), { minLength: 1, maxLength: 40 }).map((a) => a.join('')),
  { nil: undefined },
);

let runs = 0;

function suite(server: ServerPeerName): void {
  const skip = peerSkipReason(server);
  if (skip && isCi()) throw new Error(`payload property: ${skip}`);
  if (skip) process.stderr.write(`[payload] SKIPPED ${server}: ${skip}\n`);
  describe.skipIf(skip !== undefined)(`payload - through ${server}`, () => {
    let peer: StartedServer | undefined;
    const clients = new Map<DriverPeerName, DriverHandle>();
    // Every driver reaches the server through a relay that checks each packet its library sends.
    const relays: CheckedRelay[] = [];
    const via = async (name: DriverPeerName, role: 'client' | 'worker'): Promise<string> => {
      const relay = await CheckedRelay.start(peer!.address, role, `${name} ${role}`, (v) => declaredWireFinding(DECLARATIONS.interop, name, role, v)?.id);
      relays.push(relay);
      return relay.address;
    };
    const workers = new Map<DriverPeerName, { handle: DriverHandle; functions: string[] }>();
    beforeAll(async () => {
      peer = await startServerPeer(server);
      const names = fc.sample(functionNameArb, { seed: SEED, numRuns: 200 });
      let k = 0;
      for (const name of workersFor(server)) {
        const handle = await startDriver(name, 'worker', { server: await via(name, 'worker'), label: 'payload' });
        const functions: string[] = [];
        for (let i = 0; i < FUNCTIONS_PER_WORKER; i++) {
          const fn = `${names[k++ % names.length]}.${name}${i}`;
          functions.push(fn);
          handle.send({ op: 'register', id: `r${i}`, function: fn, behaviour: { outcome: { kind: 'complete' } } });
        }
        handle.send({ op: 'work', id: 'w' });
        await handle.waitFor((e) => e.event === 'done' && e.id === 'w', 15_000, `${name} worker ready`);
        workers.set(name, { handle, functions });
      }
      for (const name of clientsFor(server)) clients.set(name, await startDriver(name, 'client', { server: await via(name, 'client'), label: 'payload' }));
    }, 120_000);
    afterAll(async () => {
      await Promise.all([...clients.values(), ...[...workers.values()].map((w) => w.handle)].map((d) => d.stop()));
      await Promise.all(relays.map((r) => r.stop()));
      await peer?.stop();
    });

    it(
      'bytes arrive exactly, client → worker → client, for every driver pair',
      async () => {
        const pairs = pairsFor(server);
        const seenPairs = new Set<string>();
        const declaredPairs = new Set<string>();
        const declared = new Map<string, number>();
        let jobs = 0;
        let bytes = 0;
        const started = Date.now();
        const roundTrip = async ([clientName, workerName]: readonly [DriverPeerName, DriverPeerName], fnIndex: number, payload: Buffer, unique: string | undefined): Promise<void> => {
          const known = declaredPayloadDifference({ server, client: clientName, worker: workerName }, payload);
          if (known) {
            declared.set(known.id, (declared.get(known.id) ?? 0) + 1);
            declaredPairs.add(`${clientName}>${workerName}`);
            return;
          }
          const client = clients.get(clientName)!;
          const worker = workers.get(workerName)!;
          const fn = worker.functions[fnIndex]!;
          const id = `p${++runs}`;
          const uniq = unique === undefined ? undefined : `${id}:${unique}`.slice(0, 64);
          const where = `${clientName} → ${server} → ${workerName}, ${payload.length} bytes, fn ${JSON.stringify(fn)}, unique ${JSON.stringify(uniq)}`;
          // One deadline for the whole round trip; each wait names its driver and step when it runs out.
          const deadline = Date.now() + RUN_MS;
          const left = (): number => Math.max(1, deadline - Date.now());
          client.send({ op: 'submit', id, function: fn, payload: b64(payload), ...(uniq !== undefined ? { unique: uniq } : {}) });
          // A library that refuses the submit says so at once (an `error` for the id): fail with its words.
          const created = await client.waitFor((e) => (e.event === 'created' || e.event === 'error') && e.id === id, left(), `${clientName} JOB_CREATED (${where})`);
          if (created.event === 'error') throw new Error(`${clientName} client refused the job: ${created.message} (${where})`);
          const handle = created.event === 'created' ? created.handle : '';
          const job = await worker.handle.waitFor((e) => e.event === 'job' && e.handle === handle, left(), `${workerName} receiving ${handle} (${where})`);
          const done = await client.waitFor(
            (e) => (e.event === 'complete' || e.event === 'fail' || e.event === 'exception' || e.event === 'error') && 'id' in e && e.id === id,
            left(),
            `${clientName} result (${where})`,
          );
          if (job.event !== 'job') throw new Error('unreachable');
          expect(job.function, where).toBe(fn);
          expect(unb64(job.payload).equals(payload), `worker got different bytes: ${where}`).toBe(true);
          if (uniq !== undefined && job.unique !== undefined) expect(job.unique, where).toBe(uniq);
          expect(done.event === 'error' ? `error: ${done.message}` : done.event, where).toBe('complete');
          expect(done.event === 'complete' && unb64(done.payload).equals(payload), `client got different bytes back: ${where}`).toBe(true);
          seenPairs.add(`${clientName}>${workerName}`);
          jobs++;
          bytes += payload.length;
        };
        // Every pair once, deterministically: a 64 KiB + 1 payload with NULs at both ends and inside.
        for (const pair of pairs) await roundTrip(pair, 0, fill(KIB64 + 1, 0x9e3779b9, 7), 'cover');
        // The budget stops fast-check from starting runs, and cuts the one in flight loose; that run
        // is still awaited to its own deadline, so a stall fails with the step named instead of
        // vanishing as "interrupted after 0 tests".
        let inFlight: Promise<void> | undefined;
        const property = fc.asyncProperty(
          fc.constantFrom(...pairs),
          fc.nat(FUNCTIONS_PER_WORKER - 1),
          payloadArb,
          uniqueArb,
          (pair, fnIndex, payload, unique) => (inFlight = roundTrip(pair, fnIndex, payload, unique)),
        );
        const details = await fc.check(property, { seed: SEED, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: BUDGET_MS });
        const cutOff =
          inFlight === undefined
            ? undefined
            : await inFlight.then(
                () => undefined,
                (e: unknown) => e,
              );
        const summary = `seed=${SEED} runs=${details.numRuns} jobs=${jobs} bytes=${bytes} pairs=${seenPairs.size}/${pairs.length} declared=${JSON.stringify(Object.fromEntries(declared))} in ${Date.now() - started} ms`;
        process.stdout.write(`[payload] ${server}: ${summary}\n`);
        if (details.failed && details.counterexample !== null) {
          const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
          throw new Error(`${fc.defaultReportMessage(details)}\nFailure: ${cause}\n(${summary})`, { cause: details.errorInstance });
        }
        if (cutOff !== undefined) throw cutOff;
        // A pair carries at least one payload, unless the matrix declares every payload it was given.
        expect(
          pairs.map(([c, w]) => `${c}>${w}`).filter((p) => !seenPairs.has(p) && !declaredPairs.has(p)),
          'pairs that carried no payload and had none declared',
        ).toEqual([]);
        for (const r of relays) for (const [id, n] of r.declared) process.stdout.write(`[payload] ${server}: declared request-side finding ${id} seen ${n}×\n`);
        expect(
          relays.flatMap((r) => r.take()),
          'request-side packet check: packets the libraries sent that break the protocol table',
        ).toEqual([]);
      },
      BUDGET_MS + 2 * RUN_MS + 120_000,
    );
  });
}

suite('reference');
suite('gearmand');
suite('perl-gearmand');
