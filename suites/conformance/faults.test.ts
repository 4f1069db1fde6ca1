/**
 * Deliberately broken servers fail a NAMED case each, with the wire log showing where: the
 * harness self-test (a case that cannot fail against a broken server tests nothing).
 */
import { describe, expect, it } from 'vitest';
import { startReferenceServer, type FaultName } from '../../src/server/index.js';
import { runSuite } from '../../src/runner/run-suite.js';
import type { CaseResult } from '../../src/runner/result.js';
import { CATALOGUE } from './catalogue.js';

/** fault → the case that must fail, and a wire-log line that shows the fault. */
const EXPECT: readonly { fault: FaultName; caseId: string; wire: RegExp }[] = [
  { fault: 'no-noop', caseId: 'binary/worker/noop-wakes-sleeper', wire: /no event within/ },
  { fault: 'lost-wakeup', caseId: 'binary/worker/noop-wakes-sleeper', wire: /no event within/ },
  { fault: 'corrupt-result', caseId: 'binary/forwarding/work-complete', wire: /WORK_COMPLETE/ },
  { fault: 'priority-inversion', caseId: 'binary/priorities/high-before-normal', wire: /JOB_ASSIGN\(handle=.*data="n1"/ },
  { fault: 'duplicate-assign', caseId: 'binary/worker/job-assigned-once', wire: /\[workerB\]/ },
  { fault: 'drop-status', caseId: 'binary/forwarding/work-status', wire: /no event within/ },
  { fault: 'wrong-handle-status', caseId: 'binary/status/queued-job', wire: /STATUS_RES\(handle=.*known="0"/ },
];

async function runOne(fault: FaultName, caseId: string): Promise<CaseResult> {
  const server = await startReferenceServer({ host: '127.0.0.1', port: 0, faults: [fault] });
  try {
    const c = CATALOGUE.find((x) => x.id === caseId);
    if (!c) throw new Error(`no case ${caseId}`);
    const run = await runSuite({ target: { name: `reference+${fault}`, host: server.host, port: server.port }, cases: [c], timeoutMs: 500 });
    return run.results[0]!;
  } finally {
    await server.close();
  }
}

describe('conformance - broken servers fail named cases', () => {
  for (const { fault, caseId, wire } of EXPECT) {
    it(`${fault} fails ${caseId}`, async () => {
      const r = await runOne(fault, caseId);
      expect(r.outcome).toBe('fail');
      expect(r.expected?.length).toBeGreaterThan(0);
      expect(r.actual).toBeTruthy();
      const log = r.wire.map((e) => `${e.conn ? `[${e.conn}] ` : ''}${e.summary ?? ''} ${e.hex ?? ''}`).join('\n');
      expect(log).toMatch(wire);
      expect(r.wire.some((e) => e.dir === 'send' && e.hex)).toBe(true);
    });
  }

  it('the same cases pass on the unbroken reference server', async () => {
    const server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    try {
      const ids = [...new Set(EXPECT.map((e) => e.caseId))];
      const run = await runSuite({ target: { name: 'reference', host: server.host, port: server.port }, cases: CATALOGUE.filter((c) => ids.includes(c.id)), timeoutMs: 500 });
      expect(run.results.map((r) => [r.id, r.outcome === 'fail' ? r.detail : 'ok'])).toEqual(run.results.map((r) => [r.id, 'ok']));
    } finally {
      await server.close();
    }
  });
});
