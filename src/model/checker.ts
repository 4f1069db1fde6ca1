/**
 * Follows a real server step by step with the model. It keeps a belief set: every model state
 * consistent with what the server sent so far (several only where the profile allows a choice
 * that the wire does not reveal yet). A step whose packets no belief explains is a mismatch.
 */
import type { Packet } from '../protocol/packet.js';
import { describeStep, type Step } from './actions.js';
import { type ExpectedPacket, type JobNamer, type SeenPacket, describeExpected, describeSeen, matchAll } from './expect.js';
import type { ModelProfile } from './profiles.js';
import { requestFor } from './requests.js';
import { type ModelState, connById, initialState } from './state.js';
import { step } from './step.js';

const MAX_BELIEFS = 256;

export interface Mismatch {
  readonly step: Step;
  readonly message: string;
  /** What the model would have accepted, one entry per alternative ("c0: ECHO_RES(\"x\")", or "(nothing)"). */
  readonly expected: readonly string[];
  /** What the server sent during the step, one entry per connection; empty when nothing. */
  readonly actual: readonly string[];
}

export class ModelChecker {
  readonly profile: ModelProfile;
  #beliefs: ModelState[] = [initialState()];

  constructor(profile: ModelProfile) {
    this.profile = profile;
  }

  get beliefs(): number {
    return this.#beliefs.length;
  }

  /** What to send for this step (every belief agrees on handles and held jobs). */
  request(st: Step): Packet | 'skip' | 'close' {
    return requestFor(this.#beliefs[0]!, st.conn, st.action);
  }

  /** Feed what each slot received during the step; undefined when it fits the model. */
  observe(st: Step, seen: Readonly<Record<number, readonly SeenPacket[]>>): Mismatch | undefined {
    const next: ModelState[] = [];
    const keys = new Set<string>();
    const expectations: string[] = [];
    for (const b of this.#beliefs) {
      for (const o of step(this.profile, b, st)) {
        const bySlot: Record<number, ExpectedPacket[]> = {};
        for (const [connId, list] of Object.entries(o.out)) (bySlot[connById(o.next, Number(connId)).slot] ??= []).push(...list);
        const bound = matchAll(bySlot, seen, b.handles);
        if (!bound) {
          if (expectations.length < 4) expectations.push(renderSlots(bySlot, b.handles, jobNamer(b)));
          continue;
        }
        const s = { ...o.next, handles: bound };
        const key = JSON.stringify(s);
        if (keys.has(key)) continue;
        keys.add(key);
        next.push(s);
      }
    }
    if (next.length === 0) {
      const b0 = this.#beliefs[0]!;
      const names = Object.fromEntries(
        Object.entries(b0.handles).flatMap(([job, h]) => {
          const name = jobNamer(b0)(Number(job));
          return name ? [[h, name]] : [];
        }),
      );
      const actualParts = describeSlots(seen, names);
      const actual = actualParts.join('; ');
      const expected = [...new Set(expectations)];
      return {
        step: st,
        message: `${describeStep(st)}\n  expected ${expected.length > 1 ? 'one of' : ''}\n    ${expected.join('\n    ') || '(nothing)'}\n  actual\n    ${actual || '(nothing)'}`,
        expected: expected.length ? expected : ['(nothing)'],
        actual: actualParts,
      };
    }
    this.#beliefs = next.slice(0, MAX_BELIEFS);
    return undefined;
  }
}

/** What each connection slot received, "c<slot>: PACKET(…), PACKET(…)", slots with nothing left out. */
export function describeSlots(seen: Readonly<Record<number, readonly SeenPacket[]>>, names?: Readonly<Record<string, string>>): string[] {
  return Object.entries(seen)
    .filter(([, l]) => l.length > 0)
    .map(([slot, l]) => `c${slot}: ${l.map((p) => describeSeen(p, names)).join(', ')}`);
}

/** Model jobs named as the scenario names them: "job#k" is the k-th job it created. */
function jobNamer(s: ModelState): JobNamer {
  return (job) => {
    const k = s.created.indexOf(job);
    return k < 0 ? undefined : `job#${k}`;
  };
}

function renderSlots(bySlot: Record<number, ExpectedPacket[]>, handles: Record<string, string>, jobName: JobNamer): string {
  const parts = Object.entries(bySlot)
    .filter(([, l]) => l.length > 0)
    .map(([slot, l]) => `c${slot}: ${l.map((e) => describeExpected(e, handles, jobName)).join(', ')}`);
  return parts.length ? parts.join('; ') : '(nothing)';
}
