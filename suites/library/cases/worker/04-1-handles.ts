/**
 * Worker cases, spec §4.1 (job handles): a handle is an opaque string the worker must
 * echo byte for byte in every WORK_* packet about the job — whatever its length (1, 63, 64
 * bytes) and whatever bytes it holds (spaces, non-ASCII UTF-8).
 */
import { T } from '../../../../src/protocol/constants.js';
import { pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import type { LibraryCaseContext } from '../../../../src/runner/library/context.js';
import { b64 } from '../../../../src/peers/drivers/index.js';
import { behave } from '../../flows.js';
import { checkComplete, expectJobEvent, handleOfLength, readyWorker, serveJob } from '../../flows-worker.js';

const DATA = Buffer.from('handle-case\u0000data', 'utf8');
const PROGRESS = Buffer.from('part\u0000one', 'utf8');

/** The function sends WORK_DATA, WORK_WARNING and WORK_STATUS before completing. */
const chatty = behave({ kind: 'complete' }, [
  { kind: 'data', payload: b64(PROGRESS) },
  { kind: 'warning', payload: b64('careful') },
  { kind: 'status', numerator: 1, denominator: 2 },
]);

/** Hand a job with `handle`; every WORK_* the worker sends must name it byte for byte (serveJob checks). */
async function echoHandle(ctx: LibraryCaseContext, handle: string): Promise<void> {
  const w = await readyWorker(ctx, chatty);
  const s = await serveJob(ctx, w, { handle, function: w.fn, data: DATA }, { pending: w.grab });
  await expectJobEvent(w.driver, handle, DATA);
  const types = s.packets.map((p) => p.type);
  for (const t of [T.WORK_DATA, T.WORK_WARNING, T.WORK_STATUS]) {
    check(types.includes(t), 'WORK_DATA, WORK_WARNING and WORK_STATUS before the terminal packet, each naming the handle', `the worker sent ${s.packets.length} WORK_* packet(s) for the job`);
  }
  checkComplete(s.terminal, DATA);
}

const handleCase = (id: string, level: 'MUST' | 'SHOULD', what: string, make: (ctx: LibraryCaseContext) => string, extra = ''): LibraryCaseDef => ({
  id: `worker/handle/${id}`,
  role: 'worker',
  section: '4.1',
  level,
  requirement: `A worker ${level} echo ${what} byte for byte in every WORK_* packet about the job${extra}.`,
  description: `Hand a job whose handle is ${what}; the function sends WORK_DATA, WORK_WARNING, WORK_STATUS, then completes; every packet must name the handle exactly.`,
  outcomes: [{ outcome: 'pass', when: 'every WORK_* names the handle byte for byte' }],
  run: async (ctx) => {
    await echoHandle(ctx, make(ctx));
    return pass();
  },
});

export const cases: readonly LibraryCaseDef[] = [
  handleCase('one-byte', 'MUST', 'a 1-byte handle', () => 'h'),
  handleCase('63-bytes', 'MUST', 'a 63-byte handle (the longest gearmand makes)', (ctx) => handleOfLength(ctx, 63)),
  handleCase('64-bytes', 'SHOULD', 'a 64-byte handle', (ctx) => handleOfLength(ctx, 64), ", one byte past gearmand's limit (spec §1.1), which a server other than gearmand may use"),
  handleCase('spaces', 'MUST', 'a handle with spaces in it', (ctx) => `H:gear spec: ${ctx.fn('s')} 1`),
  handleCase('non-ascii', 'MUST', 'a handle with non-ASCII UTF-8 bytes', (ctx) => `H:g\u00ebarspec:\u2603:${ctx.fn('n')}`),
];
