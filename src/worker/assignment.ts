/** JOB_ASSIGN, JOB_ASSIGN_UNIQ and JOB_ASSIGN_ALL as one value, whichever the server sent. */
import { T } from '../protocol/constants.js';
import type { Packet } from '../protocol/packet.js';

export interface Assignment {
  readonly handle: string;
  readonly function: string;
  /** Absent for JOB_ASSIGN; "" when the job was submitted without one. */
  readonly unique: string | undefined;
  /** Present only in JOB_ASSIGN_ALL (reduce jobs). */
  readonly reducer: string | undefined;
  readonly data: Buffer;
  /** Which packet carried it (31 also answers GRAB_JOB_ALL for jobs without a reducer). */
  readonly via: 'JOB_ASSIGN' | 'JOB_ASSIGN_UNIQ' | 'JOB_ASSIGN_ALL';
}

export const ASSIGN_TYPES: ReadonlySet<number> = new Set([T.JOB_ASSIGN, T.JOB_ASSIGN_UNIQ, T.JOB_ASSIGN_ALL]);

export function parseAssignment(p: Packet): Assignment | undefined {
  const s = (i: number): string => p.args[i]!.toString('utf8');
  switch (p.type) {
    case T.JOB_ASSIGN:
      return { handle: s(0), function: s(1), unique: undefined, reducer: undefined, data: p.args[2]!, via: 'JOB_ASSIGN' };
    case T.JOB_ASSIGN_UNIQ:
      return { handle: s(0), function: s(1), unique: s(2), reducer: undefined, data: p.args[3]!, via: 'JOB_ASSIGN_UNIQ' };
    case T.JOB_ASSIGN_ALL:
      return { handle: s(0), function: s(1), unique: s(2), reducer: s(3), data: p.args[4]!, via: 'JOB_ASSIGN_ALL' };
    default:
      return undefined;
  }
}
