/**
 * The behaviours a worker driver is checked with: every step kind, every outcome kind, and every
 * form. Each case says whether a driver may decline it (the non-native forms: a library may have
 * no way to throw, or no explicit call), what the client must see, and what travels in between.
 * Cases that end the worker process (die, exit, and a throw, which some libraries turn into the
 * application's death) run in a session of their own.
 */
import { type Behaviour, b64 } from '../../peers/drivers/protocol.js';
import { gateName } from '../../peers/drivers/tap.js';
import { ALL_BYTES, pattern } from './payloads.js';

type ClientSees =
  | { readonly kind: 'complete'; readonly payload: Buffer }
  | { readonly kind: 'fail' }
  /** `exact`: the driver passes these bytes itself; otherwise the library's native path may change them. */
  | { readonly kind: 'exception'; readonly payload: Buffer; readonly exact: boolean }
  /** A throw: the library decides what goes on the wire, and whether the process survives. */
  | { readonly kind: 'library-decides' }
  /** The process goes away holding the job (`code` for an exit outcome). */
  | { readonly kind: 'gone'; readonly code?: number };

export interface WorkerCase {
  readonly name: string;
  readonly function: string;
  readonly behaviour: Behaviour;
  /** A driver may decline it with an `error` for the register (reported as not supported). */
  readonly optional: boolean;
  readonly payload: Buffer;
  readonly unique?: string;
  /** The reference client sets the exceptions option. */
  readonly exceptions?: boolean;
  /** Submitted as a background job (the worker will not answer). */
  readonly background?: boolean;
  readonly sees: ClientSees;
}

const RESULT = Buffer.from([0x6f, 0x6b, 0x00, 0xff, 0x80, 0x0a]);
const CALLED = Buffer.from([0x63, 0x61, 0x6c, 0x6c, 0x00, 0xfe]);
const EXCEPTION = Buffer.from([0x62, 0x61, 0x64, 0x00, 0xe9, 0x21]);
export const STEP_DATA = Buffer.from([0x64, 0x00, 0xff, 0x0d, 0x0a]);
export const STEP_WARNING = Buffer.from([0x77, 0x00, 0x80, 0x7f]);
export const STEP_STATUS = { numerator: 1, denominator: 3 } as const;
const WORKER_GATE = gateName('dcw-gate');

/** Registered together before `work` in the main session; none of them ends the process. */
export const MAIN_CASES: readonly WorkerCase[] = [
  {
    name: 'complete (native, echo) with every byte value and a unique',
    function: 'dcw-echo',
    behaviour: { outcome: { kind: 'complete' } },
    optional: false,
    payload: ALL_BYTES,
    unique: 'dcw-unique-1',
    sees: { kind: 'complete', payload: ALL_BYTES },
  },
  {
    name: 'complete (native) with a result',
    function: 'dcw-result',
    behaviour: { outcome: { kind: 'complete', payload: b64(RESULT) } },
    optional: false,
    payload: Buffer.from('x'),
    sees: { kind: 'complete', payload: RESULT },
  },
  {
    name: 'complete (form call)',
    function: 'dcw-complete-call',
    behaviour: { outcome: { kind: 'complete', payload: b64(CALLED), form: 'call' } },
    optional: true,
    payload: Buffer.from('y'),
    sees: { kind: 'complete', payload: CALLED },
  },
  { name: 'fail (native)', function: 'dcw-fail', behaviour: { outcome: { kind: 'fail' } }, optional: false, payload: Buffer.from('f'), sees: { kind: 'fail' } },
  { name: 'fail (form call)', function: 'dcw-fail-call', behaviour: { outcome: { kind: 'fail', form: 'call' } }, optional: true, payload: Buffer.from('g'), sees: { kind: 'fail' } },
  {
    name: 'exception (native)',
    function: 'dcw-exception',
    behaviour: { outcome: { kind: 'exception', payload: b64(EXCEPTION) } },
    optional: false,
    payload: Buffer.from('e'),
    exceptions: true,
    sees: { kind: 'exception', payload: EXCEPTION, exact: false },
  },
  {
    name: 'exception (form call)',
    function: 'dcw-exception-call',
    behaviour: { outcome: { kind: 'exception', payload: b64(EXCEPTION), form: 'call' } },
    optional: true,
    payload: Buffer.from('h'),
    exceptions: true,
    sees: { kind: 'exception', payload: EXCEPTION, exact: true },
  },
  {
    name: 'steps data, warning, status, sleep',
    function: 'dcw-steps',
    behaviour: {
      steps: [
        { kind: 'data', payload: b64(STEP_DATA) },
        { kind: 'warning', payload: b64(STEP_WARNING) },
        { kind: 'status', ...STEP_STATUS },
        { kind: 'sleep', ms: 50 },
      ],
      outcome: { kind: 'complete' },
    },
    optional: false,
    payload: pattern(1000, 5),
    sees: { kind: 'complete', payload: pattern(1000, 5) },
  },
  {
    name: 'gate, then release',
    function: 'dcw-gate',
    behaviour: { steps: [{ kind: 'gate', gate: WORKER_GATE }], outcome: { kind: 'complete' } },
    optional: false,
    payload: Buffer.from('held'),
    sees: { kind: 'complete', payload: Buffer.from('held') },
  },
];

/** Each in a fresh worker process: they may (or must) end it. */
export const SESSION_CASES: readonly WorkerCase[] = [
  {
    name: 'fail (form throw)',
    function: 'dcw-fail-throw',
    behaviour: { outcome: { kind: 'fail', form: 'throw' } },
    optional: true,
    payload: Buffer.from('t'),
    exceptions: true,
    sees: { kind: 'library-decides' },
  },
  {
    name: 'exception (form throw)',
    function: 'dcw-exception-throw',
    behaviour: { outcome: { kind: 'exception', payload: b64(EXCEPTION), form: 'throw' } },
    optional: true,
    payload: Buffer.from('u'),
    exceptions: true,
    sees: { kind: 'library-decides' },
  },
  { name: 'die', function: 'dcw-die', behaviour: { outcome: { kind: 'die' } }, optional: false, payload: Buffer.from('die'), background: true, sees: { kind: 'gone' } },
  { name: 'exit 3', function: 'dcw-exit', behaviour: { outcome: { kind: 'exit', code: 3 } }, optional: false, payload: Buffer.from('exit'), background: true, sees: { kind: 'gone', code: 3 } },
];

/** Short description of a behaviour for step names. */
export function describeBehaviour(b: Behaviour): string {
  const steps = (b.steps ?? []).map((s) => s.kind);
  const o = b.outcome;
  const form = 'form' in o && o.form ? `/${o.form}` : '';
  return `${steps.length ? `${steps.join('+')} → ` : ''}${o.kind}${form}${o.kind === 'exit' ? ` ${o.code}` : ''}`;
}
