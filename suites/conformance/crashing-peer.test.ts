/**
 * A server that crashes under one case: the crash is reported on that case ("the server exited
 * during this case"), the server is restarted, and every later case runs against a live server,
 * with the same failures whatever the order and concurrency.
 *
 * The crashing peer is a real process: a small Node TCP proxy in front of an in-process reference
 * server that exits with code 1 (after a log.Fatal-like line) on the first packet of a trigger
 * type, like appscode/g2's gearmand on a CAN_DO_TIMEOUT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickFreePort } from '../../src/peers/ports.js';
import { type ProcessHandle, runProcess } from '../../src/peers/process.js';
import { acceptsConnections, isAlive } from '../../src/peers/test-helpers.js';
import { T } from '../../src/protocol/constants.js';
import { isPassing } from '../../src/runner/outcome.js';
import type { CaseResult } from '../../src/runner/result.js';
import { runSuite } from '../../src/runner/run-suite.js';
import { restartable, type StartedTarget } from '../../src/runner/targets.js';
import { type ReferenceServer, startReferenceServer } from '../../src/server/index.js';
import { sleep } from '../../src/peers/wait.js';
import { CATALOGUE } from './catalogue.js';

/** argv: listen port, backend port, trigger packet type. Parses the client→server stream per connection. */
const PROXY = `
const net = require('node:net');
const [port, backend, trigger] = process.argv.slice(1).map(Number);
net.createServer((client) => {
  const upstream = net.connect({ host: '127.0.0.1', port: backend });
  let buf = Buffer.alloc(0);
  client.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length === 0) break;
      if (buf[0] !== 0) { const nl = buf.indexOf(10); if (nl < 0) break; buf = buf.subarray(nl + 1); continue; }
      if (buf.length < 12) break;
      if (buf.readUInt32BE(4) === trigger) {
        process.stderr.write('fatal: cannot parse timeout in packet type ' + trigger + '\\n');
        process.exit(1);
      }
      const size = 12 + buf.readUInt32BE(8);
      if (buf.length < size) break;
      buf = buf.subarray(size);
    }
    upstream.write(chunk);
  });
  upstream.on('data', (d) => client.write(d));
  const end = () => { client.destroy(); upstream.destroy(); };
  client.on('error', end); client.on('close', end); upstream.on('error', end); upstream.on('close', end);
}).listen(port, '127.0.0.1', () => process.stdout.write('listening on ' + port + '\\n'));
`;

let backend: ReferenceServer;
const handles: ProcessHandle[] = [];

beforeAll(async () => {
  backend = await startReferenceServer({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await Promise.all(handles.map((h) => h.stop()));
  await backend?.close();
});

/** A started target over the crashing proxy; every start is a fresh process. */
function crashingPeer(trigger: number): Promise<StartedTarget> {
  return restartable('crashy', async () => {
    const port = await pickFreePort();
    const h = await runProcess({
      name: 'crashy',
      command: process.execPath,
      args: ['-e', PROXY, String(port), String(backend.port), String(trigger)],
      startupTimeoutMs: 5000,
      ready: async ({ signal }) => {
        while (!signal.aborted && !(await acceptsConnections(port, '127.0.0.1', 200))) await sleep(20, signal);
      },
    });
    handles.push(h);
    return { host: '127.0.0.1', port, exited: h.exited, stop: async () => void (await h.stop()), logs: () => h.logs() };
  });
}

const KILLER = 'binary/can-do-timeout/registers-function';
const pick = (ids: readonly string[]) => ids.map((id) => CATALOGUE.find((c) => c.id === id) ?? expect.unreachable(`no case ${id}`));
const ECHO = CATALOGUE.filter((c) => c.id.startsWith('binary/echo/')).map((c) => c.id);
const CASES = pick([...ECHO.slice(0, 4), KILLER, 'binary/submit/handles-distinct', ...ECHO.slice(4), 'binary/submit/handle-shape']);

async function certifyCrashing(concurrency: number, trigger: number = T.CAN_DO_TIMEOUT, maxRestarts?: number) {
  const before = handles.length;
  const server = await crashingPeer(trigger);
  const restarts: string[] = [];
  try {
    const run = await runSuite({
      target: server.target,
      server,
      cases: CASES,
      timeoutMs: 500,
      concurrency,
      ...(maxRestarts !== undefined && { maxRestarts }),
      onRestart: (n, how) => restarts.push(`${n}: ${how}`),
    });
    return { run, restarts, starts: handles.length - before };
  } finally {
    await server.stop();
  }
}

const verdicts = (results: readonly CaseResult[]) => results.map((r) => `${r.id} ${isPassing(r.outcome) ? 'ok' : r.outcome}`);

describe('a server that crashes under a case', () => {
  it('fails that case with the exit and log tail, restarts the server, and passes every later case', async () => {
    const { run, restarts, starts } = await certifyCrashing(1);
    const killer = run.results.find((r) => r.id === KILLER)!;
    expect(killer.outcome).toBe('fail');
    expect(killer.detail).toMatch(/^the server exited during this case \(exit code 1\); its last output: .*fatal: cannot parse timeout/);
    expect(killer.logs).toContain('fatal: cannot parse timeout');
    expect(run.results.filter((r) => r.id !== KILLER).map((r) => [r.id, isPassing(r.outcome) ? 'ok' : r.detail])).toEqual(run.results.filter((r) => r.id !== KILLER).map((r) => [r.id, 'ok']));
    expect(restarts).toEqual(['1: exit code 1']);
    expect(starts).toBe(2);
  });

  it('gives the same verdicts whatever the concurrency (cases in flight with the crash are re-run alone)', async () => {
    const sequential = await certifyCrashing(1);
    for (const jobs of [3, 8]) {
      const parallel = await certifyCrashing(jobs);
      expect(verdicts(parallel.run.results)).toEqual(verdicts(sequential.run.results));
      expect(parallel.run.results.find((r) => r.id === KILLER)!.detail).toMatch(/^the server exited during this case \(exit code 1\)/);
    }
  });

  it('stops restarting after maxRestarts: the remaining cases fail without running', async () => {
    // Every ECHO_REQ kills this one, so every echo case crashes it.
    const { run, restarts } = await certifyCrashing(1, T.ECHO_REQ, 2);
    expect(restarts).toHaveLength(2);
    const details = run.results.filter((r) => r.id.startsWith('binary/echo/')).map((r) => r.detail.replace(/ \(exit code 1\).*/, ''));
    expect(details.slice(0, 3)).toEqual(Array(3).fill('the server exited during this case'));
    expect(details.slice(3)).toEqual(Array(ECHO.length - 3).fill('server crashed 3 times; not restarted again'));
  });

  it('an address target is not restarted: the case that killed it says so once, every later case is blocked', async () => {
    const server = await crashingPeer(T.CAN_DO_TIMEOUT);
    try {
      const run = await runSuite({ target: server.target, cases: CASES, timeoutMs: 500 });
      const failed = run.results.filter((r) => !isPassing(r.outcome));
      expect(failed[0]!.id).toBe(KILLER);
      expect(failed[0]!.outcome).toBe('fail');
      expect(failed[0]!.detail).toMatch(/^server stopped answering \(127\.0\.0\.1:\d+ refuses or drops connections\)/);
      expect(failed.slice(1).map((r) => [r.id, r.outcome, r.detail])).toEqual(CASES.slice(5).map((c) => [c.id, 'blocked', `not run: the server stopped accepting connections after case ${KILLER}`]));
    } finally {
      await server.stop();
    }
  });
});

describe('a server that crashes under the feature probe', () => {
  const GRAB_ALL = 'binary/grab/all-plain-job';
  const PROBED = pick([...ECHO.slice(0, 2), GRAB_ALL, 'binary/submit/handle-shape']);

  it('at an address: one failure at the probe step, with its traffic; every case blocked, none failed', async () => {
    const server = await crashingPeer(T.GRAB_JOB_ALL);
    try {
      const run = await runSuite({ target: server.target, cases: PROBED, timeoutMs: 500 });
      const [death, ...cases] = run.results;
      expect(death!.id).toBe('probe/GRAB_JOB_ALL');
      expect(death!.outcome).toBe('fail');
      expect(death!.detail).toMatch(/after the feature probe sent GRAB_JOB_ALL \(39\); the cases after it could not run \(blocked\)$/);
      expect(death!.wire.some((e) => e.dir === 'send' && /GRAB_JOB_ALL/.test(e.summary ?? ''))).toBe(true);
      expect(cases.map((r) => [r.id, r.outcome])).toEqual(PROBED.map((c) => [c.id, 'blocked']));
      expect(run.probe?.map((p) => p.feature)).toEqual(['echo', 'GRAB_JOB_ALL']);
    } finally {
      await server.stop();
    }
  });

  it('started by gearspec: the probe step is the failure, the server is restarted, and the cases run', async () => {
    const { run, restarts } = await (async () => {
      const server = await crashingPeer(T.GRAB_JOB_ALL);
      const log: string[] = [];
      try {
        return { run: await runSuite({ target: server.target, server, cases: PROBED, timeoutMs: 500, onRestart: (n, how) => log.push(`${n}: ${how}`) }), restarts: log };
      } finally {
        await server.stop();
      }
    })();
    expect(run.results[0]!.id).toBe('probe/GRAB_JOB_ALL');
    expect(run.results[0]!.detail).toMatch(/it was restarted for the cases$/);
    expect(restarts[0]).toBe('1: exit code 1');
    // The echo cases pass on the restarted server; the GRAB_JOB_ALL case crashes it again and says so.
    const verdict = Object.fromEntries(run.results.slice(1).map((r) => [r.id, isPassing(r.outcome) ? 'ok' : r.detail]));
    for (const id of ECHO.slice(0, 2)) expect(verdict[id]).toBe('ok');
    expect(verdict[GRAB_ALL]).not.toBe('ok');
  });

  it('leaves no process behind', async () => {
    expect(handles.length).toBeGreaterThan(0);
    await Promise.all(handles.map((h) => h.stop()));
    expect(handles.filter((h) => isAlive(h.pid)).map((h) => h.pid)).toEqual([]);
  });
});
