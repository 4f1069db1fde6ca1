/**
 * A slow consumer (spec §4.10, §4.16): the cell's client stops reading (the relay in front of it
 * stops reading from the server) while a worker of the cell's implementation streams 6 MiB of
 * WORK_DATA, more than the kernel's socket buffers hold, so the server must keep the rest or push
 * back on that one worker. It must not stall: another client's job through another worker runs
 * meanwhile. When the client reads again, every chunk arrives byte-exact and in order, then the
 * result.
 *
 * Outcomes: `delivered`; `server-stalled` (the other client's job did not run while the client
 * was not reading, everything else as `delivered`); `data-differs` (chunks missing, reordered or
 * changed), `data-merged-into-result` (every byte, in order, but as one result: a library that
 * folds WORK_DATA into the result), `no-result` (the client never finished), `worker-never-assigned`.
 */
import type { CellContext, Observation, Scenario } from '../../../src/interop/types.js';
import { type DriverTap, gateName } from '../tap.js';
import { b64, nextId, sequence, unb64 } from './helpers.js';

const CHUNKS = 6;
const CHUNK_BYTES = 1 << 20;
/** The least time the whole stream gets to arrive once the client reads again (ends at `done`). */
const DELIVERY_MS = 20_000;

/** Chunk i: printable, distinct per chunk and position (no NUL: this scenario is about volume). */
function chunk(i: number): Buffer {
  const unit = Buffer.from(`chunk ${i} of ${CHUNKS}; `);
  const b = Buffer.alloc(CHUNK_BYTES);
  for (let at = 0; at < CHUNK_BYTES; at += unit.length) unit.copy(b, at);
  return b;
}

/**
 * The chunks and their data steps, made once per run: every cell streams the same 6 MiB, and
 * building and encoding them again in each cell is harness work in the way of the drivers.
 */
let made: { readonly chunks: readonly Buffer[]; readonly data: readonly { readonly kind: 'data'; readonly payload: string }[] } | undefined;
function stream(): NonNullable<typeof made> {
  if (!made) {
    const chunks = Array.from({ length: CHUNKS }, (_, i) => chunk(i + 1));
    made = { chunks, data: chunks.map((c) => ({ kind: 'data', payload: b64(c) }) as const) };
  }
  return made;
}

export const slowConsumer: Scenario = {
  id: 'slow-consumer',
  title: 'a client stops reading while its worker streams 6 MiB of WORK_DATA: the server serves others, then delivers it all',
  nominal: 'delivered',
  functions: () => [],
  async run(ctx) {
    const fn = ctx.fn('slow-consumer', nextId('s'));
    const gate = gateName(fn);
    const { chunks, data } = stream();
    const steps = [{ kind: 'gate', gate } as const, ...data];
    const streamer = await ctx.startDriver('worker', 'streamer', [ctx.serverAddress], [{ function: fn, behaviour: { steps, outcome: { kind: 'complete', payload: b64('done') } } }]);
    // The cell's own client is the one that stops reading; it reads again whatever happens below.
    const slow = ctx.client;
    try {
      return await streamTo(ctx, slow, streamer, fn, gate, chunks);
    } finally {
      ctx.relay(slow).holdReplies(false);
    }
  },
};

async function streamTo(ctx: CellContext, slow: DriverTap, streamer: DriverTap, fn: string, gate: string, chunks: readonly Buffer[]): Promise<Observation> {
  const jobId = nextId('j');
  slow.send({ op: 'submit', id: jobId, function: fn, payload: b64('stream a lot') });
  const gated = await streamer.waitFor((e) => e.event === 'gated' && e.gate === gate, ctx.timing.eventMs);
  if (gated?.event !== 'gated') return { outcome: 'worker-never-assigned', detail: `client: ${sequence(slow.eventsFor(jobId))}` };
  // The job is assigned, so the client has had its JOB_CREATED: from here on it reads nothing.
  ctx.relay(slow).holdReplies(true);
  ctx.note('the client stopped reading; the worker streams');
  streamer.send({ op: 'release', gate });
  // Another client's job through the cell's own worker, while the slow client reads nothing.
  const other = nextId('j');
  ctx.client2.send({ op: 'submit', id: other, function: ctx.fn('health'), payload: b64(other) });
  const otherDone = await ctx.client2.waitFor((e) => e.event === 'complete' && e.id === other, ctx.timing.eventMs);
  // Informational (either is allowed): did the server keep the stream, or push back on the worker?
  const finishedWhileHeld = (await streamer.waitFor((e) => e.event === 'finished', ctx.timing.quietMs)) !== undefined;
  ctx.note(
    `while the client was not reading: the other client's job ${otherDone ? 'completed' : 'did not complete'}; the worker ${finishedWhileHeld ? 'had sent everything' : 'was still sending (the server pushed back)'}`,
  );
  ctx.relay(slow).holdReplies(false);
  await ctx.client2.waitFor((e) => e.event === 'done' && e.id === other, ctx.timing.eventMs);
  // 6 MiB still have to cross the relay, the library and the driver's JSON as base64: a transfer,
  // not an answer, so its deadline does not shrink with the cell's declared-difference timing.
  const done = await slow.waitFor((e) => e.event === 'done' && e.id === jobId, Math.max(ctx.timing.eventMs * 2, DELIVERY_MS));
  const events = slow.eventsFor(jobId);
  const data = events.flatMap((e) => (e.event === 'data' ? [unb64(e.payload)] : []));
  const complete = events.find((e) => e.event === 'complete');
  const intact = data.length === CHUNKS && data.every((d, i) => d.equals(chunks[i]!)) && complete?.event === 'complete' && unb64(complete.payload).toString() === 'done';
  const detail = `client: ${sequence(events)}; ${data.length}/${CHUNKS} chunks${intact ? ' byte-exact, in order' : ''}; the worker ${finishedWhileHeld ? 'finished while the client was not reading' : 'finished only after it read again'}`;
  if (!done) return { outcome: 'no-result', detail };
  // A library that hands WORK_DATA to the application as part of the result (or a worker library
  // that buffers it into WORK_COMPLETE) delivers the same bytes in one piece.
  const merged = complete?.event === 'complete' && data.length === 0 && unb64(complete.payload).equals(Buffer.concat([...chunks, Buffer.from('done')]));
  if (merged) return { outcome: 'data-merged-into-result', detail };
  if (!intact) return { outcome: 'data-differs', detail };
  return { outcome: otherDone ? 'delivered' : 'server-stalled', detail };
}
