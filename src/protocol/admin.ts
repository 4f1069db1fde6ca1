/**
 * The admin text protocol on the job port: commands, how each reply ends, and parsers for the
 * reply formats (spec §3). Lists end with a line holding only "."; an `ERR` line ends any
 * reply early.
 */

type AdminReplyShape = 'line' | 'list';

interface AdminCommandSpec {
  readonly name: string;
  /** Tokens that make up the command word(s), e.g. ["show", "jobs"]. */
  readonly words: readonly string[];
  readonly reply: AdminReplyShape;
  /** The servers that have it, by registry name (src/peers/registry; protocol cannot import it). */
  readonly servers: readonly ('gearmand' | 'perl-gearmand')[];
  readonly summary: string;
}

const A = (name: string, reply: AdminReplyShape, servers: AdminCommandSpec['servers'], summary: string): AdminCommandSpec => ({ name, words: name.split(' '), reply, servers, summary });

export const ADMIN_COMMANDS = [
  A('workers', 'list', ['gearmand', 'perl-gearmand'], 'one line per connection: fd ip client-id : functions'),
  A('status', 'list', ['gearmand', 'perl-gearmand'], 'function TAB total TAB running TAB workers'),
  A('prioritystatus', 'list', ['gearmand'], 'function TAB high TAB normal TAB low TAB workers'),
  A('maxqueue', 'line', ['gearmand', 'perl-gearmand'], 'maxqueue FUNCTION [SIZE | HIGH NORMAL LOW]'),
  A('version', 'line', ['gearmand', 'perl-gearmand'], 'server version'),
  A('getpid', 'line', ['gearmand'], 'server process id'),
  A('verbose', 'line', ['gearmand'], 'server log level'),
  A('show jobs', 'list', ['gearmand'], 'handle TAB retries TAB ignore TAB queued'),
  A('show unique jobs', 'list', ['gearmand'], 'one unique per line'),
  A('cancel job', 'line', ['gearmand'], 'cancel job HANDLE'),
  A('create function', 'line', ['gearmand'], 'create function NAME'),
  A('drop function', 'line', ['gearmand'], 'drop function NAME'),
  A('shutdown', 'line', ['perl-gearmand'], 'shutdown [graceful]'),
  A('jobs', 'list', ['perl-gearmand'], 'function TAB unique TAB worker TAB listeners'),
  A('clients', 'list', ['perl-gearmand'], 'connections and the jobs they listen on'),
  A('gladiator', 'list', ['perl-gearmand'], 'debug memory dump'),
] as const satisfies readonly AdminCommandSpec[];

/** How the reply to `commandLine` ends; unknown commands answer with one line. */
export function adminReplyShape(commandLine: string): AdminReplyShape {
  const tokens = commandLine.trim().toLowerCase().split(/ +/);
  let best: AdminCommandSpec | undefined;
  for (const spec of ADMIN_COMMANDS) {
    if (spec.words.every((w, i) => tokens[i] === w) && (!best || spec.words.length > best.words.length)) best = spec;
  }
  // `show <other>` is an error line on gearmand even though `show jobs` is a list.
  if (best && best.words[0] === 'show' && tokens.length !== best.words.length) return 'line';
  return best?.reply ?? 'line';
}

/** Encode an admin command line. gearadmin sends "\r\n"; both servers accept "\n" too. */
export function encodeAdmin(commandLine: string, eol: '\n' | '\r\n' = '\n'): Buffer {
  return Buffer.from(commandLine + eol, 'latin1');
}

interface AdminError {
  readonly code: string;
  /** Text with gearmand's URL-style "+" for spaces decoded back to spaces. */
  readonly text: string;
}

/** `ERR CODE text+with+pluses` → {code, text}; undefined when the line is not an ERR line. */
export function parseErrLine(line: string): AdminError | undefined {
  const m = /^ERR (\S*) ?(.*)$/.exec(line);
  if (!m) return undefined;
  return { code: m[1]!, text: m[2]!.replace(/\+/g, ' ').trim() };
}

export interface StatusRow {
  readonly function: string;
  readonly total: number;
  readonly running: number;
  readonly workers: number;
}

const int = (s: string | undefined): number => (s !== undefined && /^-?\d+$/.test(s) ? Number(s) : Number.NaN);

/**
 * A TAB-separated listing row whose last `counts` fields are numbers: the function name is
 * everything before them, so a name that contains a TAB and is printed raw (gearmand, Perl
 * gearmand; spec §3.2, names in listings) still comes out whole.
 */
function splitRow(line: string, counts: number): { name: string; numbers: number[] } {
  const fields = line.split('\t');
  if (fields.length <= counts) return { name: fields[0] ?? '', numbers: Array.from({ length: counts }, (_, i) => int(fields[i + 1])) };
  return { name: fields.slice(0, fields.length - counts).join('\t'), numbers: fields.slice(-counts).map(int) };
}

export function parseStatusRows(lines: readonly string[]): StatusRow[] {
  return lines.map((l) => {
    const { name, numbers } = splitRow(l, 3);
    const [total, running, workers] = numbers as [number, number, number];
    return { function: name, total, running, workers };
  });
}

interface PriorityStatusRow {
  readonly function: string;
  readonly high: number;
  readonly normal: number;
  readonly low: number;
  readonly workers: number;
}

export function parsePriorityStatusRows(lines: readonly string[]): PriorityStatusRow[] {
  return lines.map((l) => {
    const { name, numbers } = splitRow(l, 4);
    const [high, normal, low, workers] = numbers as [number, number, number, number];
    return { function: name, high, normal, low, workers };
  });
}

interface WorkersRow {
  readonly fd: string;
  readonly ip: string;
  readonly clientId: string;
  readonly functions: readonly string[];
}

/** `fd ip client-id : f1 f2` (gearmand: no space after ":" when empty; Perl: always one). */
export function parseWorkersRows(lines: readonly string[]): WorkersRow[] {
  return lines.map((l) => {
    const colon = l.indexOf(' :');
    const head = (colon < 0 ? l : l.slice(0, colon)).split(' ');
    const tail = colon < 0 ? '' : l.slice(colon + 2);
    return { fd: head[0] ?? '', ip: head[1] ?? '', clientId: head.slice(2).join(' '), functions: tail.split(' ').filter((f) => f.length > 0) };
  });
}

interface ShowJobsRow {
  readonly handle: string;
  readonly retries: number;
  readonly ignore: number;
  readonly queued: number;
}

export function parseShowJobsRows(lines: readonly string[]): ShowJobsRow[] {
  return lines.map((l) => {
    const [handle, retries, ignore, queued] = l.split('\t');
    return { handle: handle ?? '', retries: int(retries), ignore: int(ignore), queued: int(queued) };
  });
}
