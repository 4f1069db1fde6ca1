/**
 * The Gearman protocol-constants table: every packet type 1-42, its direction, argument shape
 * and the gearmand release that introduced it. Everything else in gearspec (codec, server,
 * client, worker, conformance checks, fixtures) derives from this one table.
 *
 * Sources: gearmand PROTOCOL @1.1.20, libgearman-1.0/protocol.h and libgearman/command.cc
 * (argument counts), spec §2. "since" is the first gearmand release
 * tag whose tree contains the constant (git history); "danga" means the type predates the C
 * server (the original Danga/Perl protocol).
 */

export const MAGIC = {
  REQ: Buffer.from([0x00, 0x52, 0x45, 0x51]),
  RES: Buffer.from([0x00, 0x52, 0x45, 0x53]),
} as const;
export type Magic = keyof typeof MAGIC;

export const HEADER_SIZE = 12;
export const DEFAULT_PORT = 4730;

/** Limits gearmand 1.1.20 enforces (limits.h, constants.h); the reference server uses the same. */
export const LIMITS = {
  /** Job handle text, excluding its terminating NUL ([P]: 64 with the NUL). */
  handleBytes: 63,
  /** Unique id (GEARMAN_MAX_UNIQUE_SIZE). */
  uniqueBytes: 64,
  /** Function name (GEARMAN_FUNCTION_MAX_SIZE). */
  functionBytes: 512,
  /** Client id kept by SET_CLIENT_ID (GEARMAND_SERVER_CON_ID_SIZE - 1). */
  clientIdBytes: 127,
  /** Option name (GEARMAN_MAX_OPTION_SIZE - 1). */
  optionBytes: 63,
  /** CAN_DO_TIMEOUT decimal string. */
  timeoutChars: 20,
  /** Default ceiling on a whole packet body the reference codec accepts (64 MiB). */
  maxPacketBytes: 64 * 1024 * 1024,
  /** Default ceiling on one admin text line (gearmand's receive buffer is 8 KiB). */
  maxTextLineBytes: 8192,
} as const;

type Direction = 'client->server' | 'worker->server' | 'any->server' | 'server->client' | 'server->worker' | 'server->any' | 'worker<->client' | 'none';

export interface PacketSpec {
  readonly type: number;
  readonly name: string;
  /** Which magic it travels with: REQ to the server, RES from it; BOTH for WORK_* relays. */
  readonly magic: Magic | 'BOTH' | 'NONE';
  readonly direction: Direction;
  /** Argument names in wire order. When `data` is true the last name is the opaque data part. */
  readonly args: readonly string[];
  /** True when the last argument is a data part that may hold NULs ("n+D" shape). */
  readonly data: boolean;
  readonly since: string;
  /** Short meaning, used in reports and `--list`. */
  readonly summary: string;
}

const S = (type: number, name: string, magic: PacketSpec['magic'], direction: Direction, args: readonly string[], data: boolean, since: string, summary: string): PacketSpec => ({
  type,
  name,
  magic,
  direction,
  args,
  data,
  since,
  summary,
});

const SUBMIT_ARGS = ['function', 'unique', 'data'] as const;

/** Indexed by type number; index 0 and 5 are reserved and hold placeholders. */
export const PACKETS = [
  S(0, 'TEXT', 'NONE', 'none', [], false, 'n/a', 'internal pseudo-type for admin lines; never valid on the wire'),
  S(1, 'CAN_DO', 'REQ', 'worker->server', ['function'], false, 'danga', 'worker can run function'),
  S(2, 'CANT_DO', 'REQ', 'worker->server', ['function'], false, 'danga', 'worker no longer runs function'),
  S(3, 'RESET_ABILITIES', 'REQ', 'worker->server', [], false, 'danga', 'drop every registered function'),
  S(4, 'PRE_SLEEP', 'REQ', 'worker->server', [], false, 'danga', 'worker sleeps until NOOP'),
  S(5, 'UNUSED', 'NONE', 'none', [], false, 'n/a', 'reserved number, never assigned'),
  S(6, 'NOOP', 'RES', 'server->worker', [], false, 'danga', 'wake-up: work may be waiting'),
  S(7, 'SUBMIT_JOB', 'REQ', 'client->server', SUBMIT_ARGS, true, 'danga', 'foreground job, normal priority'),
  S(8, 'JOB_CREATED', 'RES', 'server->client', ['handle'], false, 'danga', 'answer to every SUBMIT_*'),
  S(9, 'GRAB_JOB', 'REQ', 'worker->server', [], false, 'danga', 'ask for a job'),
  S(10, 'NO_JOB', 'RES', 'server->worker', [], false, 'danga', 'nothing to do'),
  S(11, 'JOB_ASSIGN', 'RES', 'server->worker', ['handle', 'function', 'data'], true, 'danga', 'job for GRAB_JOB'),
  S(12, 'WORK_STATUS', 'BOTH', 'worker<->client', ['handle', 'numerator', 'denominator'], false, 'danga', 'progress report'),
  S(13, 'WORK_COMPLETE', 'BOTH', 'worker<->client', ['handle', 'data'], true, 'danga', 'success with result; job ends'),
  S(14, 'WORK_FAIL', 'BOTH', 'worker<->client', ['handle'], false, 'danga', 'failure; job ends'),
  S(15, 'GET_STATUS', 'REQ', 'client->server', ['handle'], false, 'danga', 'status of a job by handle'),
  S(16, 'ECHO_REQ', 'REQ', 'any->server', ['data'], true, 'danga', 'echo test'),
  S(17, 'ECHO_RES', 'RES', 'server->any', ['data'], true, 'danga', 'echo reply, byte-identical'),
  S(18, 'SUBMIT_JOB_BG', 'REQ', 'client->server', SUBMIT_ARGS, true, 'danga', 'background job, normal priority'),
  S(19, 'ERROR', 'RES', 'server->any', ['code', 'text'], false, 'danga', 'error report'),
  S(20, 'STATUS_RES', 'RES', 'server->client', ['handle', 'known', 'running', 'numerator', 'denominator'], false, 'danga', 'answer to GET_STATUS'),
  S(21, 'SUBMIT_JOB_HIGH', 'REQ', 'client->server', SUBMIT_ARGS, true, 'danga', 'foreground job, high priority'),
  S(22, 'SET_CLIENT_ID', 'REQ', 'any->server', ['id'], false, 'danga', 'label shown by the workers admin command'),
  S(23, 'CAN_DO_TIMEOUT', 'REQ', 'worker->server', ['function', 'timeout'], false, 'danga', 'CAN_DO with a run-time limit'),
  S(24, 'ALL_YOURS', 'REQ', 'worker->server', [], false, 'danga', 'reserved; not implemented by any server'),
  S(25, 'WORK_EXCEPTION', 'BOTH', 'worker<->client', ['handle', 'data'], true, 'danga', 'failure with an exception payload'),
  S(26, 'OPTION_REQ', 'REQ', 'any->server', ['option'], false, 'danga', 'set a connection option (exceptions)'),
  S(27, 'OPTION_RES', 'RES', 'server->any', ['option'], false, 'danga', 'option accepted'),
  S(28, 'WORK_DATA', 'BOTH', 'worker<->client', ['handle', 'data'], true, '0.1', 'partial result'),
  S(29, 'WORK_WARNING', 'BOTH', 'worker<->client', ['handle', 'data'], true, '0.4', 'warning payload'),
  S(30, 'GRAB_JOB_UNIQ', 'REQ', 'worker->server', [], false, '0.4', 'ask for a job; answer carries the unique'),
  S(31, 'JOB_ASSIGN_UNIQ', 'RES', 'server->worker', ['handle', 'function', 'unique', 'data'], true, '0.4', 'job for GRAB_JOB_UNIQ (and GRAB_JOB_ALL without reducer)'),
  S(32, 'SUBMIT_JOB_HIGH_BG', 'REQ', 'client->server', SUBMIT_ARGS, true, '0.4', 'background job, high priority'),
  S(33, 'SUBMIT_JOB_LOW', 'REQ', 'client->server', SUBMIT_ARGS, true, '0.4', 'foreground job, low priority'),
  S(34, 'SUBMIT_JOB_LOW_BG', 'REQ', 'client->server', SUBMIT_ARGS, true, '0.4', 'background job, low priority'),
  S(
    35,
    'SUBMIT_JOB_SCHED',
    'REQ',
    'client->server',
    ['function', 'unique', 'minute', 'hour', 'day_of_month', 'month', 'day_of_week', 'data'],
    true,
    '0.1',
    'cron-style job; defined but unimplemented in gearmand',
  ),
  S(36, 'SUBMIT_JOB_EPOCH', 'REQ', 'client->server', ['function', 'unique', 'epoch', 'data'], true, '0.1', 'background job that runs at an epoch time'),
  S(37, 'SUBMIT_REDUCE_JOB', 'REQ', 'client->server', ['function', 'unique', 'reducer', 'aggregator', 'data'], true, '0.25', 'foreground map/reduce job'),
  S(38, 'SUBMIT_REDUCE_JOB_BACKGROUND', 'REQ', 'client->server', ['function', 'unique', 'reducer', 'aggregator', 'data'], true, '0.25', 'background map/reduce job'),
  S(39, 'GRAB_JOB_ALL', 'REQ', 'worker->server', [], false, '0.25', 'ask for a job; answer carries unique and reducer'),
  S(40, 'JOB_ASSIGN_ALL', 'RES', 'server->worker', ['handle', 'function', 'unique', 'reducer', 'data'], true, '0.25', 'job for GRAB_JOB_ALL when the job has a reducer'),
  S(41, 'GET_STATUS_UNIQUE', 'REQ', 'client->server', ['unique'], false, '0.36', 'status of a job by unique'),
  S(42, 'STATUS_RES_UNIQUE', 'RES', 'server->client', ['unique', 'known', 'running', 'numerator', 'denominator', 'waiting_clients'], false, '0.36', 'answer to GET_STATUS_UNIQUE'),
] as const satisfies readonly PacketSpec[];

/** First number past the table (gearmand's GEARMAN_COMMAND_MAX). */
export const PACKET_TYPE_LIMIT = PACKETS.length;

type Specs = (typeof PACKETS)[number];

/** name -> type number, derived from the table. */
export const T = Object.fromEntries(PACKETS.map((p) => [p.name, p.type])) as { readonly [K in Specs['name']]: Extract<Specs, { name: K }>['type'] };

export function packetSpec(type: number): PacketSpec | undefined {
  if (!Number.isInteger(type) || type <= 0 || type >= PACKET_TYPE_LIMIT || type === 5) return undefined;
  return PACKETS[type];
}

export function packetName(type: number): string {
  return packetSpec(type)?.name ?? `UNKNOWN(${type})`;
}

/** The six SUBMIT_JOB variants plus their priority and background flag. */
/** Every request that submits a job (SUBMIT_*), from the table, in type order. */
export const SUBMIT_TYPES: readonly number[] = PACKETS.filter((p) => p.name.startsWith('SUBMIT_')).map((p) => p.type);

export type Priority = 'high' | 'normal' | 'low';
export const SUBMIT_KINDS = {
  [T.SUBMIT_JOB]: { priority: 'normal', background: false },
  [T.SUBMIT_JOB_BG]: { priority: 'normal', background: true },
  [T.SUBMIT_JOB_HIGH]: { priority: 'high', background: false },
  [T.SUBMIT_JOB_HIGH_BG]: { priority: 'high', background: true },
  [T.SUBMIT_JOB_LOW]: { priority: 'low', background: false },
  [T.SUBMIT_JOB_LOW_BG]: { priority: 'low', background: true },
} as const satisfies Record<number, { priority: Priority; background: boolean }>;

export function submitTypeFor(priority: Priority, background: boolean): number {
  for (const [type, kind] of Object.entries(SUBMIT_KINDS)) {
    if (kind.priority === priority && kind.background === background) return Number(type);
  }
  throw new Error(`no submit type for ${priority}/${background}`);
}

/**
 * An ERROR reply meaning "this server does not implement that packet type": gearmand's
 * INVALID_COMMAND / UNKNOWN_COMMAND, or Perl Gearman::Server's server_error from a missing
 * CMD_ handler (spec §2).
 */
export function isUnknownCommandError(code: string, text: string): boolean {
  return code === 'INVALID_COMMAND' || code === 'UNKNOWN_COMMAND' || (code === 'server_error' && /Can't locate object method/.test(text));
}
