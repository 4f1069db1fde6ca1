/**
 * Shared helpers for the reference-server suites: a server per file on an ephemeral loopback port,
 * raw GearmanConnections that are always closed, and short packet/admin helpers with deadlines.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { GearmanConnection } from '../../../src/transport/connection.js';
import { req, type Packet } from '../../../src/protocol/packet.js';
import { T } from '../../../src/protocol/constants.js';
import { startReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '../../../src/server/index.js';

/** Deadline for a reply that must come (only a failing run waits this long; the machine may be busy). */
export const WAIT_MS = 5000;

export interface Harness {
  readonly server: ReferenceServer;
  connect(label?: string): Promise<GearmanConnection>;
  /** Close every connection opened through connect() (call in afterEach). */
  closeConnections(): void;
  close(): Promise<void>;
}

export async function startHarness(options: ReferenceServerOptions = {}): Promise<Harness> {
  const server = await startReferenceServer({ host: '127.0.0.1', port: 0, ...options });
  const open = new Set<GearmanConnection>();
  return {
    server,
    async connect(label?: string) {
      const c = await GearmanConnection.connect({ host: server.host, port: server.port, connectTimeoutMs: WAIT_MS, ...(label ? { label } : {}) });
      open.add(c);
      return c;
    },
    closeConnections() {
      for (const c of open) c.close();
      open.clear();
    },
    async close() {
      for (const c of open) c.close();
      open.clear();
      await server.close();
    },
  };
}

/**
 * The usual file set-up: one server for the file's tests, every connection closed after each
 * test, the server closed at the end. Returns a Harness usable from inside the tests.
 */
export function sharedHarness(options: ReferenceServerOptions = {}): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness(options);
  });
  afterEach(() => started?.closeConnections());
  afterAll(() => started?.close());
  const get = (): Harness => {
    if (!started) throw new Error('sharedHarness used outside a test (the server starts in beforeAll)');
    return started;
  };
  return {
    get server() {
      return get().server;
    },
    connect: (label) => get().connect(label),
    closeConnections: () => get().closeConnections(),
    close: () => get().close(),
  };
}

/** Distinct function names per test, so tests sharing one server never see each other's jobs. */
export function nameFactory(): (base: string) => string {
  let n = 0;
  return (base) => `${base}_${++n}`;
}

export const text = (p: Packet, i: number): string => p.args[i]!.toString('latin1');
export const args = (p: Packet): string[] => p.args.map((a) => a.toString('latin1'));

/** Submit and return the handle from JOB_CREATED. */
export async function submit(c: GearmanConnection, fn: string, data: string | Buffer, opts: { unique?: string; type?: number } = {}): Promise<string> {
  c.send(req(opts.type ?? T.SUBMIT_JOB, fn, opts.unique ?? '', data));
  const p = await c.expect([T.JOB_CREATED], WAIT_MS);
  return text(p, 0);
}

/** A connection that registered `fns`. CAN_DO has no reply, so an ECHO round trip proves it was processed. */
export async function worker(h: Harness, ...fns: string[]): Promise<GearmanConnection> {
  const w = await h.connect(`worker:${fns.join(',')}`);
  for (const fn of fns) w.send(req(T.CAN_DO, fn));
  await sync(w);
  return w;
}

/** Round-trip an ECHO so every packet sent before it has been handled. */
export async function sync(c: GearmanConnection): Promise<void> {
  c.send(req(T.ECHO_REQ, 'sync'));
  await c.expect([T.ECHO_RES], WAIT_MS);
}

export async function grab(w: GearmanConnection, type: number = T.GRAB_JOB): Promise<Packet> {
  w.send(req(type));
  return w.expect([T.JOB_ASSIGN, T.JOB_ASSIGN_UNIQ, T.JOB_ASSIGN_ALL, T.NO_JOB], WAIT_MS);
}

/** Asserts nothing arrives within `ms` (returns the event kind seen, 'timeout' when quiet). */
export async function quiet(c: GearmanConnection, ms = 150): Promise<string> {
  const e = await c.next(ms);
  return e.kind === 'packet' ? `packet ${e.packet.type}` : e.kind;
}

export async function statusRows(c: GearmanConnection): Promise<Map<string, string[]>> {
  const lines = await c.admin('status', WAIT_MS);
  return new Map(
    lines.map((l) => {
      const [fn, ...rest] = l.split('\t');
      return [fn!, rest];
    }),
  );
}
