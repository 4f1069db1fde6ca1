/**
 * Fallback launcher for the installed C and Perl gearmand, used by certify and the conformance suites when
 * the peers layer (src/peers/servers) is not available. Loopback only, a free ephemeral port,
 * a readiness deadline raced against early exit, and kill-by-pid on stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

export interface NativeServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  logs(): string;
  stop(): Promise<void>;
}

export const NATIVE_BINARIES = { gearmand: '/usr/sbin/gearmand', 'perl-gearmand': '/usr/bin/gearmand' } as const;
export type NativeName = keyof typeof NATIVE_BINARIES;

export function nativeAvailable(name: NativeName): boolean {
  return existsSync(NATIVE_BINARIES[name]);
}

/** A port the kernel just handed out on 127.0.0.1 (closed again; small reuse race accepted). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const t = setTimeout(() => (sock.destroy(), resolve(false)), 300);
    sock.once('connect', () => (clearTimeout(t), sock.destroy(), resolve(true)));
    sock.once('error', () => (clearTimeout(t), resolve(false)));
  });
}

export async function startNative(name: NativeName, extraArgs: readonly string[] = [], deadlineMs = 10_000): Promise<NativeServer> {
  const port = await freePort();
  const args = name === 'gearmand' ? ['-L', '127.0.0.1', '-p', String(port), '--log-file=none', ...extraArgs] : ['-L', '127.0.0.1', '-p', String(port), ...extraArgs];
  const child: ChildProcess = spawn(NATIVE_BINARIES[name], args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (b: Buffer) => {
    log = (log + b.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exitedP = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  const stop = async () => {
    if (!exited && child.pid) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exitedP;
      clearTimeout(t);
    }
  };
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} exited before accepting connections: ${log}`);
    if (await canConnect(port)) return { name, host: '127.0.0.1', port, pid: child.pid ?? -1, logs: () => log, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`${name} did not accept connections on 127.0.0.1:${port} within ${deadlineMs} ms: ${log}`);
}
