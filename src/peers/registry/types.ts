/**
 * The shape of a peer record: everything gearspec needs to know to install, start and name one
 * Gearman implementation (a job server, a client/worker library, or both). The records live in
 * records.ts; every list of peer names in gearspec derives from that table (index.ts).
 */
import type { ReadinessProbe } from '../readiness.js';
import type { ServerStartOptions } from '../types.js';

export type PeerRole = 'server' | 'client' | 'worker';

type Language = 'TypeScript' | 'C' | 'Perl' | 'PHP' | 'JavaScript' | 'Python' | 'Go' | 'Rust' | 'Java';

/** A command line; `{root}` in the command or an argument stands for gearspec's package root. */
export interface ProgramSpec {
  readonly command: string;
  readonly args: readonly string[];
}

/**
 * How a peer is installed on this machine: Debian packages (apt, as root), and/or a script under
 * the package root that installs pinned dependencies into `.peers/` (idempotent).
 */
interface InstallSpec {
  readonly debian?: readonly string[];
  readonly script?: string;
  /** A file that exists once the peer is installed (`{root}` allowed): the native provider's check. */
  readonly installed: string;
}

/** Images gearspec builds; each record names the one it runs in (images.ts says how to build it). */
export type ImageName = 'gearmand' | 'perl-gearmand' | 'drivers' | 'polyglot' | 'redis' | 'postgres' | 'mariadb';

/**
 * A persistent queue a server keeps its background jobs in (gearmand's `-q`). Its data outlives
 * the server's process: certify restarts the server and looks for the jobs again (spec §4.17).
 */
export type QueueStoreKind = 'libsqlite3' | 'redis' | 'postgres' | 'mysql';

/**
 * The Debian releases whose packages gearspec runs (releases.ts says what each ships). Images are
 * built `FROM debian:<release>-slim`; a peer from a release other than the machine's runs in a
 * container only.
 */
export type DebianRelease = 'bullseye' | 'bookworm' | 'trixie';

export interface ContainerSpec {
  readonly image: ImageName;
  /** The command inside the image; a server's start arguments are appended to it. */
  readonly command: readonly string[];
  /**
   * Package-relative files and folders this peer needs in a staged image (the polyglot image is
   * the union of its peers' lists), copied to the same place under the image's package root.
   */
  readonly stage?: readonly string[];
  /** The Debian release the image is built from (its Dockerfile's DEBIAN_RELEASE); default bookworm. */
  readonly release?: DebianRelease;
}

interface DriverSpec {
  /**
   * The native command line; a function when the program must be prepared first (compiled).
   * Absent for another release's build, which exists only in its image.
   */
  readonly native?: ProgramSpec | (() => Promise<ProgramSpec>);
  readonly container: ContainerSpec;
}

export interface ServerSpec {
  readonly native: ProgramSpec;
  readonly container: ContainerSpec;
  /**
   * The arguments after `native.args` / `container.command`: listen address, port, then the
   * start options this server can honour. An option it cannot honour is a usage error, never
   * silently ignored.
   */
  buildArgs(host: string, port: number, options: ServerStartOptions): string[];
  /**
   * When the server is ready: its own process listens on the port and it answers the admin
   * `version` command, or a Gearman ECHO_REQ (servers without `version`), or, for servers that
   * answer neither, it accepts a connection.
   */
  readonly readiness: ReadinessProbe;
  /** The persistent queue this configuration runs with; gearspec starts the store beside it (queue-store.ts). */
  readonly queue?: QueueStoreKind;
}

export interface PeerRecord {
  /** The implementation's language. */
  readonly language: Language;
  /**
   * The independent code base this peer is built on: two peers share it when they share their
   * protocol code (PHP pecl gearman and the C driver are both libgearman).
   */
  readonly implementation: string;
  /** The library or server as its authors name it, with what it runs on. */
  readonly library: string;
  /** The pinned version (the Debian package's, the lock file's). */
  readonly version: string;
  readonly roles: readonly PeerRole[];
  /** Where its code comes from (package registry and name), for reports and the checklist. */
  readonly source: string;
  /** How it is installed natively; absent for the embedded reference. */
  readonly install?: InstallSpec;
  /** Client/worker driver program, for peers with a client or worker role (not the reference). */
  readonly driver?: DriverSpec;
  /** Job server, for peers with the server role (not the reference). */
  readonly server?: ServerSpec;
  /**
   * This peer is a configuration of another server's code base (gearmand with a persistent queue):
   * certified on its own, left out of the interop matrix and the soak unless named (the code base
   * is already there).
   */
  readonly configurationOf?: string;
  /**
   * This peer is another release's build of the peer named here (`gearmand@1.1.21` of `gearmand`):
   * certified and baselined by its own version, run in a container of its Debian release, and left
   * out of the current release's matrix unless named. Its record name is `<versionOf>@<version>`.
   */
  readonly versionOf?: string;
}
