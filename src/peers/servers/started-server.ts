/** The one StartedServer shape every provider returns; stop is idempotent and serialised. */
import type { ProcessExit } from '../peer-start.js';
import { parseVersionReply } from '../readiness.js';
import { StopOnce } from '../stop-once.js';
import type { ProviderKind, StartedServer } from '../types.js';

interface StartedServerParts {
  name: string;
  provider: ProviderKind;
  version: string;
  host: string;
  port: number;
  logs: () => string;
  /** Tears the peer down; called at most once. */
  stop: () => Promise<void>;
  /** Extra facts for reports (pid, container id, image). */
  details?: Readonly<Record<string, string | number>>;
  /** Resolves when the server's process or container has exited (crash or stop). */
  exited?: Promise<ProcessExit>;
}

export class RunningServer extends StopOnce<void> implements StartedServer {
  readonly name: string;
  readonly provider: ProviderKind;
  readonly version: string;
  readonly host: string;
  readonly port: number;
  readonly address: string;
  readonly details: Readonly<Record<string, string | number>>;
  /**
   * Resolves when the server's process or container has exited, whether it crashed or was
   * stopped; undefined when the provider cannot tell (certify uses it to restart a crashed peer).
   */
  readonly exited: Promise<ProcessExit> | undefined;
  readonly #logs: () => string;
  readonly #stop: () => Promise<void>;

  constructor(parts: StartedServerParts) {
    super();
    this.name = parts.name;
    this.provider = parts.provider;
    this.version = parts.version;
    this.host = parts.host;
    this.port = parts.port;
    this.address = `${parts.host}:${parts.port}`;
    this.details = parts.details ?? {};
    this.exited = parts.exited;
    this.#logs = parts.logs;
    this.#stop = parts.stop;
  }

  logs(): string {
    return this.#logs();
  }

  protected stopNow(): Promise<void> {
    return this.#stop();
  }

  override toString(): string {
    return `${this.name} ${this.version} (${this.provider}) at ${this.address}`;
  }
}

/**
 * An external server (native process or container) that answered `version` with `versionLine`
 * on 127.0.0.1:`port`; the pinned version stands in when the reply names none.
 */
export function externalServer(
  def: { readonly name: string; readonly expectedVersion: string },
  provider: ProviderKind,
  host: string,
  port: number,
  versionLine: string,
  peer: { logs(): string; stop(): Promise<unknown>; readonly exited?: Promise<ProcessExit> },
  details: Readonly<Record<string, string | number>>,
): RunningServer {
  return new RunningServer({
    name: def.name,
    provider,
    version: parseVersionReply(versionLine) || def.expectedVersion,
    host,
    port,
    logs: () => peer.logs(),
    stop: async () => {
      await peer.stop();
    },
    details,
    ...(peer.exited && { exited: peer.exited }),
  });
}
