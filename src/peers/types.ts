/**
 * The peer lifecycle every implementation adapter follows: a spec is started (with a deadline),
 * becomes ready, and is stopped (idempotently), whichever provider runs it. Logs are kept in a
 * bounded buffer and attached to failures.
 */

/** How a peer is run. `embedded` is the in-process reference implementation. */
export type ProviderKind = 'container' | 'native' | 'embedded';

/** GEARSPEC_PEERS: container | native | auto (auto: a reachable engine, else installed binaries, else skip loudly). */
export type ProviderChoice = 'container' | 'native' | 'auto';

/** Peer names come from the registry (registry/records.ts); these aliases keep imports short. */
export type { ServerPeerName, DriverPeerName, ClientPeerName, WorkerPeerName } from './registry/index.js';
import type { ProcessExit } from './peer-start.js';

interface StartOptions {
  /** Deadline for start → ready; the peer is torn down and the start fails past it. */
  startupTimeoutMs?: number;
  /** Extra implementation-specific arguments (e.g. gearmand threads). */
  args?: readonly string[];
}

/**
 * Options for server peers. Behaviour knobs are translated to each server's own flags; a knob a
 * server cannot honour (Perl gearmand has no --job-retries) is a usage error, never ignored.
 */
export interface ServerStartOptions extends StartOptions {
  /** Default: `embedded` for `reference`, else what GEARSPEC_PEERS resolves to. */
  provider?: ProviderKind;
  /** Fixed port on 127.0.0.1; default an ephemeral one (retried if another process takes it first). */
  port?: number;
  /** C gearmand `--job-retries N`; reference `jobRetries`. 0 = unlimited (gearmand 1.1.20). */
  jobRetries?: number;
  /** C gearmand `--threads N`. */
  threads?: number;
  /** C gearmand `--exceptions`; reference `exceptionsByDefault`. */
  exceptions?: boolean;
  /** C gearmand `--job-handle-prefix`; reference `handlePrefix`. */
  handlePrefix?: string;
  /**
   * TCP keepalive on accepted connections after this many idle seconds: C gearmand `--keepalive`
   * (probes 1 s apart, 2 of them); reference `keepaliveMs` (Node's: 10 probes 1 s apart).
   */
  keepaliveSeconds?: number;
  /** Size of the kept log, in characters. Default 1 MiB. */
  logMaxBytes?: number;
  /**
   * Where a server with a persistent queue (its registry record's `queue`) keeps it. Without it,
   * startServerPeer opens a store of its own for the server's lifetime; pass one to keep the queue
   * across restarts (queue-store.ts).
   */
  queue?: QueueLocation;
}

/** A persistent queue's location, as the server's switches name it. */
export type QueueLocation =
  | { readonly kind: 'libsqlite3'; readonly dir: string }
  | { readonly kind: 'redis'; readonly host: string; readonly port: number }
  | { readonly kind: 'postgres'; readonly host: string; readonly port: number; readonly user: string; readonly database: string }
  | { readonly kind: 'mysql'; readonly host: string; readonly port: number; readonly user: string; readonly database: string };

interface StartedPeer extends AsyncDisposable {
  readonly name: string;
  readonly provider: ProviderKind;
  /** Version string the peer reported or the package pins. */
  readonly version: string;
  /** Recent log output (bounded), for attaching to failed results. */
  logs(): string;
  /** Idempotent; resolves once every process/container it started is gone. */
  stop(): Promise<void>;
}

export interface StartedServer extends StartedPeer {
  /** Resolves when the server's process or container exits (a crash, or our stop); absent when embedded. */
  readonly exited?: Promise<ProcessExit> | undefined;
  readonly host: string;
  readonly port: number;
  /** host:port */
  readonly address: string;
}
