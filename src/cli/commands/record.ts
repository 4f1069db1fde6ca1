/**
 * gearspec record: a transparent TCP proxy that writes every connection's packets, both
 * directions, with timing, to a fixture file as they happen (one line per record, so a killed
 * recording keeps every record up to the kill). Stops on SIGINT/SIGTERM (also sent to `npx
 * gearspec record`; see ../lifecycle.ts) or after --duration, then ends the file with its summary.
 */
import { FIXTURE_FORMAT, type FixtureRecord } from '../../fixtures/format.js';
import { parseAddress, parseArgs, usageError } from '../args.js';
import { type Command, EXIT, exitCodes } from '../command.js';
import { limitRun, onStop } from '../lifecycle.js';
import { unreachable, unreachableLine } from '../reachable.js';
import { Recorder } from '../../fixtures/recorder.js';
import { FixtureStream } from '../../fixtures/write.js';

const flags = {
  listen: { type: 'number', help: 'port to listen on, on 127.0.0.1 (0 = ephemeral; the port is printed)' },
  upstream: { type: 'string', help: 'the server to relay to, host:port' },
  out: { type: 'string', help: 'fixture file to write (JSON Lines)' },
  description: { type: 'string', help: 'what the transcript shows', default: 'recorded session' },
  peer: { type: 'string', repeat: true, help: 'a peer and its version, key=value (e.g. server="gearmand 1.1.20")' },
  duration: { type: 'number', help: 'stop after this many seconds (default: until SIGINT/SIGTERM)' },
} as const;

export function parsePeers(list: readonly string[] | undefined): Record<string, string> {
  const peers: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw usageError(`--peer expects key=value, got ${JSON.stringify(item)}`);
    peers[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return peers;
}

export const command: Command = {
  name: 'record',
  summary: 'relay a Gearman server through a proxy and record the session as a fixture',
  usage: `gearspec record --listen PORT --upstream host:port --out FILE [--description TEXT] [--peer key=value ...] [--duration S]

Relays 127.0.0.1:PORT to the upstream server until SIGINT/SIGTERM or --duration, writing FILE as
it goes: one record per line (each connection's open and close, each packet, each admin text
line; fixtures/README.md), and a summary record at the end. A recording that is killed keeps every
record written before the kill.

${exitCodes('the recording was written', undefined, 'usage error; the upstream server cannot be reached (one line, before listening); no\n     client connected, so nothing was recorded (FILE is not written)', 'end the recording and write FILE, as --duration does (a second signal ends it at once)')}`,
  flags,
  async run(argv) {
    const { flags: f } = parseArgs(argv, flags);
    if (f.listen === undefined) throw usageError('--listen is required');
    if (typeof f.upstream !== 'string') throw usageError('--upstream is required');
    if (typeof f.out !== 'string') throw usageError('--out is required');
    const listen = Number(f.listen);
    if (!Number.isInteger(listen) || listen > 65535) throw usageError(`--listen expects a port number, got ${String(f.listen)}`);
    const upstream = parseAddress(f.upstream, '--upstream');
    const peers = parsePeers(f.peer as readonly string[] | undefined);
    const out = f.out;
    const why = await unreachable(upstream.host, upstream.port, 3000);
    if (why) {
      process.stderr.write(unreachableLine('record', upstream.host, upstream.port, why));
      return EXIT.HARNESS;
    }
    const durationMs = f.duration !== undefined ? Number(f.duration) * 1000 : undefined;
    let stop = (): void => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const off = onStop(() => stop());
    const limit = durationMs !== undefined ? limitRun(durationMs, `--duration ${String(f.duration)}`) : undefined;
    try {
      // The file is created with the first record: no client, no file.
      const file = new FixtureStream(out, { format: FIXTURE_FORMAT, source: 'record', description: String(f.description), peers, recordedAt: new Date().toISOString() });
      const recorder = await Recorder.start({ listenPort: listen, upstream, keep: false, onRecord: (r) => file.write(r), log: (l) => process.stderr.write(`gearspec record: ${l}\n`) });
      process.stderr.write(`gearspec record: listening on 127.0.0.1:${recorder.port}, relaying to ${upstream.host}:${upstream.port}, writing ${out}\n`);
      const timer = durationMs !== undefined ? setTimeout(stop, durationMs) : undefined;
      await stopped;
      if (timer) clearTimeout(timer);
      // The file has every record already; what stop returns (kept records: none) is not needed.
      await recorder.stop({ description: String(f.description), peers });
      file.close();
      const conns = file.counts.get('open') ?? 0;
      if (conns === 0) {
        process.stderr.write(`gearspec record: nothing recorded: no client connected to 127.0.0.1:${recorder.port}; ${out} not written\n`);
        return EXIT.HARNESS;
      }
      process.stderr.write(`gearspec record: wrote ${out}: ${conns} connection(s), ${describeCounts(file.counts)}\n`);
      return EXIT.OK;
    } finally {
      off();
      limit?.clear();
    }
  },
};

/** "12 records (2 opens, 2 closes, 8 packets)": every line after the header is a record (fixtures/README.md). */
export function describeRecords(records: readonly FixtureRecord[]): string {
  const counts = new Map<FixtureRecord['kind'], number>();
  for (const r of records) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  return describeCounts(counts);
}

function describeCounts(counts: ReadonlyMap<FixtureRecord['kind'], number>): string {
  const names: Record<FixtureRecord['kind'], [string, string]> = {
    open: ['open', 'opens'],
    close: ['close', 'closes'],
    packet: ['packet', 'packets'],
    text: ['admin text line', 'admin text lines'],
    raw: ['raw', 'raw'],
  };
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const parts = (Object.keys(names) as FixtureRecord['kind'][]).filter((k) => counts.has(k)).map((k) => `${counts.get(k)} ${names[k][counts.get(k) === 1 ? 0 : 1]}`);
  return `${total} record${total === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
