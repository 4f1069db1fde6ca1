import { describe, expect, it } from 'vitest';
import type net from 'node:net';
import { T } from '../protocol/constants.js';
import { decodeAll } from '../protocol/decoder.js';
import { OutBuffer } from './out-buffer.js';

/** Collects what OutBuffer writes, as a net.Socket stand-in. */
function sink(): { socket: net.Socket; writes: Buffer[] } {
  const writes: Buffer[] = [];
  const socket = { write: (b: Buffer) => writes.push(Buffer.from(b)) > 0, cork: () => {}, uncork: () => {} } as unknown as net.Socket;
  return { socket, writes };
}

describe('OutBuffer', () => {
  it('batches packets and text into one write, encoded as the shared decoder reads them', () => {
    const out = new OutBuffer();
    const { socket, writes } = sink();
    out.packet(T.JOB_CREATED, Buffer.from('H:x:1'));
    out.packet(T.NOOP);
    out.text('OK\r\n');
    out.packet(T.JOB_ASSIGN_UNIQ, Buffer.from('H:x:1'), Buffer.from('fn'), Buffer.alloc(0), Buffer.from([0, 1, 0]));
    out.flush(socket);
    expect(writes).toHaveLength(1);
    const events = decodeAll(writes[0]!);
    expect(events.map((e) => e.kind)).toEqual(['packet', 'packet', 'text', 'packet']);
    const last = events[3]!;
    expect(last.kind === 'packet' && last.packet.args.map((a) => a.toString('hex'))).toEqual([Buffer.from('H:x:1').toString('hex'), Buffer.from('fn').toString('hex'), '', '000100']);
    out.flush(socket);
    expect(writes).toHaveLength(1); // nothing pending
  });

  it('passes large bodies by reference and spills across slabs, keeping order', () => {
    const out = new OutBuffer();
    const { socket, writes } = sink();
    const big = Buffer.alloc(200 * 1024, 7);
    for (let i = 0; i < 3000; i++) out.packet(T.ECHO_RES, Buffer.from(`m${i}`));
    out.packet(T.WORK_COMPLETE, Buffer.from('H:x:2'), big);
    out.packet(T.ECHO_RES, Buffer.from('after'));
    out.flush(socket);
    const events = decodeAll(Buffer.concat(writes));
    expect(events).toHaveLength(3002);
    const complete = events[3000]!;
    expect(complete.kind === 'packet' && complete.packet.args[1]!.equals(big)).toBe(true);
    const after = events[3001]!;
    expect(after.kind === 'packet' && after.packet.args[0]!.toString()).toBe('after');
  });
});
