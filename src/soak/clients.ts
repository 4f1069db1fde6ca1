/**
 * The client side of a soak: two instances of every client library, each submitting its library's
 * share of the plan the way an application does — foreground jobs as one `submit` or a
 * `submit-batch` of up to BATCH, background jobs as a `submit` with `background: true`, and the two
 * jobs of a coalescing pair as one `submit` on each instance at the same moment. At most
 * IN_FLIGHT jobs of a library are out at once (a background job is out until a worker finishes
 * it). The driver protocol runs one command at a time, so an instance whose command has no `done`
 * by the job timeout is stuck on a lost job: it is stopped and a fresh one takes its place. When
 * the server has already ended every job of that command (each has its client's end, or a worker
 * finished it) and the library still has not returned, the instance is *parked* instead: a fresh
 * driver takes the next jobs at once, and the parked one keeps listening until its `done` or the
 * job timeout. Without that, one library that loses results (node-gearman mixes up handles) held
 * up its share of a long soak by a job timeout per loss. Parking judges nothing: a late result
 * from the parked driver still counts.
 */
import { errorMessage } from '../errors.js';
import { type DriverCommand, type DriverEvent, type DriverSource, type SubmitJob, b64, describeDriverEvent, driverName } from '../peers/drivers/index.js';
import { unlessAborted, within } from '../deadline.js';
import { Wakeup } from '../wakeup.js';
import { SoakDriver, startWithRetry } from './drivers.js';
import type { JobRecord } from './ledger.js';
import { payloadOf } from './payloads.js';
import { type PlannedJob, soakFunction, soakUnique } from './plan.js';
import type { JobSource } from './source.js';
import type { SoakDriverInfo } from './types.js';
import { type FleetContext, lastLines } from './workers.js';

const INSTANCES = 2;
/** Jobs of one client library out at once. */
export const IN_FLIGHT = 16;
/** Most foreground jobs in one submit-batch. */
const BATCH = 8;
/** How often a client waiting for room looks again (a settled job wakes it sooner). */
const ROOM_POLL_MS = 200;
/** A command is parked this long after the server ended its last job (ledger.endedElsewhere). */
const PARK_GRACE_MS = 1000;
/** How often a command waiting for its `done` is looked at for that. */
const PARK_POLL_MS = 500;
/** Parked drivers of one library at once; beyond that a stuck command is waited out. */
const MAX_PARKED = 16;
/** #submit's answer when its command was parked (the instance needs a fresh driver, the old one stays). */
const PARKED = Symbol('parked');

export interface ClientContext extends FleetContext {
  readonly seed: number;
  readonly runToken: string;
  readonly jobTimeoutMs: number;
  readonly source: JobSource;
  /** Aborts when submitting must stop at once (interrupted, or the server died). */
  readonly abort: AbortSignal;
}

/** The jobs one command carries; the first half of a coalescing pair waits for its partner's instance. */
interface Unit {
  readonly jobs: readonly PlannedJob[];
  readonly partnerTaken?: Promise<true>;
}

/** The second job of a coalescing pair, waiting for an instance other than its partner's to take it. */
interface Half {
  readonly job: PlannedJob;
  owner: ClientInstance | undefined;
  readonly taken: (yes: true) => void;
}

class ClientLibrary {
  readonly name: string;
  readonly source: DriverSource;
  readonly instances: ClientInstance[] = [];
  /** Jobs out, by id, with their deadline (infinite while reserved and not yet sent). */
  readonly open = new Map<string, number>();
  half: Half | undefined;
  /** Parked drivers still waiting for their `done`. */
  parked = 0;
  readonly #ctx: ClientContext;

  constructor(ctx: ClientContext, source: DriverSource) {
    this.#ctx = ctx;
    this.source = source;
    this.name = driverName(source);
  }

  inFlight(): number {
    const now = this.#ctx.now();
    let n = 0;
    for (const deadline of this.open.values()) if (deadline > now) n++;
    return n;
  }

  wake(): void {
    for (const i of this.instances) i.wakeup.wake();
  }

  /** The next unit for `inst`, waiting for room; undefined once there is nothing left to submit. */
  async take(inst: ClientInstance): Promise<Unit | undefined> {
    for (;;) {
      if (this.#ctx.source.closed) return undefined;
      if (this.#ctx.source.paused) {
        await inst.wakeup.sleep(ROOM_POLL_MS);
        continue;
      }
      const half = this.half;
      if (half && half.owner !== inst) {
        this.half = undefined;
        half.taken(true);
        return { jobs: [half.job] };
      }
      const room = IN_FLIGHT - this.inFlight();
      const queue = this.#ctx.source.queue(this.name);
      if (queue.length === 0 && !half) return undefined;
      const head = queue[0];
      if (head && room > 0) {
        let jobs: PlannedJob[];
        let partnerTaken: Promise<true> | undefined;
        if (head.partner !== undefined && queue[1]?.n === head.partner) {
          if (room >= 2) {
            const [first, second] = queue.splice(0, 2) as [PlannedJob, PlannedJob];
            jobs = [first];
            partnerTaken = new Promise<true>((taken) => (this.half = { job: second, owner: inst, taken }));
            this.open.set(second.id, Number.POSITIVE_INFINITY);
          } else jobs = [];
        } else if (head.background) jobs = queue.splice(0, 1);
        else {
          let k = 0;
          while (k < Math.min(BATCH, room) && queue[k] && !queue[k]!.background && queue[k]!.partner === undefined) k++;
          jobs = queue.splice(0, Math.max(k, 1));
        }
        if (jobs.length > 0) {
          for (const j of jobs) this.open.set(j.id, Number.POSITIVE_INFINITY);
          return { jobs, ...(partnerTaken ? { partnerTaken } : {}) };
        }
      }
      await inst.wakeup.sleep(ROOM_POLL_MS);
    }
  }
}

class ClientInstance {
  readonly lib: ClientLibrary;
  readonly wakeup = new Wakeup();
  driver: SoakDriver | undefined;
  readonly #ctx: ClientContext;
  readonly #fleet: ClientFleet;
  /** Job ids of each submit-batch in flight, by batch id. */
  readonly #batches = new Map<string, readonly string[]>();
  /** The waits of this instance's parked drivers. */
  readonly #parked = new Set<Promise<void>>();

  constructor(ctx: ClientContext, fleet: ClientFleet, lib: ClientLibrary) {
    this.#ctx = ctx;
    this.#fleet = fleet;
    this.lib = lib;
  }

  async start(): Promise<void> {
    const label = this.#fleet.label(this.lib.name);
    const handle = await startWithRetry(this.lib.source, 'client', label, this.#ctx.server, this.#ctx.provider);
    this.driver = new SoakDriver(label, handle, (e, d) => this.#onEvent(e, d));
    this.#fleet.started(this.driver);
  }

  /** Submit units until there are none left; replace the driver when it is stuck or gone. */
  async run(): Promise<void> {
    try {
      for (;;) {
        // A driver that went while this instance waited for room is replaced before it is given jobs.
        if (this.driver!.exited && !(await this.#replace('gone'))) return;
        const unit = await this.lib.take(this);
        if (!unit) return;
        const why = await this.#submit(unit);
        if (why === PARKED ? !(await this.#fresh()) : why !== undefined && !(await this.#replace(why))) return;
      }
    } finally {
      await Promise.all(this.#parked);
    }
  }

  /** Undefined when the command got its `done`; PARKED; else why the driver must be replaced. */
  async #submit(unit: Unit): Promise<string | typeof PARKED | undefined> {
    const ctx = this.#ctx;
    const driver = this.driver!;
    if (unit.partnerTaken) {
      const met = await unlessAborted(within(unit.partnerTaken, ctx.jobTimeoutMs), ctx.abort);
      if (met === 'aborted') return undefined;
      // No other instance came (it is stuck, or gone): this half goes alone, and the other is anyone's.
      if (met === undefined && this.lib.half?.owner === this) this.lib.half.owner = undefined;
    }
    const deadline = ctx.now() + ctx.jobTimeoutMs;
    const jobs = unit.jobs.map((j) => this.#submitJob(j));
    const single = unit.jobs.length === 1;
    const id = single ? unit.jobs[0]!.id : this.#fleet.batchId();
    const cmd: DriverCommand = single ? { op: 'submit', ...jobs[0]! } : { op: 'submit-batch', id, jobs };
    const ids = unit.jobs.map((j) => j.id);
    for (const [i, j] of unit.jobs.entries()) {
      this.lib.open.set(j.id, deadline);
      ctx.ledger.submitted(j, jobs[i]!.unique!, driver.label, deadline, single ? `submit ${shown(jobs[i]!)}` : `submit-batch ${id} [${ids.join(' ')}]: ${shown(jobs[i]!)}`);
    }
    if (!single) this.#batches.set(id, ids);
    const done = driver.doneFor(id);
    driver.send(cmd);
    let poll: NodeJS.Timeout | undefined;
    const parkable = new Promise<typeof PARKED>((resolve) => {
      poll = setInterval(() => {
        if (this.lib.parked < MAX_PARKED && ctx.ledger.endedElsewhere(ids, PARK_GRACE_MS)) resolve(PARKED);
      }, PARK_POLL_MS);
    });
    const outcome = await unlessAborted(Promise.race([within(done, ctx.jobTimeoutMs), parkable]), ctx.abort).finally(() => clearInterval(poll));
    if (outcome === PARKED) {
      this.#park(driver, id, unit, done, deadline);
      return PARKED;
    }
    this.#batches.delete(id);
    // After its `done` a foreground job's client reports nothing more: its slot is free whatever became of it.
    for (const j of unit.jobs) if (!j.background && outcome === true) this.lib.open.delete(j.id);
    this.lib.wake();
    if (outcome === true || outcome === 'aborted') return undefined;
    return outcome === false ? 'gone' : `no done for ${id} within the job timeout (${ctx.jobTimeoutMs} ms)`;
  }

  /**
   * The server has ended every job of command `id` and `driver` has not returned: it waits aside
   * for its `done` until the jobs' deadline (its late events still reach the ledger), and is then
   * retired as a stuck driver would be.
   */
  #park(driver: SoakDriver, id: string, unit: Unit, done: Promise<boolean>, deadline: number): void {
    const ctx = this.#ctx;
    this.lib.parked++;
    ctx.incident(driver.label, `parked: the server ended every job of ${id} ${PARK_GRACE_MS} ms ago or more and the library has not returned; a fresh client driver takes the next jobs`, false);
    // Their slots are free: the server has no more of them (a late result still counts).
    for (const j of unit.jobs) if (!j.background) this.lib.open.delete(j.id);
    this.lib.wake();
    const wait = (async (): Promise<void> => {
      const outcome = await unlessAborted(within(done, Math.max(0, deadline - ctx.now())), ctx.abort);
      this.#batches.delete(id);
      if (outcome === true || outcome === 'aborted') await this.#fleet.retire(driver);
      else await this.#retire(driver, outcome === false ? 'gone' : `no done for ${id} within the job timeout (${ctx.jobTimeoutMs} ms), parked since`);
      this.lib.parked--;
    })();
    this.#parked.add(wait);
    void wait.finally(() => this.#parked.delete(wait));
  }

  #submitJob(j: PlannedJob): SubmitJob {
    const ctx = this.#ctx;
    return {
      id: j.id,
      function: soakFunction(ctx.runToken, j.worker),
      unique: soakUnique(ctx.runToken, j.group),
      payload: b64(payloadOf(ctx.seed, j.group, j.size)),
      priority: j.priority,
      ...(j.background ? { background: true } : {}),
    };
  }

  /** A fresh driver for this instance; false when there is no more work, or none could start. */
  async #replace(why: string): Promise<boolean> {
    await this.#retire(this.driver!, why === 'gone' ? why : `${why}; a fresh client driver takes its place`);
    return this.#fresh();
  }

  /** Record why `old` goes (an exit on its own is a deviation; a stuck command is not) and stop it. */
  async #retire(old: SoakDriver, why: string): Promise<void> {
    if (why === 'gone') {
      const exit = old.handle.gone.then((g) => `code ${String(g.code)}, signal ${String(g.signal)}`);
      this.#ctx.incident(old.label, `exited on its own (${(await within(exit, 2000)) ?? 'gone'}); last output: ${lastLines(old.handle.logs())}`, true);
    } else this.#ctx.incident(old.label, `stopped: ${why}`, false);
    await this.#fleet.retire(old);
  }

  /** Start this instance's next driver; false when there is no more work, or none could start. */
  async #fresh(): Promise<boolean> {
    if (this.#ctx.source.closed) return false;
    const old = this.driver!;
    try {
      await this.start();
      return true;
    } catch (e) {
      this.#ctx.harnessError(`${this.lib.name} client: no replacement for ${old.label} started: ${errorMessage(e).split('\n')[0]!}`);
      return false;
    }
  }

  #onEvent(e: DriverEvent, d: SoakDriver): void {
    if (e.event === 'exited') return;
    if (this.#ctx.ledger.clientEvent(d.label, e)) return;
    const batch = 'id' in e && e.id !== undefined ? this.#batches.get(e.id) : undefined;
    if (batch) {
      this.#ctx.ledger.note(batch, `${d.label} << ${describeDriverEvent(e)}`);
      if (e.event === 'error') this.#ctx.ledger.batchError(batch, e.message);
    } else if (e.event === 'error') this.#ctx.incident(d.label, `reported: ${e.message}`, false);
  }
}

/** How a job's submit shows in its transcript: the command without its payload bytes. */
function shown(j: SubmitJob): string {
  return JSON.stringify({ ...j, payload: `<${Buffer.from(j.payload, 'base64').length} bytes>` });
}

export class ClientFleet {
  readonly #libs: ClientLibrary[];
  /** Every driver the run started, for the report. */
  readonly #infos: SoakDriverInfo[] = [];
  /**
   * The drivers not yet retired. A retired one is let go with its log (up to a megabyte of control
   * lines): a long soak that parks or replaces a stuck client thousands of times keeps none.
   */
  readonly #live = new Set<SoakDriver>();
  readonly #numbers = new Map<string, number>();
  #batches = 0;

  constructor(ctx: ClientContext, sources: readonly DriverSource[]) {
    this.#libs = sources.map((s) => new ClientLibrary(ctx, s));
    for (const lib of this.#libs) for (let i = 0; i < INSTANCES; i++) lib.instances.push(new ClientInstance(ctx, this, lib));
  }

  get drivers(): SoakDriverInfo[] {
    return [...this.#infos];
  }

  /** Jobs out now, over every library. */
  inFlight(): number {
    return this.#libs.reduce((n, l) => n + l.inFlight(), 0);
  }

  label(lib: string): string {
    const n = (this.#numbers.get(lib) ?? 0) + 1;
    this.#numbers.set(lib, n);
    return `${lib}-client#${n}`;
  }

  batchId(): string {
    return `b${++this.#batches}`;
  }

  started(d: SoakDriver): void {
    this.#infos.push(d.info);
    this.#live.add(d);
  }

  /** Stop `d` for good (stuck, gone, or its parked wait is over) and let it go once its last event is read. */
  async retire(d: SoakDriver): Promise<void> {
    await d.stop().catch(() => undefined);
    await d.pumped;
    this.#live.delete(d);
  }

  /** Every instance's driver up, or the first start's error once every start has settled. */
  async start(): Promise<void> {
    const settled = await Promise.allSettled(this.#libs.flatMap((l) => l.instances.map((i) => i.start())));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Submit until the source is done or closed, and every command has its `done` (or its driver was replaced). */
  async run(): Promise<void> {
    await Promise.all(this.#libs.flatMap((l) => l.instances.map((i) => i.run())));
  }

  /** A job settled: its slot is free. */
  settled(rec: JobRecord): void {
    const lib = this.#libs.find((l) => l.name === rec.job.client);
    lib?.open.delete(rec.job.id);
    lib?.wake();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#live].map((d) => this.retire(d)));
  }
}
