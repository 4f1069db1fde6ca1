/** gearspec import: turn a pcap/pcapng capture of Gearman traffic into a fixture file. */
import { parseArgs, usageError } from '../args.js';
import { type Command, EXIT } from '../command.js';
import { importCaptureFile } from '../../fixtures/capture/import-capture.js';
import { writeFixture } from '../../fixtures/write.js';
import { parsePeers } from './record.js';

const flags = {
  port: { type: 'number', help: 'the Gearman server TCP port in the capture', default: 4730 },
  out: { type: 'string', help: 'fixture file to write (JSON Lines)' },
  description: { type: 'string', help: 'what the transcript shows' },
  peer: { type: 'string', repeat: true, help: 'a peer and its version, key=value' },
} as const;

export const command: Command = {
  name: 'import',
  summary: 'convert a pcap/pcapng capture of Gearman traffic into a fixture',
  usage: 'gearspec import capture.pcap|capture.pcapng --port 4730 --out FILE [--description TEXT] [--peer key=value ...]',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    if (positionals.length !== 1) throw usageError('give exactly one capture file');
    if (typeof f.out !== 'string') throw usageError('--out is required');
    const port = Number(f.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw usageError(`--port expects a port number, got ${String(f.port)}`);
    const peers = parsePeers(f.peer as readonly string[] | undefined);
    const result = await importCaptureFile(positionals[0]!, { port, header: { ...(typeof f.description === 'string' ? { description: f.description } : {}), ...(Object.keys(peers).length ? { peers } : {}) } });
    for (const w of result.warnings) process.stderr.write(`gearspec import: warning: ${w}\n`);
    await writeFixture(f.out, result.fixture);
    const conns = result.fixture.records.filter((r) => r.kind === 'open').length;
    if (conns === 0) process.stderr.write(`gearspec import: warning: no TCP connection to or from port ${port} in the capture\n`);
    process.stderr.write(`gearspec import: ${result.frames} frames, ${result.segments} TCP segments on port ${port}, ${conns} connection(s) → ${f.out}\n`);
    return EXIT.OK;
  },
};
