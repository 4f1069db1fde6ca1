import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T } from '../protocol/constants.js';
import { encodeFrame, encodePacket } from '../protocol/encoder.js';
import { req } from '../protocol/packet.js';
import { type ReferenceServer, startReferenceServer } from '../server/index.js';
import { CheckedRelay } from './wire-check.js';

let server: ReferenceServer;
beforeAll(async () => {
  server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
});
afterAll(() => server.close());

/** Send bytes through the relay, then an ECHO round trip so everything before it has passed. */
async function through(relay: CheckedRelay, bytes: Buffer): Promise<void> {
  const i = relay.address.lastIndexOf(':');
  const s = net.connect(Number(relay.address.slice(i + 1)), '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  const echoed = new Promise<void>((resolve) => {
    let got = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.includes(Buffer.from('sync'))) resolve();
    });
  });
  s.write(Buffer.concat([bytes, encodePacket(req(T.ECHO_REQ, 'sync'))]));
  await echoed;
  s.destroy();
}

describe('CheckedRelay: the request-side check on a live connection', () => {
  it('passes well-formed requests and names each broken one', async () => {
    const relay = await CheckedRelay.start(server.address, 'worker', 'test worker');
    try {
      await through(relay, encodePacket(req(T.CAN_DO, 'f')));
      expect(relay.take()).toEqual([]);
      await through(relay, Buffer.concat([encodeFrame('RES', T.CAN_DO, Buffer.from('f')), encodeFrame('REQ', T.WORK_FAIL, Buffer.from('H:1\0extra')), encodePacket(req(T.SUBMIT_JOB, 'f', '', 'x'))]));
      const v = relay.take();
      expect(v.some((x) => /CAN_DO sent with \\0RES magic/.test(x))).toBe(true);
      expect(v.some((x) => /WORK_FAIL has extra NUL-separated bytes/.test(x))).toBe(true);
      expect(v.some((x) => /SUBMIT_JOB is sent by a client, not by a worker/.test(x))).toBe(true);
    } finally {
      await relay.stop();
    }
  });
});
