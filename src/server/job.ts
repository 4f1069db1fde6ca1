/** Jobs and functions as the server holds them. */
import { Fifo } from './fifo.js';
import type { ServerConnection } from './server-connection.js';

/** Queue index: 0 HIGH, 1 NORMAL, 2 LOW (gearmand's order). */
export type PriorityIndex = 0 | 1 | 2;
export const PRIORITY_INDEX = { high: 0, normal: 1, low: 2 } as const;

export type JobState = 'scheduled' | 'queued' | 'running' | 'done';

export interface Job {
  readonly handle: string;
  readonly handleBuf: Buffer;
  readonly fn: FunctionEntry;
  readonly unique: Buffer;
  /** Key in fn.byKey when the job coalesces, else undefined (empty unique, `-` with empty data). */
  readonly coalesceKey: string | undefined;
  readonly data: Buffer;
  /** Reducer function of a map/reduce job; undefined for plain jobs. */
  readonly reducer: Buffer | undefined;
  readonly priority: PriorityIndex;
  /** Submitted in the background; such a job is never dropped for lack of listeners. */
  readonly background: boolean;
  /** Global submission order, used to order equal priorities across functions. */
  seq: number;
  state: JobState;
  /** Foreground listeners, one entry per submit (a connection that submitted twice gets results twice, as on gearmand). */
  clients: ServerConnection[];
  worker: ServerConnection | undefined;
  numerator: string;
  denominator: string;
  /** Times the job was requeued after being assigned (admin `show jobs`). */
  retries: number;
  /** Its last foreground client left: dropped when a worker would take it (gearmand's "ignore"). */
  orphaned: boolean;
  /** Epoch start or CAN_DO_TIMEOUT expiry. */
  timer: NodeJS.Timeout | undefined;
}

export class FunctionEntry {
  readonly name: string;
  readonly nameBuf: Buffer;
  readonly queues: readonly [Fifo<Job>, Fifo<Job>, Fifo<Job>] = [new Fifo(), new Fifo(), new Fifo()];
  /** Live queued jobs per priority. The FIFOs may also hold stale entries (state !== 'queued') skipped on take. */
  readonly queued: [number, number, number] = [0, 0, 0];
  running = 0;
  /** Epoch jobs waiting for their time. */
  scheduled = 0;
  /** Connections that registered this function. */
  readonly workers = new Set<ServerConnection>();
  /** Registered connections that sent PRE_SLEEP and have not been woken yet. */
  readonly sleepers = new Set<ServerConnection>();
  /** Coalescing index: unique (or `-` data) → live job. */
  readonly byKey = new Map<string, Job>();
  /** maxqueue limits per priority; 0 = unlimited. */
  maxQueue: [number, number, number] = [0, 0, 0];

  constructor(name: string) {
    this.name = name;
    this.nameBuf = Buffer.from(name, 'latin1');
  }

  get queuedTotal(): number {
    return this.queued[0] + this.queued[1] + this.queued[2];
  }

  /** Jobs the server holds for this function: queued + running + scheduled (admin `status` "total"). */
  get total(): number {
    return this.queuedTotal + this.running + this.scheduled;
  }
}
