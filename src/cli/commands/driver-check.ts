/**
 * gearspec driver-check: check a driver program (your wrapper around a Gearman client or worker
 * library, docs/driver-protocol.md) against the embedded reference server, step by step.
 * Exit 0 every check passed, 1 a check failed, 2 usage error or the driver could not be started.
 */
import { parseArgs, usageError } from '../args.js';
import { type Command, EXIT, exitCodes } from '../command.js';
import { renderStartFailure, renderStep, renderSummary, runDriverCheck } from '../../runner/driver-check/index.js';

const flags = {
  cmd: { type: 'string', help: 'the command that starts your driver (run as /bin/sh -c \'exec CMD\'), e.g. "python3 my_driver.py"' },
  role: { type: 'string', help: 'the role to check: client | worker' },
  name: { type: 'string', help: "label for the driver in the output (default: the program's name)" },
  timeout: { type: 'number', default: 5000, help: 'deadline in ms for every single wait (start-up, each event, each exit)' },
  verbose: { type: 'boolean', help: 'show the control traffic of every step, not only of failed ones' },
} as const;

export const command: Command = {
  name: 'driver-check',
  summary: 'check your own client/worker driver program against the driver protocol',
  usage: `gearspec driver-check --cmd "CMD" --role client|worker [--timeout MS] [--verbose]

Starts CMD as a driver (GEARSPEC_CONTROL, GEARSPEC_SERVER, GEARSPEC_ROLE in its environment)
against gearspec's embedded reference server, with the reference driver in the other role, and
checks hello, every command of the role, payloads both ways, and how the driver exits. The
protocol is described in docs/driver-protocol.md.

${exitCodes('every check passed', 'a check failed', 'usage error, or the driver could not be started')}`,
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])} (quote the driver command: --cmd "python3 my_driver.py")`);
    const cmd = typeof f.cmd === 'string' ? f.cmd.trim() : '';
    if (cmd === '') throw usageError('--cmd "COMMAND" is required: the command that starts your driver');
    const role = f.role;
    if (role !== 'client' && role !== 'worker') throw usageError(`--role must be client or worker${role === undefined ? '' : `, got ${JSON.stringify(role)}`}`);
    const timeoutMs = Number(f.timeout);
    if (!(timeoutMs >= 100 && timeoutMs <= 600_000)) throw usageError('--timeout must be between 100 and 600000 ms');
    const verbose = Boolean(f.verbose);
    const out = (line: string): void => void process.stdout.write(`${line}\n`);
    const report = await runDriverCheck({
      command: cmd,
      ...(typeof f.name === 'string' ? { name: f.name } : {}),
      role,
      timeoutMs,
      onReady: ({ server }) => out(`gearspec driver-check: ${JSON.stringify(cmd)} as a ${role} driver (reference server ${server}, ${timeoutMs} ms per wait)`),
      onStep: (r) => out(renderStep(r, verbose)),
    });
    if (report.startFailure) process.stderr.write(`${renderStartFailure(report.startFailure)}\n`);
    out(renderSummary(report));
    return report.exitCode === 0 ? EXIT.OK : report.exitCode === 1 ? EXIT.FAILED : EXIT.HARNESS;
  },
};
