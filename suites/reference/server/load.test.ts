/** Load smoke tests: pipelined echo jobs flow, many connections are served, memory stays bounded. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T } from '../../../src/protocol/constants.js';
import { req } from '../../../src/protocol/packet.js';
import type { GearmanConnection } from '../../../src/transport/connection.js';
import { LoadGenerator } from '../../../bench/lib/load-generator.js';
import { type Harness, WAIT_MS, args, grab, startHarness, submit, worker } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('load', () => {
  it('keeps 128 foreground echo jobs in flight through 4 workers without errors or stalls', async () => {
    // Client, workers and server share this one process (and a busy 2-core machine): the bar is
    // "jobs keep flowing", not a speed claim; `npm run bench` (the same load generator against a
    // separate server process) measures speed.
    const gen = new LoadGenerator({ host: h.server.host, port: h.server.port, clients: 4, inFlight: 32, workers: 4, payloadBytes: 64, functionName: 'load_echo', connectTimeoutMs: WAIT_MS });
    try {
      await gen.start();
      const r = await gen.measure(1000);
      expect(r.completed).toBeGreaterThan(200);
      expect(r.errors).toEqual([]);
      expect(r.mismatches).toBe(0);
    } finally {
      gen.stop();
    }
    // The bench closed its sockets mid-flight: no worker holds anything, and what was queued is
    // orphaned (its clients left), counted until a worker would take it, as on gearmand.
    const admin = await h.connect();
    let row: string | undefined;
    const deadline = Date.now() + 10_000;
    do {
      row = (await admin.admin('status', WAIT_MS)).find((l) => l.startsWith('load_echo\t'));
      if (row && /^load_echo\t\d+\t0\t0$/.test(row)) break;
      await new Promise((r2) => setTimeout(r2, 50));
    } while (Date.now() < deadline);
    expect(row).toMatch(/^load_echo\t\d+\t0\t0$/);
    expect(Number(row!.split('\t')[1])).toBeLessThanOrEqual(128);
    const w = await worker(h, 'load_echo');
    expect((await grab(w)).type).toBe(T.NO_JOB); // every orphan dropped on the way
    expect((await admin.admin('status', WAIT_MS)).find((l) => l.startsWith('load_echo\t'))).toBe('load_echo\t0\t0\t1');
    w.close();
    admin.close();
  });

  it('serves 200 concurrent clients, each getting its own result', async () => {
    const w = await worker(h, 'load_many');
    const clients: GearmanConnection[] = [];
    try {
      for (let i = 0; i < 200; i++) clients.push(await h.connect());
      const handles = await Promise.all(clients.map((c, i) => submit(c, 'load_many', `job-${i}`)));
      expect(new Set(handles).size).toBe(200);
      for (let i = 0; i < 200; i++) {
        const a = await grab(w);
        w.send(req(T.WORK_COMPLETE, args(a)[0]!, `done:${args(a)[2]}`));
      }
      const results = await Promise.all(clients.map((c) => c.expect([T.WORK_COMPLETE], 20_000)));
      results.forEach((p, i) => {
        expect(args(p)).toEqual([handles[i], `done:job-${i}`]);
      });
    } finally {
      for (const c of clients) c.close();
      w.close();
    }
  });

  it('holds 10,000 queued background jobs with bounded memory, then drains them in order', async () => {
    const before = process.memoryUsage().heapUsed;
    const c = await h.connect();
    const payload = 'x'.repeat(100);
    for (let i = 0; i < 10_000; i++) c.send(req(T.SUBMIT_JOB_BG, 'load_queue', '', `${i}:${payload}`));
    for (let i = 0; i < 10_000; i++) await c.expect([T.JOB_CREATED], 20_000);
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(100 * 1024 * 1024); // ~10k jobs of ~100 bytes: well under 5 KiB each
    const w = await worker(h, 'load_queue');
    for (let i = 0; i < 10_000; i += 1000) {
      w.send(req(T.GRAB_JOB));
      const a = await w.expect([T.JOB_ASSIGN], 20_000);
      expect(args(a)[2]!.split(':')[0]).toBe(String(i));
      for (let k = 1; k < 1000; k++) w.send(req(T.GRAB_JOB));
      for (let k = 1; k < 1000; k++) await w.expect([T.JOB_ASSIGN], 20_000);
    }
    expect((await grab(w)).type).toBe(T.NO_JOB);
    c.close();
    w.close();
  });
});
