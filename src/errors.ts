/**
 * gearspec's typed errors. Three families:
 *  - ProtocolError: bytes that break the Gearman framing or argument rules;
 *  - GearmanErrorReply: an ERROR packet or `ERR` admin line a peer sent (a value, not a fault);
 *  - transport / lifecycle / input errors (connection closed, timeout, peer start, fixture, usage).
 * Every error has a stable `code` so callers and reports never match on message text.
 */

export const ERROR_CODES = {
  // protocol
  BAD_MAGIC: 'GEARSPEC_BAD_MAGIC',
  UNKNOWN_TYPE: 'GEARSPEC_UNKNOWN_TYPE',
  PACKET_TOO_LARGE: 'GEARSPEC_PACKET_TOO_LARGE',
  TEXT_LINE_TOO_LONG: 'GEARSPEC_TEXT_LINE_TOO_LONG',
  SHORT_ARGUMENTS: 'GEARSPEC_SHORT_ARGUMENTS',
  NUL_IN_ARGUMENT: 'GEARSPEC_NUL_IN_ARGUMENT',
  WRONG_ARGUMENT_COUNT: 'GEARSPEC_WRONG_ARGUMENT_COUNT',
  TRUNCATED: 'GEARSPEC_TRUNCATED',
  // transport
  CONNECTION_CLOSED: 'GEARSPEC_CONNECTION_CLOSED',
  TIMEOUT: 'GEARSPEC_TIMEOUT',
  CONNECT_FAILED: 'GEARSPEC_CONNECT_FAILED',
  UNEXPECTED_PACKET: 'GEARSPEC_UNEXPECTED_PACKET',
  // peers and harness
  PEER_START_FAILED: 'GEARSPEC_PEER_START_FAILED',
  PEER_UNAVAILABLE: 'GEARSPEC_PEER_UNAVAILABLE',
  PEER_EXITED: 'GEARSPEC_PEER_EXITED',
  HARNESS: 'GEARSPEC_HARNESS_ERROR',
  // inputs
  FIXTURE_INVALID: 'GEARSPEC_FIXTURE_INVALID',
  CAPTURE_INVALID: 'GEARSPEC_CAPTURE_INVALID',
  USAGE: 'GEARSPEC_USAGE',
  // a peer's own error report
  ERROR_REPLY: 'GEARSPEC_ERROR_REPLY',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class GearspecError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GearspecError';
    this.code = code;
  }
}

/** Malformed bytes. `offset` counts from the start of the stream the decoder has seen. */
export class ProtocolError extends GearspecError {
  readonly offset: number;
  readonly preview: string;
  /** False when the stream cannot be resynchronised (bad magic, oversize header). */
  readonly recoverable: boolean;
  constructor(code: ErrorCode, message: string, details: { offset: number; preview?: string; recoverable?: boolean }, options?: ErrorOptions) {
    super(code, `${message} at offset ${details.offset}${details.preview ? ` [${details.preview}]` : ''}`, options);
    this.name = 'ProtocolError';
    this.offset = details.offset;
    this.preview = details.preview ?? '';
    this.recoverable = details.recoverable ?? false;
  }
}

/** An ERROR packet (code, text) or an admin `ERR code text` line, kept as a value. */
export class GearmanErrorReply extends GearspecError {
  readonly serverCode: string;
  readonly serverText: string;
  constructor(serverCode: string, serverText: string) {
    super(ERROR_CODES.ERROR_REPLY, `server replied ERROR ${serverCode}: ${serverText}`);
    this.name = 'GearmanErrorReply';
    this.serverCode = serverCode;
    this.serverText = serverText;
  }
}

export class ConnectionClosedError extends GearspecError {
  constructor(message = 'connection closed by peer', options?: ErrorOptions) {
    super(ERROR_CODES.CONNECTION_CLOSED, message, options);
    this.name = 'ConnectionClosedError';
  }
}

export class TimeoutError extends GearspecError {
  readonly waitedMs: number;
  constructor(what: string, waitedMs: number) {
    super(ERROR_CODES.TIMEOUT, `${what}: no answer after ${waitedMs} ms`);
    this.name = 'TimeoutError';
    this.waitedMs = waitedMs;
  }
}

export class PeerError extends GearspecError {
  readonly peer: string;
  readonly log: string;
  constructor(code: ErrorCode, peer: string, message: string, log = '', options?: ErrorOptions) {
    super(code, `${peer}: ${message}`, options);
    this.name = 'PeerError';
    this.peer = peer;
    this.log = log;
  }
}

/** Bad user input: a fixture file, a capture, a CLI flag. `where` names the record or flag. */
export class InputError extends GearspecError {
  readonly where: string;
  constructor(code: ErrorCode, where: string, message: string, options?: ErrorOptions) {
    super(code, `${where}: ${message}`, options);
    this.name = 'InputError';
    this.where = where;
  }
}

/** A usage error (bad flag, bad selection, bad baseline): one line on stderr and exit code 2. */
export function usageError(message: string): InputError {
  return new InputError(ERROR_CODES.USAGE, 'usage', message);
}

export function isGearspecError(e: unknown): e is GearspecError {
  return e instanceof GearspecError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
