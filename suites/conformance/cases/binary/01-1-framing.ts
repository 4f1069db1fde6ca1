/**
 * spec §1.1 Binary packet, §1.4 text and binary on one port: a 12-byte header with big-endian
 * type and size, arguments joined by single NULs, and only \0RES magic from the server.
 */
import { encodeFrame, joinArgs } from '../../../../src/protocol/encoder.js';
import { T } from '../../../../src/protocol/constants.js';
import { type CaseDef, pass } from '../../../../src/runner/case-def.js';
import { check } from '../../../../src/runner/failures.js';
import { text } from '../../../../src/runner/steps.js';

const echoFrame = (data: string | Buffer) => encodeFrame('REQ', T.ECHO_REQ, Buffer.isBuffer(data) ? data : Buffer.from(data));

export const cases: readonly CaseDef[] = [
  {
    id: 'binary/framing/res-magic-and-layout',
    section: '1.1',
    requirement: 'Every packet from the server MUST have the \\0RES magic, a big-endian type and a big-endian size counting every body byte.',
    level: 'MUST',
    description: 'Sends ECHO_REQ "hello" and checks the reply frame field by field.',
    outcomes: [{ outcome: 'pass', when: 'ECHO_RES: 00 52 45 53 | 00 00 00 11 | 00 00 00 05 | "hello"' }],
    async run(ctx) {
      const c = await ctx.connect('c');
      c.raw(echoFrame('hello'));
      const p = await c.expect(T.ECHO_RES);
      check(text(p.args[0]) === 'hello', 'ECHO_RES data "hello"', text(p.args[0]));
      return pass();
    },
  },
  {
    id: 'binary/framing/size-above-255',
    section: '1.1',
    requirement: 'The size field MUST be read as a 32-bit big-endian integer (a 300-byte body has size 00 00 01 2c).',
    level: 'MUST',
    description: 'Sends ECHO_REQ with a 300-byte body and expects all 300 bytes back.',
    outcomes: [{ outcome: 'pass', when: 'ECHO_RES with the same 300 bytes' }],
    async run(ctx) {
      const data = Buffer.alloc(300, 0x61);
      const c = await ctx.connect('c');
      c.raw(echoFrame(data));
      const p = await c.expect(T.ECHO_RES);
      check(p.args[0]!.equals(data), 'the same 300 bytes', `${p.args[0]!.length} bytes`);
      return pass();
    },
  },
  {
    id: 'binary/framing/bytewise-writes',
    section: '1.1',
    requirement: 'The server MUST reassemble a packet that arrives one byte per TCP write.',
    level: 'MUST',
    description: 'Sends ECHO_REQ "split" as 17 one-byte writes.',
    outcomes: [{ outcome: 'pass', when: 'ECHO_RES "split"' }],
    async run(ctx) {
      const c = await ctx.connect('c');
      c.raw(echoFrame('split'), 1);
      const p = await c.expect(T.ECHO_RES);
      check(text(p.args[0]) === 'split', 'ECHO_RES "split"', text(p.args[0]));
      return pass();
    },
  },
  {
    id: 'binary/framing/pipelined-packets',
    section: '1.1',
    requirement: 'Several packets in one TCP write MUST each be answered, in order.',
    level: 'MUST',
    description: 'Sends three ECHO_REQ ("one", "two", "three") in a single write.',
    outcomes: [{ outcome: 'pass', when: 'three ECHO_RES in order one, two, three' }],
    async run(ctx) {
      const c = await ctx.connect('c');
      c.raw(Buffer.concat([echoFrame('one'), echoFrame('two'), echoFrame('three')]));
      for (const want of ['one', 'two', 'three']) {
        const p = await c.expect(T.ECHO_RES, { expected: [`ECHO_RES "${want}"`] });
        check(text(p.args[0]) === want, `ECHO_RES "${want}"`, text(p.args[0]));
      }
      return pass();
    },
  },
  {
    id: 'binary/framing/zero-size-body',
    section: '1.1',
    requirement: 'A packet without arguments has size 0 and MUST be accepted (GRAB_JOB = 00 52 45 51 00 00 00 09 00 00 00 00).',
    level: 'MUST',
    description: 'Sends the 12-byte GRAB_JOB from a connection with no CAN_DO.',
    outcomes: [{ outcome: 'pass', when: 'NO_JOB (size 0)' }],
    async run(ctx) {
      const c = await ctx.connect('w');
      c.raw(encodeFrame('REQ', T.GRAB_JOB, Buffer.alloc(0)));
      const p = await c.expect(T.NO_JOB);
      check(p.args.length === 0, 'NO_JOB without body', `${p.args.length} args`);
      return pass();
    },
  },
  {
    id: 'binary/framing/packet-split-across-writes-with-next',
    section: '1.1',
    requirement: 'A write that ends inside one packet and carries the start of the next MUST be parsed at the packet boundary.',
    level: 'MUST',
    description: 'Sends two ECHO_REQ as writes of 7 bytes each, so every write straddles fields and packets.',
    outcomes: [{ outcome: 'pass', when: 'ECHO_RES "first-packet", then ECHO_RES "second"' }],
    async run(ctx) {
      const c = await ctx.connect('c');
      c.raw(Buffer.concat([echoFrame('first-packet'), echoFrame('second')]), 7);
      for (const want of ['first-packet', 'second']) {
        const p = await c.expect(T.ECHO_RES);
        check(text(p.args[0]) === want, `ECHO_RES "${want}"`, text(p.args[0]));
      }
      return pass();
    },
  },
  {
    id: 'binary/framing/text-and-binary-on-one-connection',
    section: '1.4',
    requirement: 'The server MUST decide text vs binary per message: a first byte 0x00 is binary, anything else an admin line.',
    level: 'MUST',
    description: 'In one write: "version\\n", a binary ECHO_REQ "mid", then "version\\n" again.',
    outcomes: [{ outcome: 'pass', when: 'a version line, ECHO_RES "mid", a version line, in that order' }],
    async run(ctx) {
      const c = await ctx.connect('c');
      c.raw(Buffer.concat([Buffer.from('version\n'), echoFrame('mid'), Buffer.from('version\n')]));
      const first = await c.expectLine('version');
      const p = await c.expect(T.ECHO_RES);
      check(text(p.args[0]) === 'mid', 'ECHO_RES "mid"', text(p.args[0]));
      const second = await c.expectLine('second version');
      check(first === second, 'the same version line twice', `${JSON.stringify(first)} then ${JSON.stringify(second)}`);
      return pass();
    },
  },
  {
    id: 'binary/framing/arguments-joined-by-single-nul',
    section: '1.1',
    requirement: 'Arguments are joined by single NULs with no NUL after the last one; the server MUST split them that way (JOB_ASSIGN = handle\\0function\\0data).',
    level: 'MUST',
    description: 'Submits SUBMIT_JOB built by hand (function, unique, data) and checks the JOB_ASSIGN body byte for byte.',
    outcomes: [{ outcome: 'pass', when: 'JOB_ASSIGN body exactly handle 00 function 00 data' }],
    async run(ctx) {
      const fn = ctx.fn('nul');
      const c = await ctx.connect('client');
      c.raw(encodeFrame('REQ', T.SUBMIT_JOB, joinArgs([Buffer.from(fn), Buffer.from(''), Buffer.from('d1')])));
      const created = await c.expect(T.JOB_CREATED);
      const handle = text(created.args[0]);
      const w = await ctx.connect('worker');
      w.send(T.CAN_DO, fn);
      w.send(T.GRAB_JOB);
      const a = await w.expect(T.JOB_ASSIGN, { skip: [T.NOOP] });
      const body = joinArgs(a.args);
      const want = Buffer.concat([Buffer.from(handle), Buffer.from([0]), Buffer.from(fn), Buffer.from([0]), Buffer.from('d1')]);
      check(body.equals(want), `JOB_ASSIGN body ${JSON.stringify(want.toString('latin1'))}`, JSON.stringify(body.toString('latin1')));
      return pass();
    },
  },
];
