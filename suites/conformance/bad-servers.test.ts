/**
 * A server that accepts connections and never answers, one that closes every connection at once,
 * and an address where nothing listens each get a full report in bounded time (cases × timeout),
 * never a hang, and nothing is blamed on the harness.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBudgetMs } from '../../src/runner/run-case.js';
import { runSuite } from '../../src/runner/run-suite.js';
import { pickFreePort as freePort } from '../../src/peers/ports.js';
import { CATALOGUE } from './catalogue.js';

const TIMEOUT = 150;
const JOBS = 4;

function listen(onConn: (s: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer(onConn);
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

describe('conformance - misbehaving servers get a bounded, complete report', () => {
  const sockets = new Set<net.Socket>();
  let silent: net.Server;
  let closer: net.Server;
  beforeAll(async () => {
    silent = await listen((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
      s.resume(); // read and discard everything, answer nothing
    });
    closer = await listen((s) => {
      s.on('error', () => undefined);
      s.destroy();
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
    await new Promise((r) => closer.close(r));
  });

  const bound = CATALOGUE.reduce((n, c) => n + caseBudgetMs(c, TIMEOUT), 0) / JOBS + 5000;

  for (const [label, port] of [
    ['never answers', () => portOf(silent)],
    ['closes at once', () => portOf(closer)],
    ['nothing listening', async () => freePort()],
  ] as const) {
    it(`${label}: every case concludes within the bound, none is a harness error`, async () => {
      const started = Date.now();
      const run = await runSuite({ target: { name: label, host: '127.0.0.1', port: await port() }, cases: CATALOGUE, timeoutMs: TIMEOUT, concurrency: JOBS });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(bound);
      expect(run.results).toHaveLength(CATALOGUE.length);
      expect(run.results.filter((r) => r.outcome === 'harness-error').map((r) => `${r.id}: ${r.detail}`)).toEqual([]);
      const failed = run.results.filter((r) => r.outcome === 'fail');
      for (const f of failed) expect(f.expected?.length ?? 0).toBeGreaterThan(0);
      if (label !== 'nothing listening') {
        // Cases that only watch for silence may pass against a silent server; most must fail.
        expect(failed.length).toBeGreaterThan(CATALOGUE.length * 0.6);
        return;
      }
      // Nobody there: the cases in flight when that was noticed fail, the first saying so, and
      // every later case is blocked (not run), naming the case after which the server was gone.
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.length).toBeLessThanOrEqual(JOBS);
      expect(failed.some((r) => r.detail.startsWith('server stopped answering'))).toBe(true);
      const blocked = run.results.filter((r) => r.outcome === 'blocked');
      expect(run.results.filter((r) => r.outcome !== 'fail' && r.outcome !== 'blocked').map((r) => `${r.id}: ${r.outcome}`)).toEqual([]);
      expect(blocked.length).toBeGreaterThan(CATALOGUE.length * 0.6);
      const culprits = new Set(failed.map((r) => `case ${r.id}`));
      for (const b of blocked) expect(culprits.has(b.detail.replace('not run: the server stopped accepting connections after ', ''))).toBe(true);
    }, 300_000);
  }
});
