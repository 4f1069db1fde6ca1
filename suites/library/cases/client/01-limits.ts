/**
 * Client cases, spec §1.1 (sizes): the data part has no limit below the 32-bit size field,
 * so a client must carry results and payloads around the 64 KiB mark and of 1 MiB byte-exact
 * (interop-bugs #1, #2: parsers with 64 KiB buffers or 16-bit lengths lose such packets).
 */
import { T } from '../../../../src/protocol/constants.js';
import { pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import type { LibraryConn } from '../../../../src/runner/library/library-conn.js';
import { clientSubmits, expectComplete, handleFor, hex, sameBytes } from '../../flows.js';
import { nextSubmit, sendSubmit, submitArgs } from '../../flows-client.js';

/** `n` bytes, a repeating pattern with NULs so that a cut or shift shows. */
const pattern = (n: number, seed = 7): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251));

const resultOfSize = (n: number): LibraryCaseDef => ({
  id: `client/limits/result-${n}-bytes`,
  role: 'client',
  section: '1.1',
  level: 'MUST',
  requirement: `A client MUST report a WORK_COMPLETE result of exactly ${n} bytes byte-exact.`,
  description: `JOB_CREATED, then WORK_COMPLETE carrying ${n} bytes of patterned binary data.`,
  outcomes: [{ outcome: 'pass', when: `the client reports completion with the exact ${n} bytes` }],
  run: async (ctx) => {
    const job = await clientSubmits(ctx);
    const h = handleFor(ctx);
    const data = pattern(n);
    job.conn.send(T.JOB_CREATED, h);
    job.conn.send(T.WORK_COMPLETE, h, data);
    await expectComplete(job, data);
    return pass();
  },
});

const NEAR_64K = [65480, 65496, 65510] as const;

export const cases: readonly LibraryCaseDef[] = [
  resultOfSize(65535),
  resultOfSize(65536),
  resultOfSize(65537),
  {
    id: 'client/limits/results-just-under-64k',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST report results of 65,480-65,510 bytes (a whole packet just under or over 64 KiB) byte-exact.',
    description: `Three jobs in turn on one client; each is answered with a WORK_COMPLETE of ${NEAR_64K.join(', ')} bytes.`,
    outcomes: [{ outcome: 'pass', when: 'each of the three jobs completes with its exact bytes' }],
    run: async (ctx) => {
      const first = await clientSubmits(ctx);
      let conn: LibraryConn = first.conn;
      for (const [i, n] of NEAR_64K.entries()) {
        const h = handleFor(ctx, i + 1);
        const data = pattern(n, i);
        let id = first.id;
        if (i > 0) {
          id = sendSubmit(first.driver, ctx.fn('job'));
          conn = (await nextSubmit(ctx, first.driver, id, conn)).conn;
        }
        conn.send(T.JOB_CREATED, h);
        conn.send(T.WORK_COMPLETE, h, data);
        await expectComplete({ ...first, conn, id }, data, `the client reports the ${n}-byte result exactly`);
      }
      return pass();
    },
  },
  {
    id: 'client/limits/result-1-mib',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST report a 1 MiB WORK_COMPLETE result byte-exact.',
    description: 'JOB_CREATED, then WORK_COMPLETE carrying 1,048,576 bytes of patterned binary data.',
    outcomes: [{ outcome: 'pass', when: 'the client reports completion with the exact 1 MiB' }],
    run: async (ctx) => {
      const job = await clientSubmits(ctx);
      const h = handleFor(ctx);
      const data = pattern(1024 * 1024);
      job.conn.send(T.JOB_CREATED, h);
      job.conn.send(T.WORK_COMPLETE, h, data);
      await expectComplete(job, data);
      return pass();
    },
  },
  {
    id: 'client/limits/submit-payload-1-mib',
    role: 'client',
    section: '1.1',
    level: 'MUST',
    requirement: 'A client MUST send a 1 MiB job payload byte-exact as the SUBMIT_JOB data part.',
    description: 'Submit a job whose payload is 1,048,576 bytes of patterned binary data; compare the SUBMIT_JOB data part.',
    outcomes: [{ outcome: 'pass', when: 'the data part is the exact 1 MiB' }],
    run: async (ctx) => {
      const payload = pattern(1024 * 1024, 3);
      const job = await clientSubmits(ctx, { payload });
      const got = submitArgs(job.submit).data;
      check(sameBytes(got, payload), `SUBMIT data ${hex(payload)}`, `data ${hex(got)}`);
      const h = handleFor(ctx);
      job.conn.send(T.JOB_CREATED, h);
      job.conn.send(T.WORK_COMPLETE, h, 'ok');
      await expectComplete(job, Buffer.from('ok'));
      return pass();
    },
  },
];
