/** The one StartedServer shape every provider returns; stop is idempotent and serialised. */
import type { ProviderKind, StartedServer } from '../types.js';

export interface StartedServerParts {
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
}

export class RunningServer implements StartedServer {
  readonly name: string;
  readonly provider: ProviderKind;
  readonly version: string;
  readonly host: string;
  readonly port: number;
  readonly address: string;
  readonly details: Readonly<Record<string, string | number>>;
  readonly #logs: () => string;
  readonly #stopOnce: () => Promise<void>;
  #stopping: Promise<void> | undefined;

  constructor(parts: StartedServerParts) {
    this.name = parts.name;
    this.provider = parts.provider;
    this.version = parts.version;
    this.host = parts.host;
    this.port = parts.port;
    this.address = `${parts.host}:${parts.port}`;
    this.details = parts.details ?? {};
    this.#logs = parts.logs;
    this.#stopOnce = parts.stop;
  }

  logs(): string {
    return this.#logs();
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stopOnce();
    return this.#stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  toString(): string {
    return `${this.name} ${this.version} (${this.provider}) at ${this.address}`;
  }
}
