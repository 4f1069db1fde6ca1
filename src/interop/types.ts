/**
 * Shapes shared by the interop scenarios, the expectations and the matrix runner.
 * A scenario declares the functions the cell's worker must register (with their behaviours),
 * then drives the client(s) and reads both sides' events, and names what happened with an
 * outcome label. Grading against expectations happens elsewhere (grading.ts).
 */
import type { Behaviour, DriverHandle } from '../peers/drivers/index.js';
import type { ServerPeerName } from '../peers/types.js';
import type { DriverTap } from '../peers/drivers/tap.js';
import type { MatrixServerKnobs } from './servers.js';

/** A peer the matrix starts itself, or a server someone else runs (`gearspec interop --server`). */
export type MatrixServerName = ServerPeerName | 'external';

export interface CellId {
  readonly server: MatrixServerName;
  /** Driver names: a built-in driver, or an external driver's label. */
  readonly client: string;
  readonly worker: string;
}

export interface Registration {
  readonly function: string;
  readonly behaviour: Behaviour;
}

export interface Timing {
  /** Deadline for an event that should come. */
  readonly eventMs: number;
  /** How long to watch to conclude that nothing (more) comes. */
  readonly quietMs: number;
}

export interface CellContext {
  readonly cell: CellId;
  readonly serverAddress: string;
  readonly client: DriverTap;
  /** A second client of the same implementation (own process, own connection). */
  readonly client2: DriverTap;
  readonly worker: DriverTap;
  readonly timing: Timing;
  /** This cell's name for a scenario's function (unique per client × worker). */
  fn(scenario: string, suffix?: string): string;
  /** Start an extra worker driver of the cell's implementation, registered and working. */
  startExtraWorker(label: string, registrations: readonly Registration[]): Promise<DriverHandle>;
  /** A line in the scenario transcript. */
  note(line: string): void;
  /**
   * A driver of the cell's client or worker implementation on the given servers, handed to its
   * library in that order (each behind its own checked relay, except `downAddress` ones). A worker
   * registers `registrations` and enters `work`. Stopped by the runner when the scenario ends.
   */
  startDriver(role: 'client' | 'worker', label: string, servers: readonly string[], registrations?: readonly Registration[]): Promise<DriverTap>;
  /** An address on 127.0.0.1 where nothing listens: a server that is down (connections refused). */
  downAddress(): Promise<string>;
  /**
   * A server of the cell's implementation for this scenario alone (one it may restart), stopped
   * by the runner when the scenario ends; undefined when gearspec did not start the cell's server.
   */
  readonly ownServer: ((knobs?: MatrixServerKnobs) => Promise<OwnServer>) | undefined;
  /** What the relay in front of a driver started for this cell does to its traffic. */
  relay(tap: DriverTap): RelayControl;
}

/** A server a scenario owns: stopped and started again on the same address. */
export interface OwnServer {
  readonly address: string;
  restart(): Promise<void>;
  /** Stop it for good (a server going down); the runner's own stop at the scenario's end is then a no-op. */
  stop(): Promise<void>;
}

export interface RelayControl {
  /** The library stops reading (true) or reads again (false): a slow consumer. */
  holdReplies(on: boolean): void;
  /** The library's machine vanishes: its packets stop both ways, with no FIN or RST. */
  goSilent(): void;
  /** The server's side of the silent connections is reset (RST). */
  cutSilent(): void;
  /**
   * Every packet of the library's connections is dropped, both ways, until `lift`: even the
   * relay's kernel answers nothing, so a server's TCP keepalive sees a vanished host.
   */
  blackhole(): { readonly ports: readonly number[]; lift(): void };
}

export interface Observation {
  /** Outcome label, e.g. "completed", "requeued", "low-rejected". */
  readonly outcome: string;
  readonly detail: string;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Outcome label of the nominal behaviour (what the reference implementations do). */
  readonly nominal: string;
  /** It starts a server of the cell's implementation itself (`ownServer`): not run on an external server. */
  readonly needsOwnServer?: boolean;
  /** Functions the cell's main worker registers before `work`. */
  functions(fn: (scenario: string, suffix?: string) => string): readonly Registration[];
  run(ctx: CellContext): Promise<Observation>;
}
