/**
 * Runs the interop matrix on one server: every client driver × worker driver cell, every scenario.
 * Fast by construction: the server starts once; each client driver (plus a second instance for
 * coalescing) starts once per server; each worker driver starts once per server with every
 * cell's functions registered up front (function names are unique per cell).
 *
 * Every scenario ends with the fresh-job check: the same worker process must still take a new job
 * and the same client must still submit one. What the check finds, and any `error` the worker
 * driver reported meanwhile, is part of the scenario's outcome label (`completed+worker-gone`),
 * so it is graded against the expectations like the rest; drivers it finds gone or stuck are
 * then replaced before the next scenario. A scenario whose behaviour the worker driver refused at
 * registration (a form its library cannot express) is `form-unsupported` and is not run.
 * What is declared (the probe, expectations, races, wire findings) comes in with the options:
 * suites/interop declares it, the CLI and the matrix suite pass it on.
 */
import { beforeDeadline } from '../deadline.js';
import { ERROR_CODES, errorMessage, PeerError } from '../errors.js';
import { type DriverHandle, type DriverSource, b64, driverName, driverProviderFor, startDriver, unb64 } from '../peers/drivers/index.js';
import { pickPortOutsideEphemeralRange } from '../peers/ports.js';
import type { ProviderKind } from '../peers/types.js';
import { type CellResult, type DriverInfo, type ScenarioResult, type ServerRun, countGrades, worstGrade } from '../report/interop/model.js';
import type { Blackhole } from '../runner/blackhole.js';
import { CheckedRelay } from '../runner/wire-check.js';
import { DriverTap } from '../peers/drivers/tap.js';
import { cellBlocker, declaredWireFinding, type Expectation, findExpectation, type InteropDeclarations } from './declared.js';
import { grade, refOf } from './grading.js';
import type { ScenarioFilter } from './plan.js';
import { type MatrixServer, startMatrixServer } from './servers.js';
import type { CellContext, CellId, OwnServer, Registration, RelayControl, Scenario, Timing } from './types.js';

/**
 * Suffixes the end-of-scenario checks add to an outcome label, in this order. `+wire-violation`:
 * a library sent a packet that breaks the protocol table (the request-side check, on the relay
 * every driver talks through) and the finding is not declared in WIRE_FINDINGS.
 */
export const CHECK_SUFFIXES = ['+wire-violation', '+worker-error', '+worker-gone', '+worker-stuck', '+client-gone', '+client-stuck', '+server-crashed'] as const;
/** Outcome of a scenario the worker driver could not register (an outcome form its library lacks). */
const FORM_UNSUPPORTED = 'form-unsupported';

export interface MatrixOptions {
  /** Built-in drivers by name, or external driver programs (`interop --client-cmd NAME=CMD`). */
  readonly clients: readonly DriverSource[];
  readonly workers: readonly DriverSource[];
  readonly scenarios: readonly Scenario[];
  /** The probe, expectations, races and wire findings to grade against (suites/interop). */
  readonly declarations: Omit<InteropDeclarations, 'scenarios'>;
  /** Which server × client × worker cells to run (default every one): a plan over the product (plan.ts). */
  readonly cellFilter?: (server: string, client: string, worker: string) => boolean;
  /** Which scenarios to run on a server (default every one): the plan's subset (plan.ts). */
  readonly scenarioFilter?: ScenarioFilter;
  /** Provider for the library drivers (the reference driver always runs embedded, another release's build in a container). */
  readonly provider?: ProviderKind;
  /** Provider for the servers gearspec starts, the scenarios' own included (default `provider`). */
  readonly serverProvider?: ProviderKind;
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
/** A server that keeps crashing is restarted this often per run, then left down (later scenarios fail). */
const MAX_SERVER_RESTARTS = 25;
const MAX_LOG_CHARS = 20_000;

/** How long a crash the server's refused port shows may take to be reported as its exit. */
const SERVER_EXIT_SETTLE_MS = 5000;
/** How long a started worker driver may take to register every function and enter its loop. */
const WORKER_READY_MS = 20_000;
/** Outcome of every scenario of a cell whose worker library never finished registering. */
const WORKER_NOT_READY = 'worker-not-ready';

/** A worker driver that started but whose library blocked before its work loop. */
class WorkerNotReady extends Error {
  constructor(
    message: string,
    readonly log: string,
    readonly gone: boolean,
  ) {
    super(message);
  }
}

/** Every function name the matrix uses starts with this (cleanup on a server gearspec did not start). */
export const MATRIX_NAME_PREFIX = 'gs.';

/** Function names are unique per (scenario, client, worker); the server is fresh per run. */
const functionNamer =
  (client: string, worker: string) =>
  (scenario: string, suffix?: string): string =>
    `${MATRIX_NAME_PREFIX}${scenario}${suffix ? `.${suffix}` : ''}.${client}.${worker}`;

/** The reference driver runs in-process; an external driver is always a native program. */
const info = (d: DriverHandle): DriverInfo => ({ name: d.name, library: d.hello.library, version: d.hello.version, provider: d.provider });

class Pool {
  readonly #server: MatrixServer;
  readonly #options: MatrixOptions;
  /** The request-side check each driver talks through, by driver. */
  readonly #relays = new Map<DriverHandle, readonly CheckedRelay[]>();
  /** Addresses handed out as down servers. */
  readonly #down = new Set<string>();
  constructor(server: MatrixServer, options: MatrixOptions) {
    this.#server = server;
    this.#options = options;
  }

  /**
   * Start a driver behind its own checked relay (one per server it is given; an address from
   * `downAddress` is handed over as it is, so the library meets a refused connection); one retry,
   * because a start can lose a race with a loaded machine.
   */
  async #start(source: DriverSource, role: 'client' | 'worker', label: string, upstreams: readonly string[] = [this.#server.address]): Promise<DriverHandle> {
    const provider = driverProviderFor(source, this.#options.provider);
    const relays: CheckedRelay[] = [];
    try {
      const addresses: string[] = [];
      for (const upstream of upstreams) {
        if (this.#down.has(upstream)) {
          addresses.push(upstream);
          continue;
        }
        const relay = await CheckedRelay.start(upstream, role, label, (v) => declaredWireFinding(this.#options.declarations, driverName(source), role, v)?.id);
        relays.push(relay);
        addresses.push(relay.address);
      }
      const options = { server: addresses.join(','), ...(provider ? { provider } : {}), label };
      const h = await startDriver(source, role, options).catch((e: unknown) => {
        this.#options.log?.(`  ${label} did not start (${errorMessage(e)}); retrying once`);
        return startDriver(source, role, options);
      });
      this.#relays.set(h, relays);
      return h;
    } catch (e) {
      await Promise.all(relays.map((r) => r.stop()));
      throw e;
    }
  }

  /**
   * An address where nothing listens, now or later in the run: drivers given it meet a refused
   * connection on every retry (a port from the ephemeral range could be bound by a concurrent
   * suite once closed, and a library retrying its down server would join that suite's server).
   */
  async downAddress(): Promise<string> {
    const address = `127.0.0.1:${await pickPortOutsideEphemeralRange()}`;
    this.#down.add(address);
    return address;
  }

  /**
   * A server the scenario started is stopping for good: the relays in front of it stop dialing
   * its port, which the kernel may hand to another suite's server, so a library's later retries
   * are refused as they would be by the dead server.
   */
  serverGone(address: string): void {
    for (const relays of this.#relays.values()) for (const r of relays) if (r.upstream === address) r.upstreamGone();
  }

  /** What the relays in front of a driver do to its traffic. */
  relayControl(handle: DriverHandle): RelayControl {
    const relays = this.#relays.get(handle) ?? [];
    return {
      holdReplies: (on) => {
        for (const r of relays) r.holdReplies(on);
      },
      goSilent: () => {
        for (const r of relays) r.goSilent();
      },
      cutSilent: () => {
        for (const r of relays) r.cutSilent();
      },
      blackhole: () => {
        const holes: Blackhole[] = [];
        const lift = (): void => {
          for (const h of holes.splice(0)) h.lift();
        };
        try {
          for (const r of relays) holes.push(r.blackhole());
        } catch (e) {
          lift();
          throw e;
        }
        return { ports: holes.flatMap((h) => h.ports), lift };
      },
    };
  }

  /** Request-side violations the drivers' libraries sent since the last call, undeclared ones only. */
  violations(...taps: readonly (DriverTap | undefined)[]): string[] {
    return taps.flatMap((t) => (t ? (this.#relays.get(t.handle) ?? []).flatMap((r) => r.take()) : []));
  }

  /** Stop the relays of drivers that are gone (and, at the end, of all). */
  async stopRelays(all = false): Promise<void> {
    for (const [h, relays] of this.#relays) {
      if (!all && !h.exited) continue;
      this.#relays.delete(h);
      await Promise.all(relays.map((r) => r.stop()));
    }
  }

  async client(source: DriverSource, label: string, upstreams?: readonly string[]): Promise<DriverTap> {
    return new DriverTap(label, await this.#start(source, 'client', label, upstreams));
  }

  /**
   * A worker driver with every registration sent, then `work`. `refused` maps each function whose
   * registration the driver answered with an `error` (a behaviour it cannot express) to its words.
   */
  async worker(source: DriverSource, label: string, regs: readonly Registration[], upstreams?: readonly string[]): Promise<DriverHandle> {
    return (await this.workerWithRefusals(source, label, regs, upstreams)).handle;
  }

  async workerWithRefusals(source: DriverSource, label: string, regs: readonly Registration[], upstreams?: readonly string[]): Promise<{ handle: DriverHandle; refused: Map<string, string> }> {
    const h = await this.#start(source, 'worker', label, upstreams);
    const refused = new Map<string, string>();
    try {
      for (const [i, r] of regs.entries()) h.send({ op: 'register', id: `r${i}`, function: r.function, behaviour: r.behaviour });
      h.send({ op: 'work', id: 'work' });
      await h.waitFor(
        (e) => e.event === 'done' && e.id === 'work',
        WORKER_READY_MS,
        'registration and work',
        (e) => {
          const i = e.event === 'error' && e.id?.startsWith('r') ? Number(e.id.slice(1)) : NaN;
          if (e.event === 'error' && Number.isInteger(i) && regs[i]) refused.set(regs[i].function, e.message);
        },
      );
      return { handle: h, refused };
    } catch (e) {
      // The driver said hello, so its process runs: a library call that never returns while
      // registering (libgearman waits for an OPTION_RES some servers never send) is the library's
      // outcome against this server, graded like any other, with the driver's output kept.
      // A driver that exits here instead (its library's error ended the application) is the same
      // outcome with the worker gone.
      const libraryOutcome = e instanceof PeerError && (e.code === ERROR_CODES.TIMEOUT || e.code === ERROR_CODES.PEER_EXITED);
      const stuck = libraryOutcome ? new WorkerNotReady(errorMessage(e), h.logs(), h.exited) : e;
      await h.stop();
      throw stuck;
    }
  }
}

export async function runServerMatrix(server: MatrixServer, allOptions: MatrixOptions): Promise<ServerRun> {
  // A server someone else runs cannot be started a second time for a scenario of its own.
  const runsHere = (s: Scenario): boolean => (allOptions.scenarioFilter?.(server.name, s.id) ?? true) && !(s.needsOwnServer && server.name === 'external');
  const options: MatrixOptions = { ...allOptions, scenarios: allOptions.scenarios.filter(runsHere) };
  const t0 = Date.now();
  const log = options.log ?? (() => undefined);
  const timing = options.timing ?? DEFAULT_TIMING;
  const pool = new Pool(server, options);
  const clients = new Map<string, { main?: DriverTap; second?: DriverTap; error?: string }>();
  const cells: CellResult[] = [];
  // Drivers a scenario left unhealthy are replaced before the next scenario, including when that
  // scenario is in the next cell (the worker driver is shared by the cells of one worker).
  const carry = { restartAll: false, serverRestarts: 0 };

  const fresh = async (tap: DriverTap | undefined, make: () => Promise<DriverTap>, force = false): Promise<DriverTap> => {
    if (tap && !force && !tap.exited && tap.pending.size === 0) return tap;
    if (tap) await tap.handle.stop();
    return make();
  };

  const inPlan = (c: DriverSource, w: DriverSource): boolean => options.cellFilter?.(server.name, driverName(c), driverName(w)) ?? true;
  // A client's drivers stay up across worker columns, and go once no later column needs them
  // (in the ring most clients meet only the reference worker): idle drivers cost a container each.
  const lastColumn = new Map(options.clients.map((c) => [driverName(c), options.workers.reduce((last, w, i) => (inPlan(c, w) ? i : last), -1)]));
  try {
    for (const [column, workerSource] of options.workers.entries()) {
      const w = driverName(workerSource);
      const cellClients = options.clients.filter((c) => inPlan(c, workerSource));
      if (cellClients.length === 0) continue;
      const regs = cellClients
        .map(driverName)
        .flatMap((c) => [
          { function: functionNamer(c, w)(HEALTH_SCENARIO), behaviour: { outcome: { kind: 'complete' } } } satisfies Registration,
          ...options.scenarios.flatMap((s) => s.functions(functionNamer(c, w))),
        ]);
      let worker: DriverTap | undefined;
      let workerError: string | undefined;
      let workerNotReady: WorkerNotReady | undefined;
      const refused = new Map<string, string>();
      const ensureWorker = async (force = false): Promise<WorkerSlot> => {
        worker = await fresh(
          worker,
          async () => {
            const started = await pool.workerWithRefusals(workerSource, `${w}-worker`, regs);
            refused.clear();
            for (const [fn, why] of started.refused) refused.set(fn, why);
            return new DriverTap(`${w}-worker`, started.handle);
          },
          force,
        );
        return { tap: worker, refused };
      };
      try {
        await ensureWorker();
      } catch (e) {
        if (e instanceof WorkerNotReady) workerNotReady = e;
        else workerError = errorMessage(e);
      }
      // A worker library can bring the server down while it connects (abraxas on the PHP worker's
      // OPTION_REQ): that is part of the cell's outcome, and the server is started again.
      let crashAtStart: string | undefined;
      if (workerNotReady || workerError) {
        crashAtStart = await server.crashSettled(SERVER_EXIT_SETTLE_MS);
        if (crashAtStart !== undefined && carry.serverRestarts++ < MAX_SERVER_RESTARTS) await server.restart().catch((e: unknown) => log(`  restarting the server failed: ${errorMessage(e)}`));
      }
      for (const clientSource of cellClients) {
        const c = driverName(clientSource);
        const cell: CellId = { server: server.name, client: c, worker: w };
        log(`cell ${server.name} / ${c} client / ${w} worker`);
        const slot = clients.get(c) ?? {};
        clients.set(c, slot);
        if (workerError) {
          cells.push(harnessCell(cell, options, `worker driver ${w} did not start: ${workerError}`));
          continue;
        }
        if (workerNotReady) {
          cells.push(notReadyCell(cell, options, workerNotReady, crashAtStart));
          continue;
        }
        cells.push(await runCell(cell, { client: clientSource, worker: workerSource }, server, options, timing, pool, slot, ensureWorker, fresh, carry, log));
      }
      await worker?.handle.stop();
      for (const c of cellClients) {
        const slot = clients.get(driverName(c));
        if (!slot || lastColumn.get(driverName(c)) !== column) continue;
        await Promise.all([slot.main?.handle.stop(), slot.second?.handle.stop()]);
        clients.delete(driverName(c));
      }
    }
  } finally {
    for (const slot of clients.values()) await Promise.all([slot.main?.handle.stop(), slot.second?.handle.stop()]);
    await pool.stopRelays(true);
  }
  return { name: server.name, version: server.version, provider: options.provider ?? 'native', wallMs: Date.now() - t0, cells };
}

async function runCell(
  cell: CellId,
  sources: { readonly client: DriverSource; readonly worker: DriverSource },
  server: MatrixServer,
  options: MatrixOptions,
  timing: Timing,
  pool: Pool,
  slot: { main?: DriverTap; second?: DriverTap; error?: string },
  ensureWorker: (force?: boolean) => Promise<WorkerSlot>,
  fresh: (tap: DriverTap | undefined, make: () => Promise<DriverTap>, force?: boolean) => Promise<DriverTap>,
  carry: { restartAll: boolean; serverRestarts: number },
  log: (line: string) => void,
): Promise<CellResult> {
  const serverAddress = server.address;
  const t0 = Date.now();
  const results: ScenarioResult[] = [];
  const logs: Record<string, string> = {};
  const keepLog = (key: string, text: string): void => {
    logs[key] = `${logs[key] ?? ''}${text}\n`.slice(-MAX_LOG_CHARS);
  };
  let blocked: ReturnType<typeof cellBlocker>;
  const drivers: { client?: DriverInfo; worker?: DriverInfo } = {};
  for (const s of cellScenarios(options, cell)) {
    if (blocked) {
      results.push(notRun(s, blocked));
      continue;
    }
    const transcript: string[] = [];
    const started = Date.now();
    let outcome: string;
    let detail: string;
    let client: DriverTap | undefined;
    let client2: DriverTap | undefined;
    let worker: DriverTap | undefined;
    let ran = false;
    const owned = new ScenarioOwned(transcript, started);
    try {
      slot.main = client = await fresh(slot.main, () => pool.client(sources.client, `${cell.client}-client`), carry.restartAll);
      slot.second = client2 = await fresh(slot.second, () => pool.client(sources.client, `${cell.client}-client-2`), carry.restartAll);
      const ws = await ensureWorker(carry.restartAll);
      worker = ws.tap;
      carry.restartAll = false;
      drivers.client = info(client.handle);
      drivers.worker = info(worker.handle);
      const own = new Set(s.functions(functionNamer(cell.client, cell.worker)).map((r) => r.function));
      for (const t of [client, client2, worker]) t.reset(transcript, own, started);
      const refusals = [...own].flatMap((fn) => (ws.refused.has(fn) ? [`${fn}: ${ws.refused.get(fn)!}`] : []));
      if (refusals.length > 0) throw new FormUnsupported(`the ${cell.worker} worker driver refused the registration: ${refusals.join('; ')}`);
      ran = true;
      const ctx: CellContext = {
        ...scenarioOwned(cell, sources, server, options, pool, owned),
        cell,
        serverAddress,
        client,
        client2,
        worker,
        timing: findExpectation(options.declarations, cell, s.id) ? { ...timing, eventMs: Math.min(timing.eventMs, DECLARED_DIFFERENCE_EVENT_MS) } : timing,
        fn: functionNamer(cell.client, cell.worker),
        startExtraWorker: (label, regs) => pool.worker(sources.worker, `${cell.worker}-${label}`, regs),
        note: (line) => transcript.push(`${String(Date.now() - started).padStart(6)}ms -- ${line}`),
      };
      const obs = await beforeDeadline(s.run(ctx), SCENARIO_DEADLINE_MS, () => new Error(`scenario ${s.id}: no end after ${SCENARIO_DEADLINE_MS} ms`));
      outcome = obs.outcome;
      detail = obs.detail;
    } catch (e) {
      if (e instanceof FormUnsupported) {
        outcome = FORM_UNSUPPORTED;
        detail = e.message;
      } else if (e instanceof WorkerNotReady) {
        // A replacement worker whose library blocked or failed while registering.
        outcome = `${WORKER_NOT_READY}${e.gone ? '+worker-gone' : ''}`;
        detail = `the ${cell.worker} worker's library never finished registering its functions: ${e.message}`;
        keepLog('worker', e.log);
        carry.restartAll = true;
      } else {
        outcome = 'harness-error';
        detail = errorMessage(e);
        if (e instanceof Error && 'log' in e && typeof e.log === 'string') keepLog('harness', e.log);
      }
    } finally {
      worker?.releaseAll();
      await owned.stop();
    }
    if (outcome === 'harness-error') {
      carry.restartAll = true;
      pool.violations(client, client2, worker, ...owned.drivers); // not this scenario's to grade, nor the next one's
    } else if (ran && client && client2 && worker) {
      // The fresh-job check, then every worker-side error of the scenario: both are graded.
      const check = await freshJobCheck(cell, { client, client2, worker }, timing, transcript);
      const workerErrors = worker.seen.flatMap((e) => (e.event === 'error' ? [e.message.split('\n')[0]!] : []));
      const wire = pool.violations(client, client2, worker, ...owned.drivers);
      const suffixes = [...(wire.length > 0 ? ['+wire-violation'] : []), ...(workerErrors.length > 0 ? ['+worker-error'] : []), ...check.suffixes];
      outcome += suffixes.join('');
      if (wire.length > 0) detail += `; request-side check: ${wire.slice(0, 3).join(' | ')}${wire.length > 3 ? ` (+${wire.length - 3} more)` : ''}`;
      if (workerErrors.length > 0) detail += `; worker driver reported: ${workerErrors.join(' | ')}`;
      if (check.suffixes.length > 0) detail += `; fresh-job check: ${check.detail}`;
      if (suffixes.length > 0) carry.restartAll = true;
    }
    // A server that died during the scenario: graded as part of the outcome, then started again on
    // the same port so that one crash does not decide every later cell.
    const crash = server.crashed();
    if (crash !== undefined) {
      outcome += '+server-crashed';
      detail += `; the server exited during this scenario (${crash})`;
      keepLog('server', server.logs());
      carry.restartAll = true;
      // The drivers go first: a library that reconnects on its own would meet the new server with
      // whatever brought the old one down, and crash it again before the next scenario.
      for (const t of [client, client2, worker]) await t?.handle.stop();
      if (carry.serverRestarts++ < MAX_SERVER_RESTARTS) {
        await server.restart().catch((e: unknown) => {
          detail += `; restarting it failed: ${errorMessage(e)}`;
        });
      } else detail += `; not restarted again (${MAX_SERVER_RESTARTS} restarts already)`;
    }
    const g = grade(options.declarations, cell, s, outcome);
    if (s.id === options.declarations.probe.id && g.grade === 'expected-different') blocked = cellBlocker(options.declarations, cell, s.id);
    if (g.grade === 'fail' || g.grade === 'stale') {
      for (const t of [client, client2, worker, ...owned.drivers]) if (t) keepLog(t.label, `=== after ${s.id} ===\n${t.handle.logs()}`);
    }
    await pool.stopRelays();
    log(`  ${s.id}: ${outcome} → ${g.grade}`);
    results.push(graded(s, g, outcome, detail, Date.now() - started, transcript));
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

const HEALTH_SCENARIO = 'health';

/** The scenarios a cell runs: the server's, narrowed per cell where the plan says so. */
const cellScenarios = (options: MatrixOptions, cell: CellId): readonly Scenario[] => options.scenarios.filter((s) => options.scenarioFilter?.(cell.server, s.id, cell) ?? true);

/** The drivers and servers one scenario started through its context: stopped when it ends, whatever happened. */
class ScenarioOwned {
  /** Every driver it started, kept after `stop` for their relays' request-side findings. */
  readonly drivers: DriverTap[] = [];
  readonly servers: MatrixServer[] = [];
  constructor(
    readonly transcript: string[],
    readonly started: number,
  ) {}
  /** Set once the scenario has ended (or run past its deadline): later starts are stopped at once. */
  stopped = false;
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.drivers.map((d) => d.handle.stop()));
    await Promise.all(this.servers.splice(0).map((s) => s.stop()));
  }
}

/** The parts of a scenario's context that start drivers and servers of its own, and reach their relays. */
function scenarioOwned(
  cell: CellId,
  sources: { readonly client: DriverSource; readonly worker: DriverSource },
  server: MatrixServer,
  options: MatrixOptions,
  pool: Pool,
  owned: ScenarioOwned,
): Pick<CellContext, 'startDriver' | 'downAddress' | 'ownServer' | 'relay'> {
  const serverName = server.name;
  return {
    startDriver: async (role, label, servers, registrations = []) => {
      const name = `${role === 'client' ? cell.client : cell.worker}-${label}`;
      const tap = role === 'client' ? await pool.client(sources.client, name, servers) : new DriverTap(name, await pool.worker(sources.worker, name, registrations, servers));
      tap.reset(owned.transcript, undefined, owned.started);
      owned.drivers.push(tap);
      // A scenario that ran past its deadline goes on in the background: what it starts then is not left running.
      if (owned.stopped) await tap.handle.stop();
      return tap;
    },
    downAddress: () => pool.downAddress(),
    ownServer:
      serverName === 'external'
        ? undefined
        : async (knobs): Promise<OwnServer> => {
            const own = await startMatrixServer(serverName, options.serverProvider ?? options.provider, knobs);
            owned.servers.push(own);
            if (owned.stopped) await own.stop();
            return {
              address: own.address,
              restart: () => own.restart(),
              stop: () => {
                pool.serverGone(own.address);
                return own.stop();
              },
            };
          },
    relay: (tap): RelayControl => pool.relayControl(tap.handle),
  };
}

/** The worker driver of a cell and the functions it refused to register. */
interface WorkerSlot {
  readonly tap: DriverTap;
  readonly refused: ReadonlyMap<string, string>;
}

class FormUnsupported extends Error {}

/**
 * How long the fresh-job check waits for its job (at most the scenario's event deadline). It ends
 * at the job's result, so a long deadline costs only where the check fails; a 3 s one failed a
 * nominal cell in CI when the harness process stalled for 4.6 s under load.
 */
const CHECK_MS = 8000;

interface CheckResult {
  /** Empty when the worker took the fresh job and the client submitted and finished its own. */
  readonly suffixes: readonly string[];
  readonly detail: string;
}

/** One job through `via` to the health function: what each side did with it. */
async function healthJob(cell: CellId, via: DriverTap, worker: DriverTap | undefined, timeoutMs: number): Promise<{ ok: boolean; created: boolean; taken: boolean; clientDone: boolean }> {
  const fn = functionNamer(cell.client, cell.worker)(HEALTH_SCENARIO);
  const id = `health-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const deadline = Date.now() + timeoutMs;
  const left = (): number => Math.max(1, deadline - Date.now());
  // Without a worker to run it, a background job shows that the client still submits.
  via.send({ op: 'submit', id, function: fn, payload: b64(id), ...(worker ? {} : { background: true }) });
  let taken = false;
  if (worker) {
    // The worker's events up to the fresh job's `finished` are read here: anything it reported
    // after the scenario's own job comes before them.
    const job = await worker.waitFor((e) => e.event === 'job' && e.function === fn && unb64(e.payload).toString() === id, timeoutMs);
    taken = job !== undefined;
    if (job?.event === 'job') await worker.waitFor((e) => e.event === 'finished' && e.handle === job.handle, left());
  }
  const done = (await via.waitFor((e) => e.event === 'done' && e.id === id, left())) !== undefined;
  const events = via.eventsFor(id);
  const created = events.some((e) => e.event === 'created');
  const ok = worker ? done && events.some((e) => e.event === 'complete' && unb64(e.payload).toString() === id) : done && created;
  return { ok, created, taken, clientDone: done };
}

/**
 * The end of every scenario: does the same worker process still take a fresh job, and does the
 * same client still submit one and get its result? The main client carries the job; when it is
 * gone or still busy, the second client checks the worker. Suffixes name what failed.
 */
async function freshJobCheck(cell: CellId, taps: { client: DriverTap; client2: DriverTap; worker: DriverTap }, timing: Timing, transcript: string[]): Promise<CheckResult> {
  const { client, client2, worker } = taps;
  const timeoutMs = Math.min(timing.eventMs, CHECK_MS);
  transcript.push('        -- fresh-job check: the same worker and client, one more job');
  // What the worker reported meanwhile (an error, its exit) is read before deciding anything.
  await worker.drain(5);
  const notes: string[] = [];
  type State = 'ok' | 'gone' | 'stuck';
  let workerState: State | undefined = worker.exited ? 'gone' : undefined;
  let clientState: State;
  if (client.exited) clientState = 'gone';
  else if (client.pending.size > 0) clientState = 'stuck';
  else {
    const r = await healthJob(cell, client, workerState === 'gone' ? undefined : worker, timeoutMs);
    if (r.ok) {
      clientState = 'ok';
      if (workerState === undefined) workerState = 'ok';
    } else if (!r.created || r.taken) {
      // Not even a handle, or the worker ran the job and the client never reported its result.
      clientState = client.exited ? 'gone' : 'stuck';
    } else clientState = 'ok'; // submitted; the worker never took it
    if (workerState === undefined && r.created && !r.taken) workerState = worker.exited ? 'gone' : 'stuck';
    if (workerState === undefined && r.taken) workerState = 'ok';
    notes.push(
      `client's fresh job: ${r.ok ? 'completed' : `${r.created ? 'created' : 'not created'}, ${workerState === 'gone' ? 'no worker' : r.taken ? 'taken by the worker' : 'never taken by the worker'}, client ${r.clientDone ? 'finished without the result' : 'still waiting'}`}`,
    );
  }
  if (clientState !== 'ok') notes.push(`client ${clientState === 'gone' ? `exited (${exitOf(client)})` : `still busy (${[...client.pending].join(', ') || 'with its fresh job'})`}`);
  if (workerState === undefined) {
    // The main client could not carry the job: the second client checks the worker.
    if (!client2.exited && client2.pending.size === 0) {
      const r = await healthJob(cell, client2, worker, timeoutMs);
      workerState = r.taken ? 'ok' : worker.exited ? 'gone' : 'stuck';
      notes.push(`second client's fresh job: ${r.taken ? 'taken by the worker' : 'never taken by the worker'}`);
    } else workerState = worker.exited ? 'gone' : 'stuck';
  }
  if (workerState !== 'ok') notes.push(workerState === 'gone' ? `worker exited (${exitOf(worker)})` : 'worker alive but took no fresh job');
  const suffixes = [...(workerState === 'ok' ? [] : [`+worker-${workerState}`]), ...(clientState === 'ok' ? [] : [`+client-${clientState}`])];
  transcript.push(`        -- fresh-job check ${suffixes.length ? `failed (${suffixes.join('')}): drivers will be replaced` : 'passed'}`);
  return { suffixes, detail: notes.join('; ') };
}

function exitOf(tap: DriverTap): string {
  const e = tap.seen.find((x) => x.event === 'exited');
  return e?.event === 'exited' ? `code ${String(e.code)}, signal ${String(e.signal)}` : 'gone';
}

/** A scenario left out because the cell's probe showed a declared blocker. */
/** A scenario that ran (or whose outcome is known without running it), with its grade. */
function graded(s: Scenario, g: ReturnType<typeof grade>, outcome: string, detail: string, durationMs: number, transcript: ScenarioResult['transcript']): ScenarioResult {
  return {
    id: s.id,
    title: s.title,
    nominal: s.nominal,
    expected: g.expected,
    actual: outcome,
    grade: g.grade,
    detail,
    ...(g.expectation ? { expectation: g.expectation } : {}),
    durationMs,
    transcript,
  };
}

function notRun(s: Scenario, blocked: Expectation): ScenarioResult {
  return {
    id: s.id,
    title: s.title,
    nominal: s.nominal,
    expected: [s.nominal],
    actual: 'not-run',
    grade: 'expected-different',
    detail: `not run: the probe showed ${blocked.id} as declared`,
    expectation: refOf(blocked),
    notRun: true,
    durationMs: 0,
    transcript: [],
  };
}

/** A cell whose worker library never entered its loop: every scenario has that outcome, graded. */
function notReadyCell(cell: CellId, options: MatrixOptions, stuck: WorkerNotReady, crash: string | undefined): CellResult {
  const outcome = `${WORKER_NOT_READY}${stuck.gone ? '+worker-gone' : ''}${crash !== undefined ? '+server-crashed' : ''}`;
  const detail = `the ${cell.worker} worker's library never finished registering its functions: ${stuck.message}${crash !== undefined ? `; the server exited meanwhile (${crash})` : ''}`;
  let blocked: ReturnType<typeof cellBlocker>;
  const scenarios = cellScenarios(options, cell).map((s): ScenarioResult => {
    if (blocked) return notRun(s, blocked);
    const g = grade(options.declarations, cell, s, outcome);
    if (s.id === options.declarations.probe.id && g.grade === 'expected-different') blocked = cellBlocker(options.declarations, cell, s.id);
    return graded(s, g, outcome, detail, 0, []);
  });
  const grades = scenarios.map((s) => s.grade);
  return {
    ...cell,
    provider: options.provider ?? 'native',
    grade: worstGrade(grades),
    counts: countGrades(grades),
    scenarios,
    drivers: {},
    logs: { worker: stuck.log.slice(-MAX_LOG_CHARS) },
    durationMs: 0,
  };
}

function harnessCell(cell: CellId, options: MatrixOptions, why: string): CellResult {
  const scenarios: ScenarioResult[] = cellScenarios(options, cell).map((s) => ({
    id: s.id,
    title: s.title,
    nominal: s.nominal,
    expected: [s.nominal],
    actual: 'harness-error',
    grade: 'fail',
    detail: why,
    durationMs: 0,
    transcript: [],
  }));
  return { ...cell, provider: options.provider ?? 'native', grade: 'fail', counts: countGrades(scenarios.map((s) => s.grade)), scenarios, drivers: {}, logs: { harness: why }, durationMs: 0 };
}
