/**
 * Runs a peer in a container (testcontainers over Podman or Docker) with host networking, so every
 * byte between the harness and the peer stays on 127.0.0.1. Every container is labelled
 * `gearspec=1`, `gearspec.run=<run id>` and `gearspec.pid=<harness pid>`; Ryuk is off here (its
 * image cannot be pulled), so containers whose harness process died are swept by label at the
 * next start-up and in teardown. Readiness is the caller's, raced against the container exiting.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Readable } from 'node:stream';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { within } from '../deadline.js';
import { ERROR_CODES, PeerError, errorMessage } from '../errors.js';
import { containerRuntime } from './container-runtime.js';
import { containerExit } from './container-exits.js';
import { ensureImage } from './container-images.js';
import { DEFAULT_LOG_BYTES, LogRing } from './log-ring.js';
import { type ProcessExit, describeExit, raceReady, withLogTail } from './peer-start.js';
import { pidAlive } from './pid.js';
import { dockerDir } from './repo-paths.js';
import { StopOnce } from './stop-once.js';
import { withDeadline } from './wait.js';

export { containerRuntime } from './container-runtime.js';

export const LABEL = 'gearspec';
export const LABEL_RUN = 'gearspec.run';
export const LABEL_PID = 'gearspec.pid';
export const LABEL_HOST = 'gearspec.host';
const LABEL_PEER = 'gearspec.peer';
/** Unique per start, so a container left half-created by a failed start can be found and removed. */
const LABEL_START = 'gearspec.start';

/** One id per harness process: containers of live runs are never swept by another run. */
export const RUN_ID = `${os.hostname()}-${process.pid}-${Date.now().toString(36)}`;

interface ContainerReadyContext {
  readonly id: string;
  /** The container's main process as seen from the host (host networking shares our /proc/net). */
  readonly hostPid: number | undefined;
  readonly signal: AbortSignal;
  logs(): string;
}

interface RunContainerOptions {
  /** Label for logs and errors, e.g. "gearmand". */
  name: string;
  /** Folder with the Dockerfile: absolute, or a name under docker/. */
  dockerfileDir: string;
  /** Image repository name; the tag is a hash of the Dockerfile folder and the build arguments. */
  imageName: string;
  /** Dockerfile ARGs (DEBIAN_RELEASE for another release's build). */
  buildArgs?: Readonly<Record<string, string>>;
  /** Arguments after the image's ENTRYPOINT. */
  command?: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Host folders bind-mounted read-write into the container (a persistent queue's folder). */
  mounts?: readonly { readonly source: string; readonly target: string }[];
  /** Deadline for create + start + `ready` (not the image build). Default 20 s. */
  startupTimeoutMs?: number;
  /** Deadline for a cold image build. Default 10 min (apt-get inside the build). */
  buildTimeoutMs?: number;
  ready?: (ctx: ContainerReadyContext) => Promise<void>;
  /** Seconds-granular SIGTERM grace before the engine kills. Default 2 s. */
  stopGraceMs?: number;
  logMaxBytes?: number;
}

interface ContainerHandle extends AsyncDisposable {
  readonly name: string;
  readonly id: string;
  readonly image: string;
  readonly hostPid: number | undefined;
  /** Resolves when the container's main process has exited. */
  readonly exited: Promise<ProcessExit>;
  logs(): string;
  /** Idempotent: stops and removes the container. */
  stop(): Promise<void>;
}

// Generous: on a loaded 2-core CI machine a container start has taken over 60 s (Podman creating
// several containers at once while driver processes and other suites hold both cores).
export const DEFAULT_CONTAINER_STARTUP_MS = 180_000;
const DEFAULT_GRACE_MS = 2_000;

/**
 * Removes gearspec containers whose harness process is gone (same host), plus with `ownRun` this
 * process's own. Returns how many were removed. Containers of other live runs are left alone.
 */
export async function sweepLeftoverContainers(options: { ownRun?: boolean } = {}): Promise<number> {
  const client = await containerRuntime('sweep');
  const found = await client.container.dockerode.listContainers({ all: true, filters: { label: [`${LABEL}=1`] } });
  let removed = 0;
  for (const info of found) {
    const labels = info.Labels ?? {};
    const own = labels[LABEL_RUN] === RUN_ID;
    const pid = Number(labels[LABEL_PID]);
    const sameHost = labels[LABEL_HOST] === os.hostname();
    const dead = sameHost && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !pidAlive(pid);
    const unowned = labels[LABEL_PID] === undefined;
    if ((own && options.ownRun) || dead || unowned) {
      try {
        await client.container.dockerode.getContainer(info.Id).remove({ force: true, v: true });
        removed++;
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode !== 404) throw e;
      }
    }
  }
  return removed;
}

async function removeByLabel(client: Awaited<ReturnType<typeof containerRuntime>>, label: string): Promise<number> {
  const found = await client.container.dockerode.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(found.map((c) => client.container.dockerode.getContainer(c.Id).remove({ force: true, v: true })));
  return found.length;
}

let startupSweep: Promise<number> | undefined;

class RunningContainer extends StopOnce<void> implements ContainerHandle {
  readonly name: string;
  readonly id: string;
  readonly image: string;
  readonly hostPid: number | undefined;
  readonly exited: Promise<ProcessExit>;
  readonly #log: LogRing;
  readonly #started: StartedTestContainer;
  readonly #graceMs: number;

  constructor(name: string, image: string, started: StartedTestContainer, hostPid: number | undefined, exited: Promise<ProcessExit>, log: LogRing, graceMs: number) {
    super();
    this.name = name;
    this.image = image;
    this.id = started.getId();
    this.hostPid = hostPid;
    this.exited = exited;
    this.#started = started;
    this.#log = log;
    this.#graceMs = graceMs;
  }

  logs(): string {
    return this.#log.text();
  }

  protected async stopNow(): Promise<void> {
    try {
      await this.#started.stop({ timeout: this.#graceMs, remove: true });
      // The die event reports the exit status; give it a moment so logs() records it.
      await within(this.exited, 1000);
    } catch (e) {
      // Whatever stop() tripped on, the container must not outlive us.
      this.#log.append('harness', `stop failed (${errorMessage(e)}); removing by force\n`);
      const client = await containerRuntime(this.name);
      try {
        await client.container.dockerode.getContainer(this.id).remove({ force: true, v: true });
      } catch (e2) {
        if ((e2 as { statusCode?: number }).statusCode !== 404)
          throw new PeerError(ERROR_CODES.HARNESS, this.name, `could not remove container ${this.id}: ${errorMessage(e2)}`, this.logs(), { cause: e2 });
      }
    }
  }
}

/** Builds (once) and starts the container, then waits for `ready`; see the module comment. */
export async function runContainer(options: RunContainerOptions): Promise<ContainerHandle> {
  const { name } = options;
  const client = await containerRuntime(name);
  startupSweep ??= sweepLeftoverContainers().catch(() => 0);
  await startupSweep;
  const dir = dockerDir(options.dockerfileDir);
  const image = await ensureImage(name, options.imageName, dir, options.buildTimeoutMs, options.buildArgs);
  const log = new LogRing(options.logMaxBytes ?? DEFAULT_LOG_BYTES);
  const timeoutMs = options.startupTimeoutMs ?? DEFAULT_CONTAINER_STARTUP_MS;
  const graceMs = options.stopGraceMs ?? DEFAULT_GRACE_MS;
  const startId = randomUUID();
  let container = new GenericContainer(image)
    .withNetworkMode('host')
    .withLabels({ [LABEL]: '1', [LABEL_RUN]: RUN_ID, [LABEL_PID]: String(process.pid), [LABEL_HOST]: os.hostname(), [LABEL_PEER]: name, [LABEL_START]: startId })
    .withStartupTimeout(timeoutMs);
  if (options.command) container = container.withCommand([...options.command]);
  if (options.env) container = container.withEnvironment({ ...options.env });
  if (options.mounts?.length) container = container.withBindMounts(options.mounts.map((m) => ({ source: m.source, target: m.target, mode: 'rw' as const })));
  let started: StartedTestContainer;
  const starting = container.start();
  try {
    started = await withDeadline(`${name}: creating and starting the container`, timeoutMs, () => starting);
  } catch (e) {
    // Past the deadline the engine may still finish creating it: remove it whenever it appears.
    void starting.then(
      (late) => late.stop({ timeout: 0, remove: true }).catch(() => removeByLabel(client, `${LABEL_START}=${startId}`)),
      () => undefined,
    );
    // testcontainers removes a container that fails its own wait, but not one created and then
    // refused by the runtime; find it by this start's label.
    await removeByLabel(client, `${LABEL_START}=${startId}`).catch(() => 0);
    throw withLogTail(ERROR_CODES.PEER_START_FAILED, name, `container from ${image} did not start: ${errorMessage(e)}`, log.text(), e);
  }
  const docker = client.container.dockerode.getContainer(started.getId());
  log.append('harness', `started container ${started.getId().slice(0, 12)} from ${image} ${(options.command ?? []).join(' ')}\n`);
  let logsEnded: () => void = () => undefined;
  const logsDone = new Promise<void>((r) => (logsEnded = r));
  void started
    .logs()
    .then((stream: Readable) => {
      stream.on('data', (c: Buffer | string) => log.append('', c));
      stream.on('error', logsEnded);
      stream.on('end', logsEnded);
      stream.on('close', logsEnded);
    })
    .catch((e: unknown) => {
      log.append('harness', `cannot follow logs: ${errorMessage(e)}\n`);
      logsEnded();
    });
  // The exit is reported once the container's last words are in its log (the log stream ends
  // with the container), or a second after the engine said it died, whichever comes first.
  const exited: Promise<ProcessExit> = containerExit(client.container.dockerode, started.getId()).then(async (x) => {
    await within(logsDone, 1000);
    return x;
  });
  void exited.then((x) => log.append('harness', `container ${describeExit(x)}\n`));
  let hostPid: number | undefined;
  try {
    const info = await docker.inspect();
    hostPid = info.State.Pid > 0 ? info.State.Pid : undefined;
  } catch {
    hostPid = undefined;
  }
  const handle = new RunningContainer(name, image, started, hostPid, exited, log, graceMs);
  const { ready } = options;
  if (!ready) return handle;
  try {
    await raceReady({ name, exited, subject: 'container' }, timeoutMs, (signal) => ready({ id: handle.id, hostPid: handle.hostPid, signal, logs: () => handle.logs() }));
    return handle;
  } catch (error) {
    // Let the log stream deliver the container's last words before it is removed.
    await new Promise((r) => setTimeout(r, 100));
    const snapshot = handle.logs();
    await handle.stop().catch((e: unknown) => log.append('harness', `cleanup failed: ${errorMessage(e)}\n`));
    throw withLogTail(ERROR_CODES.PEER_START_FAILED, name, `did not become ready: ${errorMessage(error)}`, snapshot, error);
  }
}
