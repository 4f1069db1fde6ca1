/**
 * spec §4.15: ECHO_RES carries exactly the bytes of ECHO_REQ, NULs included and also when empty
 * (both servers); spec §1.1: a 1 MiB ECHO round-trips on both servers.
 */
import { T } from '../../../../src/protocol/constants.js';
import { type CaseDef, pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const ECHO_PAYLOADS: readonly { readonly tag: string; readonly label: string; readonly data: Buffer }[] = [
  { tag: 'empty', label: 'an empty payload', data: Buffer.alloc(0) },
  { tag: 'one-byte', label: 'a 1-byte payload', data: Buffer.from('x') },
  { tag: 'embedded-nuls', label: '"ab\\0cd"', data: Buffer.from('ab\0cd', 'latin1') },
  { tag: 'only-nuls', label: 'four NUL bytes', data: Buffer.alloc(4) },
  { tag: 'all-byte-values', label: 'bytes 00..ff', data: allBytes },
  { tag: 'size-65535', label: '65,535 bytes', data: Buffer.alloc(65_535, 0x5a) },
  { tag: 'size-65536', label: '65,536 bytes', data: Buffer.alloc(65_536, 0xa5) },
  { tag: 'size-1mib', label: '1 MiB', data: Buffer.alloc(1024 * 1024, 0x31) },
];

export const cases: readonly CaseDef[] = ECHO_PAYLOADS.map(
  ({ tag, label, data }) =>
    ({
      id: `binary/echo/${tag}`,
      section: '4.15',
      requirement: 'ECHO_REQ MUST be answered by ECHO_RES carrying byte-identical data.',
      level: 'MUST',
      description: `Sends ECHO_REQ with ${label}.`,
      outcomes: [{ outcome: 'pass', when: `ECHO_RES with the same ${data.length} bytes` }],
      budgetReads: 12,
      async run(ctx) {
        const c = await ctx.connect('c');
        c.send(T.ECHO_REQ, data);
        const p = await c.expect(T.ECHO_RES, { ms: ctx.timeoutMs * (data.length > 100_000 ? 8 : 1) });
        check(p.args[0]!.equals(data), `the same ${data.length} bytes`, `${p.args[0]!.length} bytes${p.args[0]!.length === data.length ? ' with different content' : ''}`);
        return pass();
      },
    }) satisfies CaseDef,
);
