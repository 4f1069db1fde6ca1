/**
 * Library certification catches libraries with one wire bug: the reference driver, run as an
 * external driver (`--client-cmd` / `--worker-cmd` path) with GEARSPEC_WIRE_FAULT set, talks
 * through a relay that breaks it in one named way (src/peers/drivers/reference/wire-faults.ts).
 * Each fault must fail the named case, with the named symptom, while the same case passes on the
 * healthy reference driver in the same run.
 */
import path from 'node:path';
import { describe, it } from 'vitest';
import type { DriverRole, ExternalDriver } from '../../src/peers/drivers/index.js';
import type { WireFault } from '../../src/peers/drivers/reference/wire-faults.js';
import { runLibrarySuite } from '../../src/runner/library/run-library.js';
import { repoRoot } from '../../src/peers/repo-paths.js';
import { LIBRARY_CATALOGUE } from './catalogue.js';

interface FaultCheck {
  readonly fault: WireFault;
  readonly role: DriverRole;
  /** The case that must fail, and a fragment of what it must report. */
  readonly caseId: string;
  readonly symptom: RegExp;
}

const CHECKS: readonly FaultCheck[] = [
  { fault: 'split-drop', role: 'client', caseId: 'client/framing/replies-one-byte-per-read', symptom: /nothing matching/ },
  { fault: 'res-magic', role: 'worker', caseId: 'worker/job/echo-complete', symptom: /\\0RES magic/ },
  { fault: 'res-magic', role: 'client', caseId: 'client/framing/reply-in-separate-reads', symptom: /SUBMIT_JOB sent with \\0RES magic/ },
  { fault: 'extra-arg', role: 'worker', caseId: 'worker/job/echo-complete', symptom: /CAN_DO has extra NUL-separated bytes/ },
  { fault: 'drop-arg', role: 'client', caseId: 'client/framing/reply-in-separate-reads', symptom: /SUBMIT_JOB needs 3 arguments/ },
  { fault: 'drop-arg', role: 'worker', caseId: 'worker/job/echo-complete', symptom: /WORK_COMPLETE needs 2 arguments/ },
  { fault: 'ignore-noop', role: 'worker', caseId: 'worker/sleep/wakes-on-noop', symptom: /a grab in answer to NOOP/ },
  { fault: 'no-reregister', role: 'worker', caseId: 'worker/reconnect/re-registers', symptom: /CAN_DO/ },
];

const faulty = (fault: WireFault): ExternalDriver => ({
  name: `reference+${fault}`,
  command: `env GEARSPEC_WIRE_FAULT=${fault} ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(repoRoot(), 'dist', 'src', 'peers', 'drivers', 'reference', 'main.js'))}`,
});

describe('library certification catches injected wire bugs', () => {
  for (const check of CHECKS) {
    it.concurrent(`${check.fault} (${check.role}) fails ${check.caseId}`, { timeout: 120_000 }, async ({ expect }) => {
      const cases = LIBRARY_CATALOGUE.filter((c) => c.id === check.caseId);
      expect(cases, `case ${check.caseId} is in the catalogue`).toHaveLength(1);
      const options = { role: check.role, cases, timeoutMs: 3000 } as const;
      const [healthy, broken] = await Promise.all([runLibrarySuite({ ...options, subject: 'reference' }), runLibrarySuite({ ...options, subject: faulty(check.fault) })]);
      expect(healthy.results[0]?.outcome, `healthy reference ${check.role}: ${healthy.results[0]?.detail}`).toBe('pass');
      const r = broken.results[0]!;
      expect(r.outcome, `${check.fault}: ${r.detail}`).toBe('fail');
      expect(`${r.detail} ${r.actual ?? ''}`).toMatch(check.symptom);
    });
  }
});
