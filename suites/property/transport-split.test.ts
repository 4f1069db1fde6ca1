/**
 * Transport property (issue #6 item 4): one valid conversation, delivered to a server in one
 * write and again split at arbitrary byte positions (fast-check chooses them, several packets
 * per write where the cuts fall that way), gets the same answers. The conversation mixes binary
 * requests with admin text lines on one connection, which both servers allow (spec §1.4).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T } from '../../src/protocol/constants.js';
import { encodeAdmin } from '../../src/protocol/admin.js';
import { encodePacket } from '../../src/protocol/encoder.js';
import { req } from '../../src/protocol/packet.js';
import { GearmanConnection } from '../../src/transport/connection.js';
import type { ServerPeerName } from '../../src/peers/types.js';
import { startServerPeer } from '../../src/peers/servers/index.js';
import type { StartedServer } from '../../src/peers/types.js';
import { skipReason } from './peer-servers.js';

const SEED = Number(process.env.GEARSPEC_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.GEARSPEC_SPLIT_RUNS ?? 25);

type Item =
  | { readonly kind: 'echo'; readonly data: Buffer }
  | { readonly kind: 'submit-bg'; readonly fn: number; readonly unique: string; readonly data: Buffer }
  | { readonly kind: 'can-do'; readonly fn: number }
  | { readonly kind: 'grab' }
  | { readonly kind: 'pre-sleep' }
  | { readonly kind: 'option'; readonly name: string }
  | { readonly kind: 'status-unknown' }
  | { readonly kind: 'version' }
  | { readonly kind: 'status-unique'; readonly unique: string };

/**
 * `full`: the server has every type and a deterministic cross-function grab order. Perl picks
 * among a worker's functions in per-connection hash order, so its conversations use one function.
 */
function itemArb(full: boolean): fc.Arbitrary<Item> {
  const fns = full ? 2 : 1;
  const data = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));
  return fc.oneof(
    data.map((d): Item => ({ kind: 'echo', data: d })),
    fc.record({ fn: fc.nat(fns - 1), unique: fc.constantFrom('', 'u1', 'u2'), data }).map((r): Item => ({ kind: 'submit-bg', ...r })),
    fc.nat(fns - 1).map((fn): Item => ({ kind: 'can-do', fn })),
    fc.constant<Item>({ kind: 'grab' }),
    fc.constant<Item>({ kind: 'pre-sleep' }),
    fc.constantFrom('exceptions', 'bogus').map((name): Item => ({ kind: 'option', name })),
    fc.constant<Item>({ kind: 'status-unknown' }),
    fc.constant<Item>({ kind: 'version' }),
    ...(full ? [fc.constantFrom('u1', 'u2').map((unique): Item => ({ kind: 'status-unique', unique }))] : []),
  );
}

/** Bytes of the conversation, with per-run names, ending in a sentinel ECHO. */
function encode(items: readonly Item[], prefix: string): Buffer {
  const u = (s: string): string => (s === '' ? s : `${prefix}${s}`);
  // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every Item kind; tsc checks each path returns a Buffer
  const parts = items.map((i): Buffer => {
    switch (i.kind) {
      case 'echo':
        return encodePacket(req(T.ECHO_REQ, i.data));
      case 'submit-bg':
        return encodePacket(req(T.SUBMIT_JOB_BG, `${prefix}f${i.fn}`, u(i.unique), i.data));
      case 'can-do':
        return encodePacket(req(T.CAN_DO, `${prefix}f${i.fn}`));
      case 'grab':
        return encodePacket(req(T.GRAB_JOB));
      case 'pre-sleep':
        return encodePacket(req(T.PRE_SLEEP));
      case 'option':
        return encodePacket(req(T.OPTION_REQ, i.name));
      case 'status-unknown':
        return encodePacket(req(T.GET_STATUS, 'H:gearspec:0'));
      case 'version':
        return encodeAdmin('version');
      case 'status-unique':
        return encodePacket(req(T.GET_STATUS_UNIQUE, u(i.unique)));
    }
  });
  return Buffer.concat([...parts, encodePacket(req(T.ECHO_REQ, 'gs-split-end'))]);
}

/** Send `chunks` as separate writes and return the normalised answers up to the sentinel. */
async function converse(server: StartedServer, chunks: readonly Buffer[], prefix: string): Promise<string[]> {
  const conn = await GearmanConnection.connect({ host: server.host, port: server.port, connectTimeoutMs: 3000 });
  try {
    for (const c of chunks) {
      conn.sendRaw(c);
      // A pause between writes so the server really sees them as separate reads.
      if (chunks.length > 1) await new Promise((r) => setTimeout(r, 1));
    }
    const handles = new Map<string, string>();
    const norm = (b: Buffer, isHandle: boolean): string => {
      const s = b.toString('latin1').split(prefix).join('P_');
      if (!isHandle) return JSON.stringify(s);
      if (!handles.has(s)) handles.set(s, `handle#${handles.size + 1}`);
      return handles.get(s)!;
    };
    const out: string[] = [];
    for (;;) {
      const e = await conn.next(3000);
      if (e.kind === 'packet') {
        const p = e.packet;
        if (p.type === T.ECHO_RES && p.args[0]!.toString('latin1') === 'gs-split-end') return out;
        const handleArg = [T.JOB_CREATED, T.JOB_ASSIGN, T.STATUS_RES].includes(p.type as 8) && !(p.type === T.STATUS_RES && p.args[0]!.toString() === 'H:gearspec:0');
        out.push(`${p.type}(${p.args.map((a, k) => norm(a, handleArg && k === 0)).join(',')})`);
      } else if (e.kind === 'text') out.push(`text ${e.line}`);
      else throw new Error(`conversation ended early: ${e.kind === 'decode-error' ? e.error.message : e.kind}`);
    }
  } finally {
    conn.close();
  }
}

function cut(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const pts = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of pts) {
    if (p > prev) out.push(bytes.subarray(prev, p));
    prev = p;
  }
  if (prev < bytes.length) out.push(bytes.subarray(prev));
  return out;
}

let n = 0;
const prefix = (): string => `ts${process.pid.toString(36)}${(++n).toString(36)}_`;

function suite(name: ServerPeerName, full: boolean): void {
  describe.skipIf(skipReason(name, 'transport-split') !== undefined)(`transport split/coalesce - ${name}`, () => {
    let server: StartedServer | undefined;
    beforeAll(async () => {
      server = await startServerPeer(name);
    });
    afterAll(async () => {
      await server?.stop();
    });
    it('the same conversation gets the same answers however it is split into writes', async () => {
      process.stdout.write(`[transport-split] ${name}: seed=${SEED}\n`);
      await fc.assert(
        fc.asyncProperty(fc.array(itemArb(full), { minLength: 1, maxLength: 14 }), fc.array(fc.nat(), { minLength: 1, maxLength: 10 }), async (items, cuts) => {
          const p1 = prefix();
          const whole = await converse(server!, [encode(items, p1)], p1);
          const p2 = prefix();
          const split = await converse(server!, cut(encode(items, p2), cuts), p2);
          expect(split).toEqual(whole);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    }, 120_000);
  });
}

suite('reference', true);
suite('gearmand', true);
// Perl gearmand lacks GET_STATUS_UNIQUE (spec §2) and has no fixed cross-function order.
suite('perl-gearmand', false);
