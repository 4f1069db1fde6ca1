/**
 * Follows a real server step by step with the model. It keeps a belief set: every model state
 * consistent with what the server sent so far (several only where the profile allows a choice
 * that the wire does not reveal yet). A step whose packets no belief explains is a mismatch.
 */
import type { Packet } from '../protocol/packet.js';
import { describeStep, type Step } from './actions.js';
import { type ExpectedPacket, type SeenPacket, describeExpected, describeSeen, matchAll } from './expect.js';
import type { ModelProfile } from './profiles.js';
import { requestFor } from './requests.js';
import { type ModelState, connById, initialState } from './state.js';
import { step } from './step.js';

const MAX_BELIEFS = 256;

export interface Mismatch {
  readonly step: Step;
  readonly message: string;
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
          if (expectations.length < 4) expectations.push(renderSlots(bySlot, b.handles));
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
      const actual = Object.entries(seen)
        .filter(([, l]) => l.length > 0)
        .map(([slot, l]) => `c${slot}: ${l.map(describeSeen).join(', ')}`)
        .join('; ');
      const expected = [...new Set(expectations)];
      return { step: st, message: `${describeStep(st)}\n  expected ${expected.length > 1 ? 'one of' : ''}\n    ${expected.join('\n    ') || '(nothing)'}\n  actual\n    ${actual || '(nothing)'}` };
    }
    this.#beliefs = next.slice(0, MAX_BELIEFS);
    return undefined;
  }
}

function renderSlots(bySlot: Record<number, ExpectedPacket[]>, handles: Record<string, string>): string {
  const parts = Object.entries(bySlot)
    .filter(([, l]) => l.length > 0)
    .map(([slot, l]) => `c${slot}: ${l.map((e) => describeExpected(e, handles)).join(', ')}`);
  return parts.length ? parts.join('; ') : '(nothing)';
}
