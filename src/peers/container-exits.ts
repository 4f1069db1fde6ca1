/**
 * When a container exits, and with what code, from one events stream per harness process.
 *
 * The obvious way, a `wait` call per container, is costly on Podman: the service polls every
 * waited container's state four times a second until it exits (measured here on Podman 4.3: ten
 * waited containers kept 0.6 of a core busy in the service, and a wait whose caller went away is
 * polled on until the container exits). A run with dozens of driver containers spent most of a
 * core on that. One `/events` stream costs next to nothing and carries every `die` with its exit
 * code. A container that exited before the stream was open is caught by one inspect after the
 * waiter is registered; if the engine cannot stream events, each container falls back to `wait`.
 */
import type { Readable } from 'node:stream';
import { LineSplitter } from '../line-splitter.js';
import type { containerRuntime } from './container-runtime.js';
import type { ProcessExit } from './peer-start.js';

/** The engine client testcontainers holds (dockerode). */
type Dockerode = Awaited<ReturnType<typeof containerRuntime>>['container']['dockerode'];

/** The fields of an engine event that tell a container's end. */
interface ContainerEvent {
  readonly Type?: string;
  readonly Action?: string;
  readonly status?: string;
  readonly id?: string;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Readonly<Record<string, string>> };
}

/** The exit a container event reports, if it reports one. */
export function exitOfEvent(event: ContainerEvent): { readonly id: string; readonly exit: ProcessExit } | undefined {
  const id = event.Actor?.ID ?? event.id;
  const action = event.Action ?? event.status;
  if (!id || (event.Type !== undefined && event.Type !== 'container')) return undefined;
  if (action === 'die') {
    const code = Number(event.Actor?.Attributes?.exitCode);
    return { id, exit: { code: Number.isInteger(code) ? code : null, signal: null } };
  }
  if (action === 'remove' || action === 'destroy') return { id, exit: { code: null, signal: 'REMOVED' } };
  return undefined;
}

/** The engine's events out of its stream of newline-separated JSON, whatever the chunking. */
export class EventLines {
  readonly #lines = new LineSplitter();

  push(chunk: string): ContainerEvent[] {
    return this.#lines.push(chunk).flatMap((line) => {
      if (!line.trim()) return [];
      try {
        const parsed: unknown = JSON.parse(line);
        return parsed && typeof parsed === 'object' ? [parsed as ContainerEvent] : [];
      } catch {
        return [];
      }
    });
  }
}

class ExitWatch {
  readonly #docker: Dockerode;
  readonly #waiters = new Map<string, ((exit: ProcessExit) => void)[]>();
  #stream: Promise<Readable | undefined> | undefined;

  constructor(docker: Dockerode) {
    this.#docker = docker;
  }

  async exit(id: string): Promise<ProcessExit> {
    const ended = new Promise<ProcessExit>((resolve) => this.#waiters.set(id, [...(this.#waiters.get(id) ?? []), resolve]));
    const stream = await this.#open();
    if (!stream) {
      this.#fallBack(id);
      return ended;
    }
    // The container may have ended before the stream was open: its state says so.
    try {
      const state = (await this.#docker.getContainer(id).inspect()).State;
      if (state.Status === 'exited' || state.Status === 'dead') this.#settle(id, { code: state.ExitCode, signal: null });
    } catch {
      this.#settle(id, { code: null, signal: 'REMOVED' });
    }
    return ended;
  }

  #settle(id: string, exit: ProcessExit): void {
    const waiting = this.#waiters.get(id);
    this.#waiters.delete(id);
    for (const resolve of waiting ?? []) resolve(exit);
  }

  /** The per-container wait, for when the events stream is unavailable or broke. */
  #fallBack(id: string): void {
    this.#docker
      .getContainer(id)
      .wait()
      .then(
        (r: { StatusCode?: number }) => this.#settle(id, { code: r.StatusCode ?? null, signal: null }),
        () => this.#settle(id, { code: null, signal: 'REMOVED' }),
      );
  }

  #open(): Promise<Readable | undefined> {
    this.#stream ??= this.#docker
      // Podman names the exit 'died' in filters but 'die' in the events it sends: filter here.
      .getEvents({ filters: { type: ['container'] } })
      .then((s) => {
        const stream = s as Readable;
        // The stream must not keep a finished harness process alive.
        (stream as Readable & { socket?: { unref?: () => void } }).socket?.unref?.();
        const lines = new EventLines();
        stream.on('data', (chunk: Buffer | string) => {
          for (const event of lines.push(chunk.toString())) {
            const ended = exitOfEvent(event);
            if (ended) this.#settle(ended.id, ended.exit);
          }
        });
        let once = false;
        const broken = (): void => {
          // Later waiters open a new stream; those already waiting fall back to their own wait.
          if (once) return;
          once = true;
          this.#stream = undefined;
          for (const id of [...this.#waiters.keys()]) this.#fallBack(id);
        };
        stream.once('error', broken);
        stream.once('end', broken);
        return stream;
      })
      .catch(() => {
        this.#stream = undefined;
        return undefined;
      });
    return this.#stream;
  }
}

const watches = new WeakMap<Dockerode, ExitWatch>();

/** Resolves when the container exits (its code) or is removed (signal `REMOVED`). */
export function containerExit(docker: Dockerode, id: string): Promise<ProcessExit> {
  let watch = watches.get(docker);
  if (!watch) {
    watch = new ExitWatch(docker);
    watches.set(docker, watch);
  }
  return watch.exit(id);
}
