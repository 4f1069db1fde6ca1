/**
 * Foreground echo-job throughput against any Gearman server: C clients keep `depth` SUBMIT_JOBs in
 * flight each, W workers return the data with WORK_COMPLETE (GRAB_JOB / PRE_SLEEP / NOOP loop).
 * Raw sockets and a minimal parser so the load generator costs as little CPU as possible.
 *
 *   npx vite-node suites/reference/server/echo-bench.ts -- --port P [--clients 4] [--workers 4]
 *     [--depth 32] [--seconds 5] [--bytes 32] [--pid SERVER_PID]
 * Prints one JSON line: {"jobs":N,"seconds":S,"jobsPerSecond":R}.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** CPU seconds (user+system) a process has used, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

const RES_HEADER = 12;
const T = { CAN_DO: 1, PRE_SLEEP: 4, NOOP: 6, SUBMIT_JOB: 7, JOB_CREATED: 8, GRAB_JOB: 9, NO_JOB: 10, JOB_ASSIGN: 11, WORK_COMPLETE: 13, WORK_FAIL: 14, ERROR: 19 } as const;

function frame(type: number, body: Buffer): Buffer {
  const b = Buffer.allocUnsafe(12 + body.length);
  b.writeUInt32BE(0x00524551, 0);
  b.writeUInt32BE(type, 4);
  b.writeUInt32BE(body.length, 8);
  body.copy(b, 12);
  return b;
}

/** Calls onPacket(type, body) for each complete packet in the stream. */
function reader(onPacket: (type: number, body: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let off = 0;
    while (buf.length - off >= RES_HEADER) {
      const size = buf.readUInt32BE(off + 8);
      if (buf.length - off < RES_HEADER + size) break;
      onPacket(buf.readUInt32BE(off + 4), buf.subarray(off + RES_HEADER, off + RES_HEADER + size));
      off += RES_HEADER + size;
    }
    pending = off === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(off));
    buf = pending;
  };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

export interface BenchOptions {
  port: number;
  clients: number;
  workers: number;
  depth: number;
  seconds: number;
  bytes: number;
  fn?: string;
  /** The server's pid, to report its CPU time per job during the measured window. */
  serverPid?: number;
}

export async function benchEcho(o: BenchOptions): Promise<{ jobs: number; seconds: number; jobsPerSecond: number; idleGrabs: number; errors: number; serverCpuUsPerJob?: number }> {
  const fn = o.fn ?? `bench_${process.pid}`;
  const sockets: net.Socket[] = [];
  let completed = 0;
  /** Grabs answered NO_JOB: each costs the worker a PRE_SLEEP/NOOP round trip. */
  let idleGrabs = 0;
  /** ERROR packets received: a correct server sends none in this workload. */
  let errors = 0;
  let counting = false;
  let stopped = false;
  const grab = frame(T.GRAB_JOB, Buffer.alloc(0));
  const preSleep = frame(T.PRE_SLEEP, Buffer.alloc(0));
  for (let i = 0; i < o.workers; i++) {
    const s = await connect(o.port);
    sockets.push(s);
    s.on('error', () => {});
    s.on(
      'data',
      reader((type, body) => {
        if (type === T.JOB_ASSIGN) {
          const a = body.indexOf(0);
          const b = body.indexOf(0, a + 1);
          const reply = Buffer.concat([body.subarray(0, a + 1), body.subarray(b + 1)]);
          s.write(Buffer.concat([frame(T.WORK_COMPLETE, reply), grab]));
        } else if (type === T.NO_JOB) {
          idleGrabs++;
          s.write(preSleep);
        } else if (type === T.NOOP) s.write(grab);
      }),
    );
    s.write(Buffer.concat([frame(T.CAN_DO, Buffer.from(fn)), grab]));
  }
  const payload = Buffer.alloc(o.bytes, 0x61);
  const submit = frame(T.SUBMIT_JOB, Buffer.concat([Buffer.from(`${fn}\0\0`), payload]));
  for (let i = 0; i < o.clients; i++) {
    const s = await connect(o.port);
    sockets.push(s);
    s.on('error', () => {});
    s.on(
      'data',
      reader((type) => {
        if (type === T.WORK_COMPLETE || type === T.WORK_FAIL) {
          if (counting) completed++;
          if (!stopped) s.write(submit);
        } else if (type === T.ERROR) errors++;
      }),
    );
    s.write(Buffer.concat(Array.from({ length: o.depth }, () => submit)));
  }
  await new Promise((r) => setTimeout(r, 1000)); // warm-up
  counting = true;
  const cpu0 = cpuSeconds(o.serverPid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, o.seconds * 1000));
  const seconds = (performance.now() - t0) / 1000;
  const jobs = completed;
  const cpu1 = cpuSeconds(o.serverPid);
  const serverCpuUsPerJob = cpu0 !== undefined && cpu1 !== undefined && jobs > 0 ? Math.round(((cpu1 - cpu0) * 1e6) / jobs) : undefined;
  stopped = true;
  counting = false;
  for (const s of sockets) s.destroy();
  return { jobs, seconds: Math.round(seconds * 100) / 100, jobsPerSecond: Math.round(jobs / seconds), idleGrabs, errors, ...(serverCpuUsPerJob === undefined ? {} : { serverCpuUsPerJob }) };
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (process.argv.includes('--port')) {
  const result = await benchEcho({ port: flag('port', 0), clients: flag('clients', 4), workers: flag('workers', 4), depth: flag('depth', 32), seconds: flag('seconds', 5), bytes: flag('bytes', 32), serverPid: flag('pid', 0) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
