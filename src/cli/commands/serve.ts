/** `gearspec serve`: run the reference job server until SIGINT/SIGTERM or admin `shutdown`. */
import { errorMessage, InputError } from '../../errors.js';
import { DEFAULT_PORT } from '../../protocol/constants.js';
import { DEFAULT_FAULT_EVERY, FAULT_NAMES, type FaultName, isFaultName, startReferenceServer } from '../../server/index.js';
import { type FlagSpecs, parseArgs, usageError } from '../args.js';
import { type Command, EXIT, exitCodes } from '../command.js';
import { onStop } from '../lifecycle.js';

const flags: FlagSpecs = {
  port: { type: 'number', help: 'TCP port; 0 picks a free one and prints it', default: DEFAULT_PORT },
  host: { type: 'string', help: 'address to bind', default: '127.0.0.1' },
  'job-retries': { type: 'number', help: 'attempts before a requeued job fails; 0 = unlimited (gearmand 1.1.20)', default: 0 },
  'max-packet': { type: 'number', help: 'largest packet body accepted, in bytes' },
  'handle-prefix': { type: 'string', help: 'job handle prefix (default H:<hostname>)' },
  exceptions: { type: 'boolean', help: 'turn the exceptions option on for every connection (gearmand --exceptions)' },
  keepalive: { type: 'number', help: 'TCP keepalive after S idle seconds, then 10 probes 1 s apart (gearmand --keepalive)' },
  fault: { type: 'string', repeat: true, help: `deliberately broken behaviour for testing harnesses: ${FAULT_NAMES.join(', ')}` },
  'fault-every': { type: 'number', help: `drop-job strikes one new job in N (default ${DEFAULT_FAULT_EVERY.toLocaleString('en-US')})` },
  verbose: { type: 'boolean', help: 'log connections, protocol errors and admin commands to stderr' },
};

function int(value: unknown, flag: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value > max) throw usageError(`--${flag} needs an integer from 0 to ${max}, got ${String(value)}`);
  return value;
}

export const command: Command = {
  name: 'serve',
  summary: 'run the gearspec reference job server',
  usage: `gearspec serve [--port N] [--host 127.0.0.1] [--job-retries N] [--max-packet BYTES] [--handle-prefix P] [--exceptions] [--keepalive S] [--fault NAME]... [--fault-every N] [--verbose]

Serves until SIGINT/SIGTERM (also to \`npx gearspec serve\`) or the admin command \`shutdown\`,
then closes its port.

${exitCodes('stopped (SIGINT, SIGTERM or admin shutdown)', undefined, 'usage error, or the address cannot be bound (port in use)', 'close the port and exit 0 (a second signal ends it at once)')}`,
  flags,
  async run(argv) {
    let options: Parameters<typeof startReferenceServer>[0];
    try {
      const { flags: f, positionals } = parseArgs(argv, flags);
      if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
      const faults = ((f.fault as readonly string[] | undefined) ?? []).map((name): FaultName => {
        if (!isFaultName(name)) throw usageError(`--fault ${JSON.stringify(name)} is not one of ${FAULT_NAMES.join(', ')}`);
        return name;
      });
      const faultEvery = f['fault-every'] === undefined ? undefined : int(f['fault-every'], 'fault-every', Number.MAX_SAFE_INTEGER);
      if (faultEvery === 0) throw usageError('--fault-every must be at least 1');
      const maxPacket = f['max-packet'] === undefined ? undefined : int(f['max-packet'], 'max-packet', 0xffffffff);
      if (maxPacket !== undefined && maxPacket < 64) throw usageError('--max-packet must be at least 64');
      const keepalive = f.keepalive === undefined ? undefined : int(f.keepalive, 'keepalive', 86_400);
      if (keepalive === 0) throw usageError('--keepalive must be at least 1 (seconds)');
      options = {
        port: int(f.port, 'port', 65535),
        host: String(f.host),
        jobRetries: int(f['job-retries'], 'job-retries', Number.MAX_SAFE_INTEGER),
        exceptionsByDefault: f.exceptions === true,
        faults,
        ...(faultEvery === undefined ? {} : { faultEvery }),
        ...(maxPacket === undefined ? {} : { maxPacketBytes: maxPacket }),
        ...(keepalive === undefined ? {} : { keepaliveMs: keepalive * 1000 }),
        ...(typeof f['handle-prefix'] === 'string' ? { handlePrefix: f['handle-prefix'] } : {}),
        ...(f.verbose === true ? { log: (line: string) => process.stderr.write(`[gearspec serve] ${line}\n`) } : {}),
      };
    } catch (err) {
      process.stderr.write(`gearspec serve: ${(err as Error).message}\n${this.usage.split('\n')[0]}\n`);
      return EXIT.HARNESS;
    }
    let server: Awaited<ReturnType<typeof startReferenceServer>>;
    try {
      server = await startReferenceServer(options);
    } catch (err) {
      // Invalid option values (InputError) and an unbindable address (PeerError) are both the user's to fix.
      process.stderr.write(`gearspec serve: ${errorMessage(err)}\n${err instanceof InputError ? `${this.usage.split('\n')[0]}\n` : ''}`);
      return EXIT.HARNESS;
    }
    process.stdout.write(`gearspec reference server listening on ${server.address}\n`);
    if (options?.faults?.length)
      process.stdout.write(`faults on: ${options.faults.join(', ')}${options.faults.includes('drop-job') ? ` (drop-job: one new job in ${options.faultEvery ?? DEFAULT_FAULT_EVERY})` : ''}\n`);
    const off = onStop(() => void server.close());
    try {
      await server.closed;
    } finally {
      off();
    }
    process.stdout.write('gearspec reference server stopped\n');
    return EXIT.OK;
  },
};
