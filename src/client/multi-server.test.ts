/**
 * The reference client and worker on several servers (spec §4.16), against real reference
 * servers on ephemeral ports: which server a job goes to, passing over a server that is down or
 * goes down, and a worker that serves every server and comes back to one that starts late.
 */
import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { ERROR_CODES, isGearspecError } from '../errors.js';
import { type ReferenceServer, startReferenceServer } from '../server/index.js';
import { GearmanWorker } from '../worker/index.js';
import { MultiServerWorker } from '../worker/multi-server.js';
import { MultiServerClient, type ServerAddress } from './multi-server.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function server(port = 0): Promise<ReferenceServer> {
  const s = await startReferenceServer({ host: '127.0.0.1', port });
  cleanup.push(() => s.close());
  return s;
}

/** A port where nothing listens (bound, then released). */
async function downPort(): Promise<number> {
  const l = net.createServer();
  await new Promise<void>((r) => l.listen(0, '127.0.0.1', r));
  const port = (l.address() as net.AddressInfo).port;
  await new Promise<void>((r) => l.close(() => r()));
  return port;
}

const at = (s: ReferenceServer | number): ServerAddress => ({ host: '127.0.0.1', port: typeof s === 'number' ? s : s.port });

/** A plain worker on one server that answers every `fn` job with the server's name. */
async function namingWorker(s: ReferenceServer, fn: string, name: string): Promise<void> {
  const w = await GearmanWorker.connect({ ...at(s), reconnect: false });
  cleanup.push(() => w.close());
  w.register(fn, () => name);
  w.work();
}

function client(servers: readonly ServerAddress[]): MultiServerClient {
  const c = new MultiServerClient(servers, { timeoutMs: 10_000 });
  cleanup.push(() => c.close());
  return c;
}

const run = async (c: MultiServerClient, unique?: string): Promise<string> => (await (await c.submit({ function: 'where', data: 'x', ...(unique ? { unique } : {}) })).result()).data.toString();

describe('MultiServerClient', () => {
  test('jobs without a unique go to the servers in turn; a unique always to the one it hashes to', async () => {
    const [a, b] = [await server(), await server()];
    await namingWorker(a, 'where', 'a');
    await namingWorker(b, 'where', 'b');
    const c = client([at(a), at(b)]);
    expect([await run(c), await run(c), await run(c), await run(c)]).toEqual(['a', 'b', 'a', 'b']);
    for (const unique of ['u-1', 'u-2', 'u-3', 'another unique']) {
      const expected = c.serverFor(unique) === 0 ? 'a' : 'b';
      expect([await run(c, unique), await run(c, unique), await run(c, unique)]).toEqual([expected, expected, expected]);
    }
  });

  test('a server that is down is passed over, and one that goes down is passed over from then on', async () => {
    const [a, b] = [await server(), await server()];
    await namingWorker(b, 'where', 'b');
    const c = client([at(await downPort()), at(b)]);
    expect([await run(c), await run(c)]).toEqual(['b', 'b']);
    await namingWorker(a, 'where', 'a');
    const d = client([at(a), at(b)]);
    expect(await run(d)).toBe('a');
    await a.close();
    expect([await run(d), await run(d), await run(d)]).toEqual(['b', 'b', 'b']);
  });

  test('with every server down the submit fails, naming each one', async () => {
    const ports = [await downPort(), await downPort()];
    const err = await client(ports.map(at))
      .submit({ function: 'where' })
      .catch((e: unknown) => e);
    expect(isGearspecError(err) && err.code).toBe(ERROR_CODES.CONNECT_FAILED);
    for (const p of ports) expect(String(err)).toContain(`127.0.0.1:${p}`);
  });

  test('GET_STATUS goes to the server that gave out the handle', async () => {
    const [a, b] = [await server(), await server()];
    const c = client([at(a), at(b)]);
    const jobs = [await c.submit({ function: 'nobody', background: true }), await c.submit({ function: 'nobody', background: true })];
    for (const j of jobs) expect((await c.getStatus(j.handle)).known).toBe(true);
  });
});

describe('MultiServerWorker', () => {
  const workerOn = async (servers: readonly ServerAddress[], onStopped: () => void = () => undefined): Promise<{ w: MultiServerWorker; connected: string[] }> => {
    const connected: string[] = [];
    const w = await MultiServerWorker.connect(servers, {
      timeoutMs: 10_000,
      backoff: { initialMs: 20, maxMs: 200 },
      onNotice: (n, s) => n.kind === 'connected' && connected.push(s),
      onStopped,
    });
    cleanup.push(() => w.close());
    w.register('where', (job) => `done:${job.data.toString()}`);
    w.work();
    return { w, connected };
  };
  const onOne = async (s: ReferenceServer, data: string): Promise<string> => {
    const c = client([at(s)]);
    return (await (await c.submit({ function: 'where', data })).result()).data.toString();
  };

  test('takes jobs from every server it is given', async () => {
    const [a, b] = [await server(), await server()];
    await workerOn([at(a), at(b)]);
    expect([await onOne(a, 'on a'), await onOne(b, 'on b')]).toEqual(['done:on a', 'done:on b']);
  });

  test('starts with one server down, works on the other, and serves the first once it is up', async () => {
    const b = await server();
    const port = await downPort();
    const { connected } = await workerOn([at(port), at(b)]);
    expect(await onOne(b, 'meanwhile')).toBe('done:meanwhile');
    const a = await server(port);
    // The positive signal: the worker's own connect notice for the late server.
    for (let i = 0; i < 200 && !connected.includes(a.address); i++) await new Promise((r) => setTimeout(r, 25));
    expect(connected).toContain(a.address);
    expect(await onOne(a, 'late')).toBe('done:late');
  });

  test('a server going down leaves the worker working on the others', async () => {
    const [a, b] = [await server(), await server()];
    let stopped = false;
    await workerOn([at(a), at(b)], () => (stopped = true));
    await a.close();
    expect(await onOne(b, 'after')).toBe('done:after');
    expect(stopped).toBe(false);
  });

  test('every server refusing fails the connect', async () => {
    const err = await MultiServerWorker.connect([at(await downPort()), at(await downPort())], { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(isGearspecError(err) && err.code).toBe(ERROR_CODES.CONNECT_FAILED);
  });
});
