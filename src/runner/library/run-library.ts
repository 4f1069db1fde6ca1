/**
 * Library certification: run client or worker cases against one library through its driver,
 * with gearspec playing the job server. Each case gets its own stage (listener) and its own
 * driver process, so cases share no state and run concurrently within `concurrency`. The result
 * is a ServerRun like server certification's, so baselines, reports and exit codes are the same.
 */
import { randomBytes } from 'node:crypto';
import { type DriverRole, type DriverSource, driverName, startDriver } from '../../peers/drivers/index.js';
import type { ProviderKind } from '../../peers/types.js';
import type { CaseDef } from '../case-def.js';
import type { CaseResult, ServerRun } from '../result.js';
import { runCaseIn } from '../run-case.js';
import { type LibraryCaseContext, LibraryRunContext } from './context.js';

/** A client or worker conformance case. */
export type LibraryCaseDef = CaseDef<LibraryCaseContext> & { readonly role: DriverRole };

interface LibrarySuiteOptions {
  readonly subject: DriverSource;
  readonly role: DriverRole;
  readonly cases: readonly LibraryCaseDef[];
  readonly provider?: ProviderKind;
  /** Per-read / per-event deadline, ms. */
  readonly timeoutMs: number;
  readonly quietMs?: number;
  readonly strict?: boolean;
  /** Cases in flight at once (each has its own stage and driver process). */
  readonly concurrency?: number;
  readonly startupTimeoutMs?: number;
  readonly onResult?: (result: CaseResult, done: number, total: number) => void;
}

/**
 * What the library says it is: started once up front, so a driver that cannot start fails the run
 * (with the driver's PeerError), not every case.
 */
async function describeSubject(subject: DriverSource, role: DriverRole, provider: ProviderKind | undefined, startupTimeoutMs: number): Promise<{ library: string; version: string }> {
  const h = await startDriver(subject, role, { server: '127.0.0.1:9', startupTimeoutMs, ...(provider ? { provider } : {}), label: 'hello' });
  try {
    return { library: h.hello.library, version: h.hello.version };
  } finally {
    await h.stop();
  }
}

export async function runLibrarySuite(options: LibrarySuiteOptions): Promise<ServerRun> {
  const started = Date.now();
  const startupTimeoutMs = options.startupTimeoutMs ?? 30_000;
  const cases = options.cases.filter((c) => c.role === options.role);
  const { library } = await describeSubject(options.subject, options.role, options.provider, startupTimeoutMs);
  const runToken = `gs${randomBytes(3).toString('hex')}`;
  const quietMs = options.quietMs ?? Math.min(options.timeoutMs, 400);
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= cases.length) return;
      const c = cases[i]!;
      const ctx = await LibraryRunContext.open({
        subject: options.subject,
        role: options.role,
        timeoutMs: options.timeoutMs,
        quietMs,
        prefix: `${runToken}_${i}`,
        startupTimeoutMs,
        ...(options.provider ? { provider: options.provider } : {}),
      });
      const r = await runCaseIn(c, ctx, {
        timeoutMs: options.timeoutMs,
        strict: options.strict ?? false,
        violationLabel: `the ${options.role} sent a packet that breaks the protocol table`,
        violationExpected: `every ${options.role} packet has \\0REQ magic, a request type its role may send and the table's argument count`,
        // Starting a driver is part of every case; give the watchdog room for it on a busy machine.
        extraMs: startupTimeoutMs,
      });
      results[i] = r;
      done++;
      options.onResult?.(r, done, cases.length);
    }
  };
  const pool = Math.max(1, Math.min(options.concurrency ?? 1, 8));
  await Promise.all(Array.from({ length: pool }, () => worker()));
  return {
    server: `${driverName(options.subject)} ${options.role}`,
    address: library,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    timeoutMs: options.timeoutMs,
    strict: options.strict ?? false,
    features: {},
    results,
    subject: options.role,
  };
}
