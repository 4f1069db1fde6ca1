import { spawn } from 'node:child_process';
import { type AddressInfo, type Socket, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startReferenceServer } from '../server/index.js';
import { parseVersionReply, waitForServerReady } from './readiness.js';
import { listenerOwner } from './proc-net.js';
import { occupyPort } from './test-helpers.js';

describe('parseVersionReply', () => {
  it('strips the C "OK " prefix and the Perl "v"', () => {
    expect(parseVersionReply('OK 1.1.20+ds')).toBe('1.1.20+ds');
    expect(parseVersionReply('v1.130.1')).toBe('1.130.1');
    expect(parseVersionReply('OK gearspec-0.1.0')).toBe('gearspec-0.1.0');
    expect(parseVersionReply('something else')).toBe('something else');
  });
});

describe('listenerOwner', () => {
  it('tells our own listener from nobody and from another process', async () => {
    const held = await occupyPort();
    try {
      expect(await listenerOwner(process.pid, held.port)).toBe('ours');
      // pid 1 is not us and does not hold this port.
      expect(await listenerOwner(1, held.port)).toMatch(/^(other|unknown)$/);
    } finally {
      await held.close();
    }
    expect(await listenerOwner(process.pid, held.port)).toBe('none');
  });
});

describe('listenerOwner through a process tree', () => {
  it('counts a listener held by a child of the pid as ours (a server under tini or a launcher)', async () => {
    const child = spawn(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port));setTimeout(()=>{},30000)"], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const port = Number(await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))));
      // This test process is the child's parent: the listener is in our tree.
      expect(await listenerOwner(process.pid, port)).toBe('ours');
      expect(await listenerOwner(child.pid!, port)).toBe('ours');
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('waitForServerReady', () => {
  it('echo: ready once ECHO_REQ is answered byte for byte', async () => {
    const server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    try {
      const signal = AbortSignal.timeout(5000);
      await expect(waitForServerReady('echo', { name: 'reference', host: '127.0.0.1', port: server.port, pid: process.pid, signal })).resolves.toBe('');
    } finally {
      await server.close();
    }
  });

  it('listening: ready on an accepted connection, even from a server that never answers Gearman', async () => {
    // A mute server: accepts, reads, never writes; its sockets are destroyed when it closes.
    const sockets = new Set<Socket>();
    const mute = createServer((sock) => {
      sockets.add(sock);
      sock.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const port = (mute.address() as AddressInfo).port;
    try {
      await expect(waitForServerReady('listening', { name: 'mute', host: '127.0.0.1', port, pid: process.pid, signal: AbortSignal.timeout(5000) })).resolves.toBe('');
      // The same mute server never passes the echo probe: the wait ends with the deadline.
      await expect(waitForServerReady('echo', { name: 'mute', host: '127.0.0.1', port, pid: process.pid, signal: AbortSignal.timeout(1500), pollMs: 100 })).rejects.toThrow();
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((resolve) => mute.close(() => resolve()));
    }
  });
});
