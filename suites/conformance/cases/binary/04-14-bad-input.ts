/**
 * spec §4.14 Bad input summary and §1.2/§1.3 parsing. A hang (no reply and the connection
 * left open and unusable) always fails; an ERROR packet or a close are the acceptable answers.
 * These cases run after everything else; the short-argument-list case is in 99-last.ts.
 */
import { T, packetName } from '../../../../src/protocol/constants.js';
import { encodeFrame, joinArgs } from '../../../../src/protocol/encoder.js';
import { alternative, type CaseDef, informational, pass } from '../../../../src/runner/case-def.js';
import type { CaseContext } from '../../../../src/runner/context.js';
import { fail } from '../../../../src/runner/failures.js';
import type { Probe } from '../../../../src/runner/probe.js';
import { text } from '../../../../src/runner/steps.js';
import { errLineThenVersion } from '../shared.js';

type Reaction = { kind: 'error'; code: string; after: 'alive' | 'closed' | 'silent' } | { kind: 'closed' } | { kind: 'text'; line: string } | { kind: 'silent' } | { kind: 'other'; what: string };

/** Send `bytes`, then see how the server reacts: ERROR (and still usable?), close, or silence. */
async function react(ctx: CaseContext, c: Probe, bytes: Buffer): Promise<Reaction> {
  c.raw(bytes);
  const e = await c.read();
  if (e.kind === 'closed') return { kind: 'closed' };
  if (e.kind === 'timeout') {
    // Silent: is the connection still usable (ignored the packet) or wedged?
    c.send(T.ECHO_REQ, 'probe');
    const after = await c.read();
    if (after.kind === 'closed') return { kind: 'closed' };
    return after.kind === 'packet' && after.packet.type === T.ECHO_RES ? { kind: 'other', what: 'no reply to the bad packet (ignored), connection still usable' } : { kind: 'silent' };
  }
  if (e.kind === 'text') return { kind: 'text', line: e.line };
  if (e.kind === 'packet' && e.packet.type === T.ERROR) {
    const code = text(e.packet.args[0]);
    c.send(T.ECHO_REQ, 'after-error');
    const after = await c.read();
    ctx.note(`after the ERROR: ${after.kind}`);
    return { kind: 'error', code, after: after.kind === 'closed' ? 'closed' : after.kind === 'packet' && after.packet.type === T.ECHO_RES ? 'alive' : 'silent' };
  }
  return { kind: 'other', what: e.kind === 'packet' ? `${packetName(e.packet.type)} packet` : e.kind };
}

const describe = (r: Reaction): string => {
  switch (r.kind) {
    case 'error':
      return `ERROR ${r.code}${r.after === 'alive' ? ', connection still usable' : r.after === 'closed' ? ', then the connection closed' : ', then the connection no longer answers (hang)'}`;
    case 'closed':
      return 'connection closed';
    case 'text':
      return `text line ${JSON.stringify(r.line)}`;
    case 'silent':
      return 'no reply and the connection no longer answers (hang)';
    case 'other':
      return r.what;
  }
};

const ERROR_OR_CLOSE = ['ERROR packet (then usable or closed)', 'connection closed'];

const badFrame = (id: string, section: string, what: string, bytes: () => Buffer): CaseDef => ({
  id,
  section,
  requirement: `A server receiving ${what} MUST answer with ERROR or close the connection; it MUST NOT hang.`,
  level: 'MUST',
  description: `Sends ${what}, then ECHO_REQ if nothing came back.`,
  outcomes: [
    { outcome: 'pass', when: 'ERROR packet (connection then usable or closed)' },
    { outcome: 'pass', when: 'connection closed' },
  ],
  async run(ctx) {
    const c = await ctx.connect('c');
    const r = await react(ctx, c, bytes());
    if ((r.kind === 'error' && r.after !== 'silent') || r.kind === 'closed') return pass(describe(r));
    return fail(ERROR_OR_CLOSE, describe(r));
  },
});

const UNKNOWN_TYPES = [0, 43, 99, 0x7fffffff] as const;
const unknownTypeCases: CaseDef[] = UNKNOWN_TYPES.map((type) => ({
  id: `binary/bad-input/unknown-type-${type}`,
  section: '4.14',
  requirement: `A packet of unknown type ${type} MUST be answered with ERROR or a close (a named alternative); the server MUST NOT hang.`,
  level: 'MUST',
  description: `Sends \\0REQ type ${type} with an empty body.`,
  outcomes: [
    { outcome: 'pass-alternative', alternative: 'unknown-type', choice: 'close', when: 'connection closed without a reply' },
    { outcome: 'pass-alternative', alternative: 'unknown-type', choice: 'error-packet', when: 'ERROR packet, connection kept' },
  ],
  async run(ctx) {
    const c = await ctx.connect('c');
    const r = await react(ctx, c, encodeFrame('REQ', type, Buffer.alloc(0)));
    if (r.kind === 'closed') return alternative('unknown-type', 'close');
    if (r.kind === 'error' && r.after === 'alive') return alternative('unknown-type', 'error-packet', `ERROR ${r.code}`);
    if (r.kind === 'error' && r.after === 'closed') return alternative('unknown-type', 'close', `ERROR ${r.code}, then closed`);
    return fail(ERROR_OR_CLOSE, describe(r));
  },
}));

/** Types a server sends, sent back to it with a full argument list (never short: §1.2). */
const RESPONSE_TYPES: readonly [number, readonly string[]][] = [
  [5, []],
  [T.NOOP, []],
  [T.JOB_CREATED, ['H:gearspec:1']],
  [T.NO_JOB, []],
  [T.JOB_ASSIGN, ['H:gearspec:1', 'f', 'd']],
  [T.ECHO_RES, ['d']],
  [T.ERROR, ['CODE', 'text']],
  [T.STATUS_RES, ['H:gearspec:1', '0', '0', '0', '0']],
  [T.ALL_YOURS, []],
  [T.OPTION_RES, ['exceptions']],
  [T.JOB_ASSIGN_UNIQ, ['H:gearspec:1', 'f', 'u', 'd']],
  [T.JOB_ASSIGN_ALL, ['H:gearspec:1', 'f', 'u', 'r', 'd']],
  [T.STATUS_RES_UNIQUE, ['u', '0', '0', '0', '0', '0']],
];

const responseTypeCases: CaseDef[] = RESPONSE_TYPES.map(([type, args]) => ({
  id: `binary/bad-input/not-a-request-${type === 5 ? 'reserved-5' : packetName(type).toLowerCase().replace(/_/g, '-')}`,
  section: '2',
  requirement: `${type === 5 ? 'Reserved type 5' : packetName(type)} is not a request; the server SHOULD answer ERROR (gearmand INVALID_COMMAND, Perl server_error) and keep the connection.`,
  level: 'SHOULD',
  description: `Sends \\0REQ type ${type} with its full argument list (${args.length} arguments), then ECHO_REQ.`,
  outcomes: [{ outcome: 'pass', when: 'ERROR packet, then ECHO_RES' }],
  async run(ctx) {
    const c = await ctx.connect('c');
    const r = await react(ctx, c, encodeFrame('REQ', type, joinArgs(args.map((a) => Buffer.from(a)))));
    if (r.kind === 'error' && r.after === 'alive') return pass(`ERROR ${r.code}`);
    return fail(['ERROR packet, connection still usable'], describe(r));
  },
}));

export const cases: readonly CaseDef[] = [
  ...responseTypeCases,
  ...unknownTypeCases,
  badFrame('binary/bad-input/res-magic-request', '4.14', 'a request framed with \\0RES magic (ECHO_REQ "hi")', () => encodeFrame('RES', T.ECHO_REQ, Buffer.from('hi'))),
  badFrame('binary/bad-input/bad-magic-zero-first-byte', '4.14', 'bad magic 00 58 59 5a ("\\0XYZ")', () => encodeFrame(Buffer.from([0, 0x58, 0x59, 0x5a]), T.ECHO_REQ, Buffer.from('z'))),
  {
    id: 'binary/bad-input/bad-magic-text-first-byte',
    section: '4.14',
    requirement: 'Bytes starting with a non-zero byte are an admin line; the server MUST answer it (ERR line), send ERROR, or close; never hang.',
    level: 'MUST',
    description: 'Sends "XREQ" + a binary header + "z\\n".',
    outcomes: [
      { outcome: 'pass', when: 'an ERR text line' },
      { outcome: 'pass', when: 'ERROR packet' },
      { outcome: 'pass', when: 'connection closed' },
    ],
    async run(ctx) {
      const c = await ctx.connect('c');
      const r = await react(ctx, c, Buffer.concat([encodeFrame(Buffer.from('XREQ'), T.ECHO_REQ, Buffer.from('z')), Buffer.from('\n')]));
      if (r.kind === 'text' || r.kind === 'closed' || (r.kind === 'error' && r.after !== 'silent')) return pass(describe(r));
      return fail(['ERR line', 'ERROR packet', 'connection closed'], describe(r));
    },
  },
  {
    id: 'binary/bad-input/declared-size-over-limit',
    section: '4.14',
    requirement: 'A header declaring a body far beyond any sane size (2 GiB) SHOULD be rejected (ERROR or close) rather than buffered.',
    level: 'SHOULD',
    description: 'Sends an ECHO_REQ header declaring 0x7fffffff body bytes and 4 bytes of body.',
    outcomes: [{ outcome: 'pass', when: 'connection closed or ERROR' }],
    async run(ctx) {
      const c = await ctx.connect('c');
      c.raw(encodeFrame('REQ', T.ECHO_REQ, Buffer.from('abcd'), 0x7fffffff));
      const e = await c.read();
      if (e.kind === 'closed') return pass('closed');
      if (e.kind === 'packet' && e.packet.type === T.ERROR) return pass(`ERROR ${text(e.packet.args[0])}`);
      return fail(['connection closed', 'ERROR packet'], e.kind === 'timeout' ? 'no reply: the server waits for the declared body' : e.kind);
    },
  },
  {
    id: 'binary/bad-input/oversize-argument',
    section: '1.2',
    requirement: "A 9000-byte function name exceeds gearmand's 8 KiB receive buffer (closed) but not Perl's (accepted). Recorded only.",
    level: 'INFO',
    description: 'Sends CAN_DO with a 9000-byte name, then ECHO_REQ.',
    outcomes: [{ outcome: 'informational', when: 'closed, ERROR, or accepted; recorded' }],
    async run(ctx) {
      const c = await ctx.connect('c');
      c.send(T.CAN_DO, 'F'.repeat(9000));
      c.send(T.ECHO_REQ, 'after');
      const e = await c.read();
      return informational(e.kind === 'packet' ? `${packetName(e.packet.type)} (${e.packet.type === T.ECHO_RES ? 'accepted' : 'rejected'})` : e.kind);
    },
  },
  {
    id: 'binary/bad-input/text-line-without-newline',
    section: '4.14',
    requirement: 'A 9000-byte admin line without a newline MAY be refused by closing; if the server buffers it, it MUST answer once the newline comes. It MUST NOT hang.',
    level: 'MUST',
    description: 'Sends 9000 "a" bytes, waits, then sends "\\n".',
    outcomes: [
      { outcome: 'pass', when: 'connection closed' },
      { outcome: 'pass', when: 'an ERR line after the newline' },
    ],
    async run(ctx) {
      const c = await ctx.connect('c');
      c.raw(Buffer.alloc(9000, 0x61));
      const first = await c.read(ctx.quietMs);
      if (first.kind === 'closed') return pass('closed before the newline');
      if (first.kind === 'text') return pass(`answered before the newline: ${JSON.stringify(first.line.slice(0, 60))}`);
      c.raw(Buffer.from('\n'));
      const e = await c.read();
      if (e.kind === 'closed') return pass('closed');
      if (e.kind === 'text') return pass(`ERR after the newline: ${JSON.stringify(e.line.slice(0, 60))}`);
      return fail(['connection closed', 'an ERR line after the newline'], e.kind === 'timeout' ? 'no reply (hang)' : e.kind);
    },
  },
  {
    id: 'binary/bad-input/text-line-leading-space',
    section: '3.1',
    requirement: 'Every admin line MUST be answered; a line starting with a space gets the unknown-command ERR.',
    level: 'MUST',
    description: 'Sends " status\\n", then "version\\n".',
    outcomes: [{ outcome: 'pass', when: 'an ERR line, then the version line' }],
    async run(ctx) {
      const c = await ctx.connect('c');
      c.text(' status');
      const line = await errLineThenVersion(c, '" status"', (l) => l.startsWith('ERR'), 'an ERR line', 'version after the error');
      return pass(JSON.stringify(line));
    },
  },
];
