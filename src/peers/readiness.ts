/**
 * Readiness of a Gearman server: the port accepts a connection and the server answers a probe:
 * the admin `version` command, or, for servers without the text protocol, a binary ECHO_REQ.
 * When we know the server's pid, the listening socket must also be its own, because gearmand
 * does not exit when its port is taken and something else could answer in its place.
 */
import { ERROR_CODES, PeerError, errorMessage } from '../errors.js';
import { T } from '../protocol/constants.js';
import { req } from '../protocol/packet.js';
import { GearmanConnection } from '../transport/connection.js';
import { listenerOwner } from './proc-net.js';
import { sleep } from './wait.js';

/** The port was held by another process: a lost race after pickFreePort, or an explicit port in use. */
export class PortInUseError extends PeerError {
  readonly port: number;
  constructor(peer: string, port: number) {
    super(ERROR_CODES.PEER_START_FAILED, peer, `127.0.0.1:${port} is already in use by another process`);
    this.name = 'PortInUseError';
    this.port = port;
  }
}

interface AdminReadyOptions {
  name: string;
  host: string;
  port: number;
  signal: AbortSignal;
  /** The server's pid, when it runs on this host's pid namespace. */
  pid?: number;
  pollMs?: number;
}

/** `OK 1.1.20+ds` (C) → `1.1.20+ds`; `v1.130.1` (Perl) → `1.130.1`; anything else as is. */
export function parseVersionReply(line: string): string {
  const ok = /^OK\s+(\S.*)$/.exec(line.trim());
  if (ok) return ok[1]!;
  const v = /^v(\d\S*)$/.exec(line.trim());
  return v ? v[1]! : line.trim();
}

const PROBES = { 'admin-version': probeVersion, echo: probeEcho, listening: probeConnect } as const;
export type ReadinessProbe = keyof typeof PROBES;

/** Polls with the probe the server's registry record names; returns the version line, if any. */
export function waitForServerReady(kind: ReadinessProbe, options: AdminReadyOptions): Promise<string> {
  return pollUntilAnswered(options, PROBES[kind]);
}

/** Polls `probe` until it answers; with a pid, the listener must be that process's own (PortInUseError otherwise). */
export async function pollUntilAnswered(options: AdminReadyOptions, probe: (host: string, port: number) => Promise<string>): Promise<string> {
  const pollMs = options.pollMs ?? 50;
  let lastError = 'no attempt yet';
  while (!options.signal.aborted) {
    if (options.pid !== undefined) {
      const owner = await listenerOwner(options.pid, options.port);
      if (owner === 'other') throw new PortInUseError(options.name, options.port);
      if (owner === 'none') {
        lastError = 'not listening yet';
        await sleep(pollMs, options.signal);
        continue;
      }
    }
    try {
      return await probe(options.host, options.port);
    } catch (e) {
      lastError = errorMessage(e);
      await sleep(pollMs, options.signal);
    }
  }
  const reason: unknown = options.signal.reason;
  throw reason instanceof Error ? reason : new Error(`readiness abandoned (last probe: ${lastError})`);
}

/** One probe: connect, `version`, close. */
export async function probeVersion(host: string, port: number, timeoutMs = 1000): Promise<string> {
  const conn = await GearmanConnection.connect({ host, port, connectTimeoutMs: timeoutMs });
  try {
    const [line] = await conn.admin('version', timeoutMs);
    if (line === undefined || line.startsWith('ERR')) throw new Error(`unexpected version reply ${JSON.stringify(line)}`);
    return line;
  } finally {
    conn.close();
  }
}

/** One binary probe: connect, ECHO_REQ, the byte-identical ECHO_RES, close. No version to report. */
async function probeEcho(host: string, port: number, timeoutMs = 1000): Promise<string> {
  const conn = await GearmanConnection.connect({ host, port, connectTimeoutMs: timeoutMs });
  try {
    conn.send(req(T.ECHO_REQ, 'gearspec-ready'));
    const answer = await conn.expect([T.ECHO_RES], timeoutMs);
    if (answer.args[0]?.toString() !== 'gearspec-ready') throw new Error('ECHO_RES did not echo the probe');
    return '';
  } finally {
    conn.close();
  }
}

/**
 * The weakest probe, for servers that answer neither `version` nor ECHO_REQ (Python gear's): a
 * connection is accepted. With the pid known, the listener was already checked to be the server's.
 */
async function probeConnect(host: string, port: number, timeoutMs = 1000): Promise<string> {
  const conn = await GearmanConnection.connect({ host, port, connectTimeoutMs: timeoutMs });
  conn.close();
  return '';
}
