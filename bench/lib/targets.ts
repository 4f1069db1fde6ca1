/**
 * The servers the benchmark compares, each run as its own process so that no server shares an
 * event loop with the load generator: the reference server in a child Node process (this same
 * script with --serve-reference), C gearmand and Perl gearmand through the peers layer
 * (native unless GEARSPEC_PEERS=container). `cpuSeconds()` reads the
 * process's user+system time from /proc so the report can say who was saturated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServerPeer } from '../../src/peers/servers/index.js';

export interface BenchTarget {
  readonly server: 'reference' | 'gearmand' | 'perl-gearmand';
  readonly config: string;
  /** C gearmand I/O threads (-t). */
  readonly threads?: number;
}

export interface RunningTarget {
  readonly host: string;
  readonly port: number;
  readonly version: string;
  /** CPU seconds used so far by the server process, or NaN when unknown. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

function procCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100; // CLK_TCK is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

function stopChild(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Start the reference server in a child process; it prints "PORT <n>" once listening. */
async function startReferenceChild(extraNodeArgs: readonly string[], timeoutMs: number): Promise<RunningTarget> {
  const script = fileURLToPath(new URL('../echo-throughput.js', import.meta.url));
  const child = spawn(process.execPath, [...extraNodeArgs, script, '--serve-reference'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`reference server child printed no port within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const m = /PORT (\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reference server child exited (${code}) before listening`));
    });
  }).catch(async (e: unknown) => {
    await stopChild(child);
    throw e;
  });
  return { host: HOST, port, version: 'gearspec reference', cpuSeconds: () => procCpuSeconds(child.pid), stop: () => stopChild(child) };
}

export async function startTarget(t: BenchTarget, options: { profileDir?: string; timeoutMs: number }): Promise<RunningTarget> {
  if (t.server === 'reference') {
    const nodeArgs = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
    return startReferenceChild(nodeArgs, options.timeoutMs);
  }
  // Native unless GEARSPEC_PEERS asks otherwise: the CPU column reads the server process's /proc entry.
  const provider = process.env.GEARSPEC_PEERS === 'container' ? 'container' : 'native';
  const s = await startServerPeer(t.server, { ...(t.threads !== undefined && { threads: t.threads }), startupTimeoutMs: options.timeoutMs, provider });
  // A native server's pid is in its start details; in a container it is unknown (CPU shows NaN).
  const details = (s as { details?: Readonly<Record<string, string | number>> }).details;
  const pid = typeof details?.pid === 'number' ? details.pid : undefined;
  return { host: s.host, port: s.port, version: s.version, cpuSeconds: () => procCpuSeconds(pid), stop: () => s.stop() };
}
