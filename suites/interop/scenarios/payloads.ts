/**
 * Payload integrity, both ways: the worker must receive exactly the submitted bytes and the client
 * exactly the worker's result (echo). Cases: empty; NUL bytes at the start, middle and end, only
 * NULs, every byte value, the one-character "0"; sizes around the 64 KiB boundary (65,480-65,536,
 * interop-bugs #2) and 1 MiB (spec §1.1: the data part has no limit).
 */
import type { CellContext, Observation, Scenario } from '../../../src/interop/types.js';
import { b64, diffBytes, errorsOf, patternBytes, runJob, sequence, unb64, workerJob } from './helpers.js';

interface PayloadCase {
  readonly name: string;
  readonly bytes: Buffer;
}
type Case = PayloadCase;

/** Payloads some libraries mishandle; expectations name them by `name` in their outcome labels. */
export const EMPTY_PAYLOAD: PayloadCase = { name: 'empty', bytes: Buffer.alloc(0) };
export const ZERO_CHAR_PAYLOAD: PayloadCase = { name: 'zero-char', bytes: Buffer.from('0') };

async function echoCases(ctx: CellContext, fn: string, cases: readonly Case[], timeoutMs: number): Promise<Observation> {
  const broken: string[] = [];
  const notes: string[] = [];
  const refused: string[] = [];
  for (const c of cases) {
    const run = await runJob(ctx.client, { function: fn, payload: b64(c.bytes) }, timeoutMs);
    const errors = errorsOf(run.events);
    if (errors.length && !run.handle) {
      // The client library refused to submit it at all.
      broken.push(c.name);
      refused.push(c.name);
      notes.push(`${c.name}: client refused: ${errors.join(' | ')}`);
      continue;
    }
    const job = await workerJob(ctx, fn, run.done ? ctx.timing.eventMs : ctx.timing.quietMs);
    if (!job) {
      if (broken.length === 0 && cases.indexOf(c) === 0) return { outcome: 'worker-never-assigned', detail: `${c.name}: ${sequence(run.events)}` };
      broken.push(c.name);
      notes.push(`${c.name}: worker never got it; client: ${sequence(run.events)}`);
      if (!run.done) break; // the client is stuck; later cases would only time out
      continue;
    }
    const atWorker = unb64(job.payload);
    const complete = run.events.find((e) => e.event === 'complete');
    const atClient = complete?.event === 'complete' ? unb64(complete.payload) : undefined;
    if (!atWorker.equals(c.bytes)) {
      broken.push(c.name);
      notes.push(`${c.name}: worker got ${diffBytes(c.bytes, atWorker)}${run.done ? '' : '; the client never finished'}`);
      if (!run.done) break;
    } else if (!atClient?.equals(c.bytes) || errors.length) {
      broken.push(c.name);
      notes.push(`${c.name}: client got ${atClient ? diffBytes(c.bytes, atClient) : sequence(run.events)}${errors.length ? ` (errors: ${errors.join(' | ')})` : ''}`);
      if (!run.done) break;
    }
  }
  if (refused.length > 0 && refused.length === broken.length) return { outcome: `client-refused:${refused.join(',')}`, detail: notes.join('; ') };
  if (broken.length === 0) return { outcome: 'intact', detail: `${cases.length} payloads round-tripped byte for byte: ${cases.map((c) => c.name).join(', ')}` };
  return { outcome: `corrupted:${broken.join(',')}`, detail: notes.join('; ') };
}

function payloadScenario(id: string, title: string, cases: () => readonly Case[], timeoutFactor = 1): Scenario {
  return {
    id,
    title,
    nominal: 'intact',
    functions: (fn) => [{ function: fn(id), behaviour: { outcome: { kind: 'complete' } } }],
    run: (ctx) => echoCases(ctx, ctx.fn(id), cases(), ctx.timing.eventMs * timeoutFactor),
  };
}

const all = Buffer.alloc(256);
for (let i = 0; i < 256; i++) all[i] = i;

export const payloadEmpty = payloadScenario('payload-empty', 'empty payload both ways', () => [EMPTY_PAYLOAD]);

export const payloadBinary = payloadScenario('payload-binary', 'binary payloads with NUL bytes at every position class', () => [
  { name: 'nul-start', bytes: Buffer.from('\0abc', 'latin1') },
  { name: 'nul-middle', bytes: Buffer.from('ab\0cd', 'latin1') },
  { name: 'nul-end', bytes: Buffer.from('abc\0', 'latin1') },
  { name: 'nul-only', bytes: Buffer.from([0]) },
  { name: 'nuls', bytes: Buffer.from([0, 0, 0, 0]) },
  { name: 'every-byte', bytes: all },
  ZERO_CHAR_PAYLOAD,
  { name: 'high-bytes', bytes: Buffer.from([0xff, 0xfe, 0x80, 0x00, 0x7f]) },
]);

const SIZES_64K = [65_480, 65_495, 65_510, 65_519, 65_520, 65_524, 65_535, 65_536];
export const payload64k = payloadScenario('payload-64k', 'payloads around the 64 KiB boundary (65,480-65,536 bytes)', () => SIZES_64K.map((n) => ({ name: String(n), bytes: patternBytes(n, n) })));

export const payload1m = payloadScenario('payload-1mib', '1 MiB payload both ways', () => [{ name: '1MiB', bytes: patternBytes(1024 * 1024, 7) }], 3);
