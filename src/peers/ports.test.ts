/**
 * Ports for peers: a free ephemeral one, and one below the ephemeral range for an address where
 * nothing may ever listen.
 */
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { pickFreePort, pickPortOutsideEphemeralRange } from './ports.js';

function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('ports', () => {
  it('pickFreePort hands out a port that can be bound', async () => {
    const port = await pickFreePort();
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('pickPortOutsideEphemeralRange gives a port below the kernel’s ephemeral range where a connection is refused', async () => {
    const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const low = Number(range.trim().split(/\s+/)[0]);
    const ports = await Promise.all(Array.from({ length: 5 }, () => pickPortOutsideEphemeralRange()));
    for (const port of ports) {
      expect(port).toBeGreaterThan(1024);
      expect(port).toBeLessThan(low);
      expect(await connectOutcome(port)).toBe('ECONNREFUSED');
    }
  });
});
