/**
 * Runs the interop matrix on one server: every client driver × worker driver cell, every scenario.
 * Fast by construction: the server starts once; each client driver (plus a second instance for
 * coalescing) starts once per server; each worker driver starts once per server with every
 * cell's functions registered up front (function names are unique per cell). A driver left stuck
 * or dead by a scenario is restarted before the next one.
 */
import { errorMessage } from '../../src/errors.js';
import { type DriverHandle, b64, startDriver, unb64 } from '../../src/peers/drivers/index.js';
import type { DriverPeerName, ProviderKind } from '../../src/peers/types.js';
import { type CellResult, type DriverInfo, type ScenarioResult, type ServerRun, countGrades, worstGrade } from '../../src/report/interop/model.js';
import { cellBlocker, findExpectation } from './expectations.js';
import { grade, refOf } from './grading.js';
import { PROBE } from './scenarios/index.js';
import type { MatrixServer } from './servers.js';
import { DriverTap } from './tap.js';
import type { CellContext, CellId, Registration, Scenario, Timing } from './types.js';

export interface MatrixOptions {
  readonly clients: readonly DriverPeerName[];
  readonly workers: readonly DriverPeerName[];
  readonly scenarios: readonly Scenario[];
  /** Provider for the library drivers (the reference driver always runs embedded). */
  readonly provider?: ProviderKind;
  readonly timing?: Timing;
  readonly log?: (line: string) => void;
}

// Generous for an event that should come: the suite shares 2 cores with other suites, and a late
// event read as "never came" would be a false failure.
const DEFAULT_TIMING: Timing = { eventMs: 8000, quietMs: 300 };
/**
 * Where an expectation declares that a scenario leaves the nominal path, most events it waits for
 * never come, and the full 8 s per wait made the Perl server's matrix 90 % waiting (242 s of 268 s).
 * Those scenarios wait 3 s per event instead. The events a declared outcome itself needs (an ERROR,
 * a WORK_FAIL, the NORMAL job's result) arrive in milliseconds; 3 s is above the 2.5 s per-read
 * deadline the conformance suites hold on containers. A nominal event arriving after 3 s would be
 * graded as the declared difference, so staleness could be noticed a run late.
 */
const DECLARED_DIFFERENCE_EVENT_MS = 3000;
const SCENARIO_DEADLINE_MS = 90_000;
const MAX_LOG_CHARS = 20_000;

/** Function names are unique per (scenario, client, worker); the server is fresh per run. */
export const functionNamer =
  (client: DriverPeerName, worker: DriverPeerName) =>
  (scenario: string, suffix?: string): string =>
    `gs.${scenario}${suffix ? `.${suffix}` : ''}.${client}.${worker}`;

function driverProvider(name: DriverPeerName, provider: ProviderKind | undefined): ProviderKind | undefined {
  return name === 'reference' ? 'embedded' : provider;
}

const info = (d: DriverHandle): DriverInfo => ({ name: d.name, library: d.hello.library, version: d.hello.version, provider: d.provider });

class Pool {
  readonly #server: MatrixServer;
  readonly #options: MatrixOptions;
  constructor(server: MatrixServer, options: MatrixOptions) {
    this.#server = server;
    this.#options = options;
  }

  /** Start a driver; one retry, because a start can lose a race with a loaded machine. */
  async #start(name: DriverPeerName, role: 'client' | 'worker', label: string): Promise<DriverHandle> {
    const provider = driverProvider(name, this.#options.provider);
    const options = { server: this.#server.address, ...(provider ? { provider } : {}), label };
    try {
      return await startDriver(name, role, options);
    } catch (e) {
      this.#options.log?.(`  ${label} did not start (${errorMessage(e)}); retrying once`);
      return startDriver(name, role, options);
    }
  }

  async client(name: DriverPeerName, label: string): Promise<DriverTap> {
    return new DriverTap(label, await this.#start(name, 'client', label));
  }

  async worker(name: DriverPeerName, label: string, regs: readonly Registration[]): Promise<DriverHandle> {
    const h = await this.#start(name, 'worker', label);
    try {
      for (const [i, r] of regs.entries()) h.send({ op: 'register', id: `r${i}`, function: r.function, behaviour: r.behaviour });
      h.send({ op: 'work', id: 'work' });
      await h.waitFor((e) => e.event === 'done' && e.id === 'work', 20_000, 'registration and work');
      return h;
    } catch (e) {
      await h.stop();
      throw e;
    }
  }
}

async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no end after ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

export async function runServerMatrix(server: MatrixServer, options: MatrixOptions): Promise<ServerRun> {
  const t0 = Date.now();
  const log = options.log ?? (() => undefined);
  const timing = options.timing ?? DEFAULT_TIMING;
  const pool = new Pool(server, options);
  const clients = new Map<DriverPeerName, { main?: DriverTap; second?: DriverTap; error?: string }>();
  const cells: CellResult[] = [];
  // Drivers a scenario left unhealthy are replaced before the next scenario, including when that
  // scenario is in the next cell (the worker driver is shared by the cells of one worker).
  const carry = { restartAll: false };

  const fresh = async (tap: DriverTap | undefined, make: () => Promise<DriverTap>, force = false): Promise<DriverTap> => {
    if (tap && !force && !tap.exited && tap.pending.size === 0) return tap;
    if (tap) await tap.handle.stop();
    return make();
  };

  try {
    for (const w of options.workers) {
      const regs = options.clients.flatMap((c) => [
        { function: functionNamer(c, w)(HEALTH_SCENARIO), behaviour: { outcome: { kind: 'complete' } } } satisfies Registration,
        ...options.scenarios.flatMap((s) => s.functions(functionNamer(c, w))),
      ]);
      let worker: DriverTap | undefined;
      let workerError: string | undefined;
      const ensureWorker = async (force = false): Promise<DriverTap> => {
        worker = await fresh(worker, async () => new DriverTap(`${w}-worker`, await pool.worker(w, `${w}-worker`, regs)), force);
        return worker;
      };
      try {
        await ensureWorker();
      } catch (e) {
        workerError = errorMessage(e);
      }
      for (const c of options.clients) {
        const cell: CellId = { server: server.name, client: c, worker: w };
        log(`cell ${server.name} / ${c} client / ${w} worker`);
        const slot = clients.get(c) ?? {};
        clients.set(c, slot);
        if (workerError) {
          cells.push(harnessCell(cell, options, `worker driver ${w} did not start: ${workerError}`));
          continue;
        }
        cells.push(await runCell(cell, server.address, options, timing, pool, slot, ensureWorker, fresh, carry, log));
      }
      await worker?.handle.stop();
    }
  } finally {
    for (const slot of clients.values()) await Promise.all([slot.main?.handle.stop(), slot.second?.handle.stop()]);
  }
  return { name: server.name, version: server.version, provider: options.provider ?? 'native', wallMs: Date.now() - t0, cells };
}

async function runCell(
  cell: CellId,
  serverAddress: string,
  options: MatrixOptions,
  timing: Timing,
  pool: Pool,
  slot: { main?: DriverTap; second?: DriverTap; error?: string },
  ensureWorker: (force?: boolean) => Promise<DriverTap>,
  fresh: (tap: DriverTap | undefined, make: () => Promise<DriverTap>, force?: boolean) => Promise<DriverTap>,
  carry: { restartAll: boolean },
  log: (line: string) => void,
): Promise<CellResult> {
  const t0 = Date.now();
  const results: ScenarioResult[] = [];
  const logs: Record<string, string> = {};
  const keepLog = (key: string, text: string): void => {
    logs[key] = `${logs[key] ?? ''}${text}\n`.slice(-MAX_LOG_CHARS);
  };
  let blocked: ReturnType<typeof cellBlocker>;
  const drivers: { client?: DriverInfo; worker?: DriverInfo } = {};
  for (const s of options.scenarios) {
    if (blocked) {
      results.push({ id: s.id, title: s.title, nominal: s.nominal, expected: [s.nominal], actual: 'not-run', grade: 'expected-different', detail: `not run: the probe showed ${blocked.id} as declared`, expectation: refOf(blocked), notRun: true, durationMs: 0, transcript: [] });
      continue;
    }
    const transcript: string[] = [];
    const started = Date.now();
    let outcome: string;
    let detail: string;
    let client: DriverTap | undefined;
    let client2: DriverTap | undefined;
    let worker: DriverTap | undefined;
    try {
      slot.main = client = await fresh(slot.main, () => pool.client(cell.client, `${cell.client}-client`), carry.restartAll);
      slot.second = client2 = await fresh(slot.second, () => pool.client(cell.client, `${cell.client}-client-2`), carry.restartAll);
      worker = await ensureWorker(carry.restartAll);
      carry.restartAll = false;
      drivers.client = info(client.handle);
      drivers.worker = info(worker.handle);
      const own = new Set(s.functions(functionNamer(cell.client, cell.worker)).map((r) => r.function));
      for (const t of [client, client2, worker]) t.reset(transcript, own, started);
      const ctx: CellContext = {
        cell,
        serverAddress,
        client,
        client2,
        worker,
        timing: findExpectation(cell, s.id) ? { ...timing, eventMs: Math.min(timing.eventMs, DECLARED_DIFFERENCE_EVENT_MS) } : timing,
        fn: functionNamer(cell.client, cell.worker),
        startExtraWorker: (label, regs) => pool.worker(cell.worker, `${cell.worker}-${label}`, regs),
        note: (line) => transcript.push(`${String(Date.now() - started).padStart(6)}ms -- ${line}`),
      };
      const obs = await withDeadline(s.run(ctx), SCENARIO_DEADLINE_MS, `scenario ${s.id}`);
      outcome = obs.outcome;
      detail = obs.detail;
    } catch (e) {
      outcome = 'harness-error';
      detail = errorMessage(e);
      if (e instanceof Error && 'log' in e && typeof e.log === 'string') keepLog('harness', e.log);
    } finally {
      worker?.releaseAll();
    }
    const g = grade(cell, s, outcome);
    if (s.id === PROBE.id && g.grade === 'expected-different') blocked = cellBlocker(cell, s.id);
    if (g.grade === 'fail' || g.grade === 'stale') {
      for (const t of [client, client2, worker]) if (t) keepLog(t.label, `=== after ${s.id} ===\n${t.handle.logs()}`);
    }
    // An outcome off the nominal path may leave a driver mid-call or its connection wedged (e.g.
    // after a malformed packet). Drivers still busy or gone are replaced before the next scenario
    // anyway; otherwise one echo job through the cell's client and worker decides.
    if (outcome !== s.nominal && client && worker && !blocked) {
      const healthy = client.pending.size === 0 && !client.exited && !worker.exited && (await healthCheck(cell, client, worker, transcript));
      if (!healthy) carry.restartAll = true;
    }
    log(`  ${s.id}: ${outcome} → ${g.grade}`);
    results.push({ id: s.id, title: s.title, nominal: s.nominal, expected: g.expected, actual: outcome, grade: g.grade, detail, ...(g.expectation ? { expectation: g.expectation } : {}), durationMs: Date.now() - started, transcript });
  }
  if (carry.restartAll) {
    // The next cell has other clients. This cell's own clients go now: one may still wait on a
    // job the worker cannot finish (a Perl worker's malformed empty result makes gearmand hand the
    // same job back in a loop), and a job with a live client would be requeued to the next worker.
    for (const t of [slot.main, slot.second]) await t?.handle.stop();
    slot.main = undefined;
    slot.second = undefined;
  }
  const grades = results.map((r) => r.grade);
  return {
    ...cell,
    provider: options.provider ?? 'native',
    grade: worstGrade(grades),
    counts: countGrades(grades),
    scenarios: results,
    drivers,
    ...(Object.keys(logs).length ? { logs } : {}),
    durationMs: Date.now() - t0,
  };
}

export const HEALTH_SCENARIO = 'health';

/** One echo job; true when it round-trips within a few seconds. */
async function healthCheck(cell: CellId, client: DriverTap, worker: DriverTap, transcript: string[]): Promise<boolean> {
  const fn = functionNamer(cell.client, cell.worker)(HEALTH_SCENARIO);
  const id = `health-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  client.reset(transcript, undefined);
  worker.reset(transcript, new Set([fn]));
  transcript.push('        -- health check after a non-nominal outcome');
  client.send({ op: 'submit', id, function: fn, payload: b64('ok') });
  const done = await client.waitFor((e) => e.event === 'done' && e.id === id, 3000);
  const ok = done !== undefined && client.eventsFor(id).some((e) => e.event === 'complete' && unb64(e.payload).toString() === 'ok');
  transcript.push(`        -- health check ${ok ? 'passed' : 'failed: drivers will be restarted'}`);
  return ok;
}

function harnessCell(cell: CellId, options: MatrixOptions, why: string): CellResult {
  const scenarios: ScenarioResult[] = options.scenarios.map((s) => ({ id: s.id, title: s.title, nominal: s.nominal, expected: [s.nominal], actual: 'harness-error', grade: 'fail', detail: why, durationMs: 0, transcript: [] }));
  return { ...cell, provider: options.provider ?? 'native', grade: 'fail', counts: countGrades(scenarios.map((s) => s.grade)), scenarios, drivers: {}, logs: { harness: why }, durationMs: 0 };
}
