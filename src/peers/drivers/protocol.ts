/**
 * The driver control protocol: JSON lines over one TCP connection between the harness (which
 * listens on 127.0.0.1:ephemeral) and a driver program (PHP, Perl, C, or the TypeScript reference)
 * that wraps one Gearman client or worker library. Specified in docs/driver-protocol.md (this
 * file is its source of truth); every driver program implements exactly this, and
 * `gearspec driver-check` checks a driver against it. Payloads are base64 so every byte value
 * survives JSON.
 */
import { ERROR_CODES, GearspecError } from '../../errors.js';

/**
 * The version a driver announces in `hello.protocol`. 1: the original protocol. 2: outcome forms
 * (`BehaviourOutcome.form`: native | throw | call), the `exit` outcome, and declining a `register`
 * whose behaviour the library cannot express with an `error` carrying the register's id.
 */
export const DRIVER_PROTOCOL_VERSION = 2;

export type DriverRole = 'client' | 'worker';
export type JobPriority = 'high' | 'normal' | 'low';

/** One job to submit. `payload` is base64. */
export interface SubmitJob {
  readonly id: string;
  readonly function: string;
  readonly unique?: string;
  readonly payload: string;
  readonly priority?: JobPriority;
  readonly background?: boolean;
}

/** What a worker does between receiving a job and its outcome, in order. */
type BehaviourStep =
  | { readonly kind: 'data'; readonly payload: string }
  | { readonly kind: 'warning'; readonly payload: string }
  | { readonly kind: 'status'; readonly numerator: number; readonly denominator: number }
  | { readonly kind: 'sleep'; readonly ms: number }
  /** Emit `gated` and read control commands until `release` names this gate. */
  | { readonly kind: 'gate'; readonly gate: string };

/**
 * How the worker function ends the job, and in which of the library's forms (`form`):
 *  - `native` (the default): the way an application ends a job in that library — return the
 *    result; for a failure the library's failure return (Perl `return undef`, PHP
 *    `setReturn(GEARMAN_WORK_FAIL)`, a C callback's `GEARMAN_WORK_FAIL` return code);
 *  - `throw`: the function raises (Perl `die`, PHP `throw`, a JS `throw`); the library decides
 *    what goes on the wire;
 *  - `call`: the library's explicit packet-level call (`send_work_fail`, `sendException`,
 *    `gearman_job_send_complete` …), then the function returns as the library expects after it.
 * A driver that cannot express a form answers the `register` with an `error` event naming it.
 */
export type OutcomeForm = 'native' | 'throw' | 'call';

/** How the job ends. `complete` without payload echoes the job's payload. */
export type BehaviourOutcome =
  | { readonly kind: 'complete'; readonly payload?: string; readonly form?: 'native' | 'call' }
  | { readonly kind: 'fail'; readonly form?: 'native' | 'throw' | 'call' }
  | { readonly kind: 'exception'; readonly payload: string; readonly form?: 'native' | 'throw' | 'call' }
  /** Exit the process abruptly (SIGKILL, no result packet), like a crashed worker. */
  | { readonly kind: 'die' }
  /** The process exits with this code while holding the job (the library's own exit path). */
  | { readonly kind: 'exit'; readonly code: number };

export interface Behaviour {
  readonly steps?: readonly BehaviourStep[];
  readonly outcome: BehaviourOutcome;
}

/** Harness → driver. Every command with an `id` is answered by a `done` event once finished. */
export type DriverCommand =
  /** Client: submit one job; foreground jobs are run to their end before `done`. */
  | ({ readonly op: 'submit'; readonly exceptions?: boolean } & SubmitJob)
  /** Client: submit several jobs on one connection and run them concurrently. */
  | { readonly op: 'submit-batch'; readonly id: string; readonly exceptions?: boolean; readonly jobs: readonly SubmitJob[] }
  /** Client: GET_STATUS for a handle a `created` event reported. */
  | { readonly op: 'status'; readonly id: string; readonly handle: string }
  /** Worker: register a function (only before `work`). */
  | { readonly op: 'register'; readonly id: string; readonly function: string; readonly behaviour: Behaviour }
  /** Worker: enter the library's work loop; `done` is sent just before. */
  | { readonly op: 'work'; readonly id: string }
  /** Worker, only while a job waits at a gate. */
  | { readonly op: 'release'; readonly gate: string }
  | { readonly op: 'quit' };

/** Driver → harness. `exited` is synthesised by the harness when the driver goes away. */
export type DriverEvent =
  | { readonly event: 'hello'; readonly implementation: string; readonly library: string; readonly version: string; readonly role: DriverRole; readonly pid?: number; readonly protocol?: number }
  | { readonly event: 'created'; readonly id: string; readonly handle: string }
  | { readonly event: 'data'; readonly id: string; readonly payload: string }
  | { readonly event: 'warning'; readonly id: string; readonly payload: string }
  | { readonly event: 'status'; readonly id: string; readonly numerator: string; readonly denominator: string }
  | { readonly event: 'complete'; readonly id: string; readonly payload: string }
  | { readonly event: 'fail'; readonly id: string }
  | { readonly event: 'exception'; readonly id: string; readonly payload: string }
  | { readonly event: 'status-res'; readonly id: string; readonly known: boolean; readonly running: boolean; readonly numerator: string; readonly denominator: string }
  | { readonly event: 'job'; readonly handle: string; readonly function: string; readonly unique?: string; readonly payload: string }
  | { readonly event: 'gated'; readonly handle: string; readonly gate: string }
  | { readonly event: 'finished'; readonly handle: string; readonly outcome: BehaviourOutcome['kind'] }
  | { readonly event: 'error'; readonly id?: string; readonly message: string }
  | { readonly event: 'done'; readonly id: string }
  | { readonly event: 'exited'; readonly code: number | null; readonly signal: string | null };

type DriverEventName = DriverEvent['event'];

const EVENT_FIELDS: Record<DriverEventName, readonly (readonly [string, 'string' | 'boolean' | 'number?' | 'string?' | 'boolean?'])[]> = {
  hello: [
    ['implementation', 'string'],
    ['library', 'string'],
    ['version', 'string'],
    ['role', 'string'],
  ],
  created: [
    ['id', 'string'],
    ['handle', 'string'],
  ],
  data: [
    ['id', 'string'],
    ['payload', 'string'],
  ],
  warning: [
    ['id', 'string'],
    ['payload', 'string'],
  ],
  status: [
    ['id', 'string'],
    ['numerator', 'string'],
    ['denominator', 'string'],
  ],
  complete: [
    ['id', 'string'],
    ['payload', 'string'],
  ],
  fail: [['id', 'string']],
  exception: [
    ['id', 'string'],
    ['payload', 'string'],
  ],
  'status-res': [
    ['id', 'string'],
    ['known', 'boolean'],
    ['running', 'boolean'],
    ['numerator', 'string'],
    ['denominator', 'string'],
  ],
  job: [
    ['handle', 'string'],
    ['function', 'string'],
    ['payload', 'string'],
    ['unique', 'string?'],
  ],
  gated: [
    ['handle', 'string'],
    ['gate', 'string'],
  ],
  finished: [
    ['handle', 'string'],
    ['outcome', 'string'],
  ],
  error: [
    ['message', 'string'],
    ['id', 'string?'],
  ],
  done: [['id', 'string']],
  exited: [],
};

function protocolError(message: string): GearspecError {
  return new GearspecError(ERROR_CODES.HARNESS, `driver protocol: ${message}`);
}

/**
 * Parse and validate one line a driver sent. Numbers for numerator/denominator are accepted and
 * turned into strings, because C and Perl libraries report them as integers.
 */
export function parseDriverEvent(line: string): DriverEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw protocolError(`not JSON: ${line.slice(0, 200)} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw protocolError(`not an object: ${line.slice(0, 200)}`);
  const obj = value as Record<string, unknown>;
  const name = obj.event;
  if (typeof name !== 'string' || !(name in EVENT_FIELDS)) throw protocolError(`unknown event ${JSON.stringify(name)} in ${line.slice(0, 200)}`);
  for (const key of ['numerator', 'denominator']) {
    if (typeof obj[key] === 'number') obj[key] = String(obj[key]);
  }
  for (const key of ['known', 'running']) {
    if (typeof obj[key] === 'number') obj[key] = obj[key] !== 0;
  }
  for (const [field, type] of EVENT_FIELDS[name as DriverEventName]) {
    const v = obj[field];
    const optional = type.endsWith('?');
    if (v === undefined || v === null) {
      if (optional) {
        delete obj[field];
        continue;
      }
      throw protocolError(`event ${name} lacks ${field}: ${line.slice(0, 200)}`);
    }
    if (typeof v !== type.replace('?', '')) throw protocolError(`event ${name}: ${field} should be a ${type}, got ${typeof v}`);
  }
  return obj as unknown as DriverEvent;
}

export function encodeDriverCommand(cmd: DriverCommand): string {
  return `${JSON.stringify(cmd)}\n`;
}

export const b64 = (bytes: Uint8Array | string): string => Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('base64');
export const unb64 = (text: string): Buffer => Buffer.from(text, 'base64');

/** Readable one-line rendering for logs (payloads shortened). */
export function describeDriverEvent(e: DriverEvent): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(e)) {
    if (k === 'event') continue;
    if (k === 'payload' && typeof v === 'string') {
      const bytes = unb64(v);
      const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
      parts.push(`payload=${printable && bytes.length <= 40 ? JSON.stringify(bytes.toString('latin1')) : `<${bytes.length} bytes>`}`);
    } else parts.push(`${k}=${JSON.stringify(v)}`);
  }
  return `${e.event}(${parts.join(', ')})`;
}
