/**
 * gearspec record: a transparent TCP proxy that writes every connection's packets, both
 * directions, with timing, to a fixture file. Stops on SIGINT/SIGTERM or after --duration.
 */
import { parseAddress, parseArgs, usageError } from '../args.js';
import { type Command, EXIT } from '../command.js';
import { Recorder } from '../../fixtures/recorder.js';
import { writeFixture } from '../../fixtures/write.js';

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
  usage: 'gearspec record --listen PORT --upstream host:port --out FILE [--description TEXT] [--peer key=value ...] [--duration S]',
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
    const recorder = await Recorder.start({ listenPort: listen, upstream, log: (l) => process.stderr.write(`gearspec record: ${l}\n`) });
    process.stderr.write(`gearspec record: listening on 127.0.0.1:${recorder.port}, relaying to ${upstream.host}:${upstream.port}, writing ${out}\n`);
    const recordedAt = new Date().toISOString();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        if (timer) clearTimeout(timer);
        resolve();
      };
      const timer = f.duration !== undefined ? setTimeout(done, Number(f.duration) * 1000) : undefined;
      process.on('SIGINT', done);
      process.on('SIGTERM', done);
    });
    const fixture = await recorder.stop({ description: String(f.description), peers, recordedAt });
    await writeFixture(out, fixture);
    const packets = fixture.records.filter((r) => r.kind !== 'open' && r.kind !== 'close').length;
    const conns = fixture.records.filter((r) => r.kind === 'open').length;
    process.stderr.write(`gearspec record: wrote ${out}: ${conns} connection(s), ${packets} record(s)\n`);
    return EXIT.OK;
  },
};
