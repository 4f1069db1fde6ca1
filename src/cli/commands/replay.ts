/**
 * gearspec replay: re-drive recorded sessions against a server and compare its answers with the
 * recording; or, with --as-server, play the recorded server to a real client or worker and report
 * where it deviates. Exit codes: see the usage text (README, "Exit codes").
 */
import { writeFile } from 'node:fs/promises';
import { parseAddress, parseArgs, usageError } from '../args.js';
import { type Command, EXIT, exitCodes } from '../command.js';
import { unreachable, unreachableLine } from '../reachable.js';
import { CLEANUP_FLAGS, startCleanup } from '../cleanup.js';
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
  conn: { type: 'number', repeat: true, help: "with --as-server: play only this recorded connection (e.g. the client's)" },
  ...CLEANUP_FLAGS,
} as const;

export const command: Command = {
  name: 'replay',
  summary: 'replay recorded fixtures against a server (or as the server) and diff the answers',
  usage: `gearspec replay FILE... --server host:port [--timeout MS] [--json FILE] [--pace]
       gearspec replay FILE --as-server --listen PORT [--conn N ...] [--timeout MS] [--json FILE]

${exitCodes(
  'every fixture replayed the same (with --as-server: the client sent what was recorded)',
  'a difference',
  'usage error; a malformed fixture (one line naming the record); a fixture with no connection\n     (nothing to replay); the --server cannot be reached (one line); harness error',
)}`,
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    if (positionals.length === 0) throw usageError('give at least one fixture file');
    const timeoutMs = Number(f.timeout);
    // Read (and so validate) every file before touching the network.
    const fixtures = [];
    for (const file of positionals) fixtures.push({ file, fixture: await readFixture(file) });
    for (const { file, fixture } of fixtures) {
      if (!fixture.records.some((r) => r.kind === 'open')) throw usageError(`${file} has no connection: nothing to replay`);
    }
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
      const why = await unreachable(server.host, server.port, Math.max(1000, timeoutMs));
      if (why) {
        process.stderr.write(unreachableLine('replay', server.host, server.port, why));
        return EXIT.HARNESS;
      }
      // Jobs the fixtures queued stay on the server unless removed: names the replay sent that the
      // server did not list before are its own.
      const sent = new Set<string>();
      const cleanUp = await startCleanup(f, server, `${server.host}:${server.port}`, timeoutMs, (fn, listedBefore) => sent.has(fn) && !listedBefore);
      for (const { file, fixture } of fixtures) {
        const r = await replayAgainstServer(fixture, server, { timeoutMs, pace: Boolean(f.pace), file });
        for (const fn of r.functions ?? []) sent.add(fn);
        results.push(r);
      }
      await cleanUp();
    }
    for (const r of results) process.stdout.write(`${renderResult(r)}\n`);
    if (typeof f.json === 'string') await writeFile(f.json, `${JSON.stringify({ results }, null, 2)}\n`, 'utf8');
    const different = results.filter((r) => r.differences.length > 0).length;
    if (results.length > 1) process.stdout.write(`${results.length - different}/${results.length} fixtures replayed the same\n`);
    return different > 0 ? EXIT.FAILED : EXIT.OK;
  },
};
