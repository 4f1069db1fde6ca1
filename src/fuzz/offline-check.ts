/** Re-checks recorded observations against another profile, without touching a server. */
import type { Step } from '../model/actions.js';
import { ModelChecker, type Mismatch } from '../model/checker.js';
import type { SeenPacket } from '../model/expect.js';
import type { ModelProfile } from '../model/profiles.js';

export type Observed = readonly { readonly step: Step; readonly seen: Readonly<Record<number, readonly SeenPacket[]>> }[];

export function offlineCheck(profile: ModelProfile, observed: Observed): Mismatch | undefined {
  const checker = new ModelChecker(profile);
  for (const o of observed) {
    const m = checker.observe(o.step, o.seen);
    if (m) return m;
  }
  return undefined;
}
