/**
 * gearspec replay: re-drive recorded sessions against a server and compare its answers with the
 * recording (exit 0 same, 1 differences, 2 harness or input error); or, with --as-server, play the
 * recorded server to a real client or worker and report where it deviates.
 */
import { writeFile } from 'node:fs/promises';
import { parseAddress, parseArgs, usageError } from '../args.js';
import { type Command, EXIT } from '../command.js';
import { readFixture } from '../../fixtures/read.js';
import { replayAgainstServer, replayAsServer } from '../../fixtures/replay/replay.js';
import { renderResult, type ReplayResult } from '../../fixtures/replay/types.js';

const flags = {
  server: { type: 'string', help: 'the server to replay against, host:port' },
  timeout: { type: 'number', help: 'deadline in ms for each expected answer', default: 2000 },
  json: { type: 'string', help: 'also write the results as JSON to this file' },
  pace: { type: 'boolean', help: 'keep the recorded time gaps between sends (for timer-dependent sessions)' },
  'as-server': { type: 'boolean', help: 'play the recorded server side to a client/worker that connects' },
  listen: { type: 'number', help: 'with --as-server: port to listen on, on 127.0.0.1 (0 = ephemeral; printed)' },
  'accept-timeout': { type: 'number', help: 'with --as-server: ms to wait for each recorded connection', default: 30000 },
  conn: { type: 'number', repeat: true, help: 'with --as-server: play only this recorded connection (e.g. the client\'s)' },
} as const;

export const command: Command = {
  name: 'replay',
  summary: 'replay recorded fixtures against a server (or as the server) and diff the answers',
  usage: 'gearspec replay FILE... --server host:port [--timeout MS] [--json FILE] [--pace]\n       gearspec replay FILE --as-server --listen PORT [--conn N ...] [--timeout MS] [--json FILE]',
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    if (positionals.length === 0) throw usageError('give at least one fixture file');
    const timeoutMs = Number(f.timeout);
    // Read (and so validate) every file before touching the network.
    const fixtures = [];
    for (const file of positionals) fixtures.push({ file, fixture: await readFixture(file) });
    const results: ReplayResult[] = [];
    if (f['as-server']) {
      if (f.server !== undefined) throw usageError('--as-server and --server exclude each other');
      if (f.listen === undefined) throw usageError('--as-server needs --listen PORT');
      if (fixtures.length !== 1) throw usageError('--as-server plays one fixture at a time');
      const { file, fixture } = fixtures[0]!;
      results.push(
        await replayAsServer(fixture, {
          listenPort: Number(f.listen),
          timeoutMs,
          pace: Boolean(f.pace),
          file,
          acceptTimeoutMs: Number(f['accept-timeout']),
          ...(f.conn ? { connections: (f.conn as readonly string[]).map(Number) } : {}),
          onListening: (port) => process.stderr.write(`gearspec replay: playing the server of ${file} on 127.0.0.1:${port}\n`),
        }),
      );
    } else {
      if (typeof f.server !== 'string') throw usageError('--server host:port is required (or --as-server --listen PORT)');
      const server = parseAddress(f.server, '--server');
      for (const { file, fixture } of fixtures) results.push(await replayAgainstServer(fixture, server, { timeoutMs, pace: Boolean(f.pace), file }));
    }
    for (const r of results) process.stdout.write(`${renderResult(r)}\n`);
    if (typeof f.json === 'string') await writeFile(f.json, JSON.stringify({ results }, null, 2) + '\n', 'utf8');
    const different = results.filter((r) => r.differences.length > 0).length;
    if (results.length > 1) process.stdout.write(`${results.length - different}/${results.length} fixtures replayed the same\n`);
    return different > 0 ? EXIT.FAILED : EXIT.OK;
  },
};
