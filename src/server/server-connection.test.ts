import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { T } from '../protocol/constants.js';
import { req } from '../protocol/packet.js';
import { GearmanConnection } from '../transport/connection.js';
import { type ConnectionHost, ServerConnection } from './server-connection.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A listener whose connections use `host`, plus a client connected to it. */
async function pair(host: ConnectionHost): Promise<GearmanConnection> {
  const listener = net.createServer((socket) => new ServerConnection(socket, host, { maxPacketBytes: 1024, maxTextLineBytes: 64, exceptions: false }));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as net.AddressInfo).port;
  const client = await GearmanConnection.connect({ host: '127.0.0.1', port });
  cleanup.push(() => {
    client.close();
    listener.close();
  });
  return client;
}

describe('ServerConnection', () => {
  it('contains a handler bug: ERROR SERVER_ERROR on that connection, then a clean close', async () => {
    const errors: unknown[] = [];
    let closed = 0;
    const host: ConnectionHost = {
      onPacket: () => {
        throw new Error('boom');
      },
      onText: () => {},
      onFatal: () => {},
      onInternalError: (_c, err) => errors.push(err),
      onClose: () => closed++,
      markDirty: (c) => queueMicrotask(() => c.flush()),
    };
    const client = await pair(host);
    client.send(req(T.ECHO_REQ, 'x'));
    const p = await client.expect([T.ERROR], 2000);
    expect(p.args[0]!.toString()).toBe('SERVER_ERROR');
    expect((await client.next(3000)).kind).toBe('closed');
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('boom');
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(1);
  });
});
