/** gearspec import: turn a pcap/pcapng capture of Gearman traffic into a fixture file. */
import { parseArgs, usageError } from '../args.js';
import { type Command, EXIT, exitCodes } from '../command.js';
import { importCaptureFile } from '../../fixtures/capture/import-capture.js';
import { writeFixture } from '../../fixtures/write.js';
import { describeRecords, parsePeers } from './record.js';

const flags = {
  port: { type: 'number', help: 'the Gearman server TCP port in the capture', default: 4730 },
  out: { type: 'string', help: 'fixture file to write (JSON Lines)' },
  description: { type: 'string', help: 'what the transcript shows' },
  peer: { type: 'string', repeat: true, help: 'a peer and its version, key=value' },
} as const;

export const command: Command = {
  name: 'import',
  summary: 'convert a pcap/pcapng capture of Gearman traffic into a fixture',
  usage: `gearspec import capture.pcap|capture.pcapng --port 4730 --out FILE [--description TEXT] [--peer key=value ...]

${exitCodes('the fixture was written', undefined, 'usage error; an unreadable or truncated capture; no TCP traffic to or from --port in the\n     capture (the error lists the ports it does contain; FILE is not written)')}`,
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    if (positionals.length !== 1) throw usageError('give exactly one capture file');
    if (typeof f.out !== 'string') throw usageError('--out is required');
    const port = Number(f.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw usageError(`--port expects a port number, got ${String(f.port)}`);
    const peers = parsePeers(f.peer as readonly string[] | undefined);
    const result = await importCaptureFile(positionals[0]!, {
      port,
      header: { ...(typeof f.description === 'string' ? { description: f.description } : {}), ...(Object.keys(peers).length ? { peers } : {}) },
    });
    const conns = result.fixture.records.filter((r) => r.kind === 'open').length;
    if (conns === 0) {
      const others = result.ports.filter((p) => p.port !== port);
      const list = others
        .slice(0, 12)
        .map((p) => `${p.port} (${p.connections ? `${p.connections} connection${p.connections === 1 ? '' : 's'} opened to it, ` : ''}${p.segments} segment${p.segments === 1 ? '' : 's'})`);
      const more = others.length > 12 ? ` and ${others.length - 12} more` : '';
      const hint =
        others.length === 0 ? 'the capture has no TCP traffic at all' : `the capture has TCP on port${others.length === 1 ? '' : 's'} ${list.join(', ')}${more}; try --port ${others[0]!.port}`;
      process.stderr.write(`gearspec import: no TCP traffic to or from port ${port} in ${positionals[0]!} (${result.frames} frames): ${hint}; ${f.out} not written\n`);
      return EXIT.HARNESS;
    }
    for (const w of result.warnings) process.stderr.write(`gearspec import: warning: ${w}\n`);
    await writeFixture(f.out, result.fixture);
    process.stderr.write(`gearspec import: ${result.frames} frames, ${result.segments} TCP segments on port ${port}, ${conns} connection(s), ${describeRecords(result.fixture.records)} → ${f.out}\n`);
    return EXIT.OK;
  },
};
