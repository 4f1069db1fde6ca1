/**
 * Admin text commands on the job port, in gearmand 1.1.20's formats (spec §3.1-3.2):
 * names are case-insensitive, tokens split on runs of spaces, a leading space gives an empty
 * first token, extra tokens are ignored by commands that take none. Plus `shutdown [graceful]`.
 */
import type { ServerCore } from '../core.js';
import type { ServerConnection } from '../server-connection.js';
import { cancelJob, createFunction, dropFunction, maxQueue } from './mutations.js';
import { priorityStatus, showJobs, showUniqueJobs, status, workers } from './listings.js';
import { SERVER_VERSION } from '../version.js';
import { errLine, unknownCommand as unknown } from './format.js';

type AdminCommand = (core: ServerCore, conn: ServerConnection, tokens: readonly string[]) => void;

const shutdown: AdminCommand = (core, conn, tokens) => {
  const mode = tokens[1]?.toLowerCase();
  if (mode !== undefined && mode !== 'graceful') return conn.text(errLine('INVALID_ARGUMENTS', 'Unknown arguments to server command shutdown'));
  conn.text('OK\n');
  core.log(`admin shutdown${mode ? ' graceful' : ''} from ${conn.label}`);
  core.onShutdownRequest(mode === 'graceful');
};

const COMMANDS: Readonly<Record<string, AdminCommand>> = {
  workers,
  status,
  prioritystatus: priorityStatus,
  maxqueue: maxQueue,
  version: (_core, conn) => conn.text(`OK ${SERVER_VERSION}\n`),
  getpid: (_core, conn) => conn.text(`OK ${process.pid}\n`),
  // gearmand's default level. A `log` sink does not change it: protocol behaviour never depends on logging.
  verbose: (_core, conn) => conn.text('OK ERROR\n'),
  show: (core, conn, tokens) => {
    const what = tokens.slice(1).map((t) => t.toLowerCase());
    if (what.length === 1 && what[0] === 'jobs') return showJobs(core, conn);
    if (what.length === 2 && what[0] === 'unique' && what[1] === 'jobs') return showUniqueJobs(core, conn);
    if (what.length === 0) return conn.text(unknown(tokens[0]!));
    conn.text('ERR UNKNOWN_SHOW_ARGUMENTS\r\n');
  },
  cancel: (core, conn, tokens) => {
    if (tokens.length < 3) return conn.text(unknown(tokens[0]!));
    if (tokens.length !== 3 || tokens[1]!.toLowerCase() !== 'job') return conn.text('ERR UNKNOWN_ERROR\r\n');
    cancelJob(core, conn, tokens[2]!);
  },
  create: createFunction,
  drop: dropFunction,
  shutdown,
};

function tokenize(line: string): string[] {
  const tokens = line.split(/ +/);
  if (tokens.length > 1 && tokens[tokens.length - 1] === '') tokens.pop();
  return tokens;
}

export function runAdmin(core: ServerCore, conn: ServerConnection, line: string): void {
  if (core.options.log) core.log(`admin ${conn.label}: ${JSON.stringify(line)}`);
  const tokens = tokenize(line);
  const name = tokens[0]!;
  // gearmand cuts the echoed token at the first NUL (it is a C string).
  const shown = name.split('\0')[0]!;
  const command = Object.hasOwn(COMMANDS, name.toLowerCase()) ? COMMANDS[name.toLowerCase()] : undefined;
  if (!command) return conn.text(unknown(shown));
  command(core, conn, tokens);
}
