/**
 * Concrete scenario actions: what one connection slot does next. Payloads are latin1 strings so
 * every byte value round-trips and model states stay plain JSON (cloned and compared cheaply).
 */
import { packetName, type T } from '../protocol/constants.js';

export type SubmitType =
  | typeof T.SUBMIT_JOB
  | typeof T.SUBMIT_JOB_BG
  | typeof T.SUBMIT_JOB_HIGH
  | typeof T.SUBMIT_JOB_HIGH_BG
  | typeof T.SUBMIT_JOB_LOW
  | typeof T.SUBMIT_JOB_LOW_BG
  | typeof T.SUBMIT_JOB_EPOCH
  | typeof T.SUBMIT_REDUCE_JOB
  | typeof T.SUBMIT_REDUCE_JOB_BACKGROUND;
export type GrabType = typeof T.GRAB_JOB | typeof T.GRAB_JOB_UNIQ | typeof T.GRAB_JOB_ALL;
export type WorkType = typeof T.WORK_STATUS | typeof T.WORK_DATA | typeof T.WORK_WARNING | typeof T.WORK_COMPLETE | typeof T.WORK_FAIL | typeof T.WORK_EXCEPTION;

/** Which job a status query or work packet names: the k-th job this worker holds, or the k-th job created in the scenario. */
export type JobRef = { readonly held: number } | { readonly created: number } | { readonly unknown: true };

export type Action =
  | { readonly kind: 'submit'; readonly type: SubmitType; readonly fn: string; readonly unique: string; readonly data: string; readonly reducer?: string; readonly epoch?: 'past' | 'future' }
  | { readonly kind: 'get-status'; readonly job: JobRef }
  | { readonly kind: 'get-status-unique'; readonly unique: string }
  | { readonly kind: 'echo'; readonly data: string }
  | { readonly kind: 'option'; readonly name: string }
  | { readonly kind: 'can-do'; readonly fn: string }
  | { readonly kind: 'cant-do'; readonly fn: string }
  | { readonly kind: 'reset-abilities' }
  | { readonly kind: 'pre-sleep' }
  | { readonly kind: 'grab'; readonly type: GrabType }
  | { readonly kind: 'work'; readonly type: WorkType; readonly job: JobRef; readonly data: string; readonly numerator?: string; readonly denominator?: string }
  | { readonly kind: 'close' };

export interface Step {
  /** Connection slot; a slot opens a fresh connection on first use and after a close. */
  readonly conn: number;
  readonly action: Action;
}

/** Epoch values for SUBMIT_JOB_EPOCH: one long past, one far future (2100-01-01), never "now". */
export const EPOCH_VALUES = { past: '1', future: '4102444800' } as const;

const show = (s: string): string => (/^[\x20-\x7e]*$/.test(s) && s.length <= 24 ? JSON.stringify(s) : `<${s.length}B>`);
const ref = (r: JobRef): string => ('held' in r ? `held#${r.held}` : 'created' in r ? `job#${r.created}` : 'unknown-handle');

export function describeStep(s: Step): string {
  const a = s.action;
  const body = (() => {
    switch (a.kind) {
      case 'submit':
        return `submit ${packetName(a.type)} fn=${show(a.fn)} unique=${show(a.unique)} data=${show(a.data)}${a.reducer ? ` reducer=${show(a.reducer)}` : ''}${a.epoch ? ` epoch=${a.epoch}` : ''}`;
      case 'get-status':
        return `get-status ${ref(a.job)}`;
      case 'get-status-unique':
        return `get-status-unique ${show(a.unique)}`;
      case 'echo':
        return `echo ${show(a.data)}`;
      case 'option':
        return `option ${show(a.name)}`;
      case 'can-do':
      case 'cant-do':
        return `${a.kind} ${show(a.fn)}`;
      case 'grab':
        return `grab ${packetName(a.type)}`;
      case 'work':
        return `work ${packetName(a.type)} ${ref(a.job)}${a.numerator !== undefined ? ` ${a.numerator}/${a.denominator}` : ` data=${show(a.data)}`}`;
      default:
        return a.kind;
    }
  })();
  return `[c${s.conn}] ${body}`;
}
