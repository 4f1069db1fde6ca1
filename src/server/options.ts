/** Options of the reference server, their defaults and validation. */
import os from 'node:os';
import { ERROR_CODES, InputError } from '../errors.js';
import { LIMITS } from '../protocol/constants.js';
import { DEFAULT_FAULT_EVERY, type FaultName, isFaultName } from './faults.js';

export interface ReferenceServerOptions {
  /** Address to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  /** Attempts before a requeued job fails: 0 = unlimited, like gearmand 1.1.20's default. */
  jobRetries?: number;
  /** Largest packet body accepted; a header declaring more closes that connection. */
  maxPacketBytes?: number;
  /** Longest admin line accepted without a newline; longer closes that connection. */
  maxTextLineBytes?: number;
  /** Job handle prefix; handles are `<prefix>:<n>`. Default `H:<hostname>` like gearmand. */
  handlePrefix?: string;
  /** Every connection starts with the `exceptions` option on (gearmand --exceptions). */
  exceptionsByDefault?: boolean;
  /**
   * TCP keepalive on every accepted connection after this much idle time (gearmand --keepalive):
   * a peer whose host vanished is noticed after the idle time and 10 unanswered probes 1 s apart
   * (Node's keepalive), and its jobs are requeued. Off (undefined) by default, like gearmand.
   */
  keepaliveMs?: number;
  /** Deliberately broken behaviours for testing the harness itself. */
  faults?: readonly FaultName[];
  /** A counting fault (drop-job) strikes once in this many; default 10,000. */
  faultEvery?: number;
  /** Receives one line per notable event (connections, protocol errors, admin commands). */
  log?: (line: string) => void;
}

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly jobRetries: number;
  readonly maxPacketBytes: number;
  readonly maxTextLineBytes: number;
  readonly handlePrefix: string;
  readonly exceptionsByDefault: boolean;
  readonly keepaliveMs: number | undefined;
  readonly faults: readonly FaultName[];
  readonly faultEvery: number;
  readonly log: ((line: string) => void) | undefined;
}

/** Room left in a 63-byte handle for ":" and a counter of up to 20 digits. */
const MAX_PREFIX_BYTES = LIMITS.handleBytes - 21;

function bad(field: string, message: string): InputError {
  return new InputError(ERROR_CODES.USAGE, `ReferenceServerOptions.${field}`, message);
}

function nonNegativeInt(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw bad(field, `must be a non-negative integer, got ${String(value)}`);
  return value;
}

export function resolveOptions(options: ReferenceServerOptions = {}): ResolvedOptions {
  const port = nonNegativeInt('port', options.port, 0);
  if (port > 65535) throw bad('port', `must be 0-65535, got ${port}`);
  const maxPacketBytes = nonNegativeInt('maxPacketBytes', options.maxPacketBytes, LIMITS.maxPacketBytes);
  if (maxPacketBytes < 64) throw bad('maxPacketBytes', 'must be at least 64');
  const maxTextLineBytes = nonNegativeInt('maxTextLineBytes', options.maxTextLineBytes, LIMITS.maxTextLineBytes);
  if (maxTextLineBytes < 16) throw bad('maxTextLineBytes', 'must be at least 16');
  const hostname =
    os
      .hostname()
      .replace(/[^\x21-\x7e]/g, '')
      .slice(0, MAX_PREFIX_BYTES - 2) || 'localhost';
  const handlePrefix = options.handlePrefix ?? `H:${hostname}`;
  if (Buffer.byteLength(handlePrefix) > MAX_PREFIX_BYTES || /[\0\s]/.test(handlePrefix)) {
    throw bad('handlePrefix', `must be at most ${MAX_PREFIX_BYTES} bytes without NUL or whitespace`);
  }
  const keepaliveMs = options.keepaliveMs === undefined ? undefined : nonNegativeInt('keepaliveMs', options.keepaliveMs, 0);
  if (keepaliveMs !== undefined && keepaliveMs < 1000) throw bad('keepaliveMs', 'must be at least 1000 (TCP keepalive counts whole seconds)');
  for (const f of options.faults ?? []) if (!isFaultName(f)) throw bad('faults', `unknown fault ${JSON.stringify(f)}`);
  const faultEvery = nonNegativeInt('faultEvery', options.faultEvery, DEFAULT_FAULT_EVERY);
  if (faultEvery < 1) throw bad('faultEvery', 'must be at least 1');
  return {
    host: options.host ?? '127.0.0.1',
    port,
    jobRetries: nonNegativeInt('jobRetries', options.jobRetries, 0),
    maxPacketBytes,
    maxTextLineBytes,
    handlePrefix,
    exceptionsByDefault: options.exceptionsByDefault ?? false,
    keepaliveMs,
    faults: options.faults ?? [],
    faultEvery,
    log: options.log,
  };
}
