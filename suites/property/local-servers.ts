/**
 * Starts the installed C gearmand and Perl gearmand on ephemeral loopback ports for the property
 * suites, until the peers engineer's startServerPeer (src/peers/servers) is available. Every
 * start has a deadline and races the process exiting; stop() kills by the pid it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { ERROR_CODES, PeerError } from '../../src/errors.js';

export interface LocalServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  logs(): string;
  stop(): Promise<void>;
}

export const C_GEARMAND = '/usr/sbin/gearmand';
export const PERL_GEARMAND = '/usr/bin/gearmand';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function startProcess(name: string, bin: string, args: (port: number) => string[], timeoutMs: number): Promise<LocalServer> {
  if (!existsSync(bin)) throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, name, `${bin} is not installed (apt-get install ${name === 'gearmand' ? 'gearman-job-server' : 'gearman-server'})`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(bin, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (b: Buffer): void => {
      log = (log + b.toString('utf8')).slice(-16384);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    const exit = new Promise<void>((resolve) => child.once('exit', () => {
      exited = true;
      resolve();
    }));
    const stop = async (): Promise<void> => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exit;
      clearTimeout(timer);
    };
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !exited) {
      if (await canConnect(port)) return { name, host: '127.0.0.1', port, logs: () => log, stop };
      await new Promise((r) => setTimeout(r, 50));
    }
    await stop();
    if (Date.now() >= deadline) throw new PeerError(ERROR_CODES.PEER_START_FAILED, name, `not accepting connections on 127.0.0.1:${port} after ${timeoutMs} ms`, log);
    // Exited early (probably lost the port race): try another port.
  }
  throw new PeerError(ERROR_CODES.PEER_START_FAILED, name, 'exited during start-up three times');
}

export function startCGearmand(timeoutMs = 10_000): Promise<LocalServer> {
  return startProcess('gearmand', C_GEARMAND, (port) => ['-L', '127.0.0.1', '-p', String(port), '--log-file=none'], timeoutMs);
}

export function startPerlGearmand(timeoutMs = 10_000): Promise<LocalServer> {
  return startProcess('perl-gearmand', PERL_GEARMAND, (port) => ['-L', '127.0.0.1', '-p', String(port)], timeoutMs);
}
