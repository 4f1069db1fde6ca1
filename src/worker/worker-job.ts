/**
 * A job a worker is running: what the server assigned, and the WORK_* packets the handler sends
 * back. After the job has ended (complete, fail, or a terminal exception) further result packets
 * are refused locally instead of provoking the server's JOB_NOT_FOUND.
 */
import { ConnectionClosedError, ERROR_CODES, GearspecError } from '../errors.js';
import { T } from '../protocol/constants.js';
import { req, type Packet } from '../protocol/packet.js';
import type { Assignment } from './assignment.js';

export type JobEnd = 'complete' | 'fail' | 'exception';

interface JobLink {
  /** Sends on the connection the job was assigned on; false when that connection is gone. */
  send(packet: Packet): boolean;
  readonly exceptionTerminal: boolean;
}

const toBuf = (b: Buffer | string | undefined): Buffer => (b === undefined ? Buffer.alloc(0) : Buffer.isBuffer(b) ? b : Buffer.from(b, 'utf8'));

export class WorkerJob {
  readonly handle: string;
  readonly function: string;
  readonly unique: string | undefined;
  readonly reducer: string | undefined;
  readonly data: Buffer;
  readonly via: Assignment['via'];
  readonly #link: JobLink;
  #ended: JobEnd | undefined;
  #excepted = false;

  constructor(a: Assignment, link: JobLink) {
    this.handle = a.handle;
    this.function = a.function;
    this.unique = a.unique;
    this.reducer = a.reducer;
    this.data = a.data;
    this.via = a.via;
    this.#link = link;
  }

  /** How the job ended, once it has. */
  get ended(): JobEnd | undefined {
    return this.#ended;
  }

  /** True after a non-terminal exception (Perl semantics) that still needs a final result. */
  get excepted(): boolean {
    return this.#excepted;
  }

  sendData(data: Buffer | string): void {
    this.#send(T.WORK_DATA, toBuf(data));
  }

  sendWarning(data: Buffer | string): void {
    this.#send(T.WORK_WARNING, toBuf(data));
  }

  sendStatus(numerator: number | string, denominator: number | string): void {
    this.#send(T.WORK_STATUS, String(numerator), String(denominator));
  }

  complete(data?: Buffer | string): void {
    this.#send(T.WORK_COMPLETE, toBuf(data));
    this.#ended = 'complete';
  }

  fail(): void {
    this.#send(T.WORK_FAIL);
    this.#ended = 'fail';
  }

  exception(data?: Buffer | string): void {
    this.#send(T.WORK_EXCEPTION, toBuf(data));
    if (this.#link.exceptionTerminal) this.#ended = 'exception';
    else this.#excepted = true;
  }

  #send(type: number, ...rest: (Buffer | string)[]): void {
    if (this.#ended) throw new GearspecError(ERROR_CODES.HARNESS, `job ${this.handle} already ended with ${this.#ended}; no more results can be sent`);
    if (!this.#link.send(req(type, this.handle, ...rest))) {
      throw new ConnectionClosedError(`job ${this.handle}: the connection it was assigned on is closed`);
    }
  }
}
