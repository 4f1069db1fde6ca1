/**
 * Cases that restart the server (spec §4.17, CaseDef.restartsServer): they run alone after the
 * others; their restart is no crash; the first one that finds no queue spares the rest a restart;
 * "nothing came back" after an earlier restart showed a queue is a loss; a restart that fails is
 * the case's failure, and the next case gets a fresh instance with an empty queue.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../server/index.js';
import { type CaseDef, type CaseVerdict, KEEPS_NO_QUEUE, pass } from './case-def.js';
import type { CaseContext } from './context.js';
import { runSuite } from './run-suite.js';
import { restartable, type ServerInstance, type StartedTarget } from './targets.js';

const started: StartedTarget[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

/**
 * Starts of an embedded reference server that never reuse a port an earlier start of this factory
 * had: the kernel may hand a just-freed ephemeral port out again, and the first test must see the
 * server move to a new address to show that the target follows it.
 */
function freshPortReference(): () => Promise<ServerInstance> {
  const used = new Set<number>();
  return async () => {
    for (let attempt = 1; ; attempt++) {
      const s = await startReferenceServer({ host: '127.0.0.1', port: 0 });
      if (!used.has(s.port) || attempt >= 20) {
        used.add(s.port);
        return { host: s.host, port: s.port, exited: s.closed.then(() => ({ code: null, signal: null })), stop: () => s.close(), logs: () => '' };
      }
      await s.close();
    }
  };
}

async function reference(): Promise<StartedTarget> {
  const s = await restartable('reference', freshPortReference());
  started.push(s);
  return s;
}

const base = { section: '4.17', requirement: 'r', description: 'd', level: 'MUST' as const };
const outcomes = [
  { outcome: 'pass', when: 'p' },
  { outcome: 'unsupported', when: 'u' },
] as const;

function restartCase(id: string, run: (ctx: CaseContext) => Promise<CaseVerdict>): CaseDef {
  return { ...base, id, outcomes, restartsServer: true, run };
}

const noQueue = async (ctx: CaseContext): Promise<CaseVerdict> => {
  await ctx.restartServer!();
  return { outcome: 'unsupported', detail: `${KEEPS_NO_QUEUE}: none came back` };
};

describe('cases that restart the server', () => {
  it('run after every other case, restart without being charged a crash, and find the server on its new address', async () => {
    const server = await reference();
    const events: string[] = [];
    const firstPort = server.target.port;
    let portAfter = 0;
    const slow: CaseDef = {
      ...base,
      id: 'x/slow',
      outcomes: [{ outcome: 'pass', when: 'p' }],
      async run(ctx) {
        events.push('slow start');
        await ctx.sleep(150);
        events.push('slow end');
        return pass();
      },
    };
    const restarting = restartCase('x/restart', async (ctx) => {
      events.push('restart start');
      await ctx.restartServer!();
      portAfter = ctx.target.port;
      const p = await ctx.connect('after');
      await p.expectAlive();
      return pass();
    });
    // Listed first, with room for both in flight: it still waits for the slow one.
    const run = await runSuite({ target: server.target, server, cases: [restarting, slow], timeoutMs: 1000, concurrency: 2 });
    expect(events).toEqual(['slow start', 'slow end', 'restart start']);
    expect(run.results.map((r) => [r.id, r.outcome])).toEqual([
      ['x/restart', 'pass'],
      ['x/slow', 'pass'],
    ]);
    expect(portAfter).not.toBe(firstPort);
    expect(server.target.port).toBe(portAfter);
  });

  it('stop restarting once one found no queue, and are unsupported without a way to restart', async () => {
    const server = await reference();
    let second = 0;
    const cases = [
      restartCase('x/first', noQueue),
      restartCase('x/second', async () => {
        second++;
        return pass();
      }),
    ];
    const run = await runSuite({ target: server.target, server, cases, timeoutMs: 1000 });
    expect(run.results.map((r) => r.outcome)).toEqual(['unsupported', 'unsupported']);
    expect(run.results[1]!.detail).toMatch(/x\/first found it\); not restarted again/);
    expect(second).toBe(0);
    // Someone else's server, no --restart-cmd: not run at all.
    const address = { name: 'elsewhere', host: server.target.host, port: server.target.port };
    const without = await runSuite({ target: address, cases: [restartCase('x/third', async () => pass())], timeoutMs: 1000 });
    expect(without.results[0]).toMatchObject({ outcome: 'unsupported', detail: expect.stringMatching(/no way to restart/) });
  });

  it('grade "nothing came back" as a loss once an earlier restart showed a queue', async () => {
    const server = await reference();
    const keeps = restartCase('x/keeps', async (ctx) => {
      await ctx.restartServer!();
      return pass();
    });
    const run = await runSuite({ target: server.target, server, cases: [keeps, restartCase('x/loses', noQueue)], timeoutMs: 1000 });
    expect(run.results[1]).toMatchObject({ outcome: 'fail', detail: expect.stringMatching(/none came back, although x\/keeps showed that the server keeps its queue/) });
  });

  it('fail the case whose restart does not come up, and give the next case a fresh instance with an empty queue', async () => {
    const emptied: boolean[] = [];
    let starts = 0;
    const fresh = freshPortReference();
    const start = async (): Promise<ServerInstance> => {
      starts++;
      // The second start (the first case's restart) fails, like gearmand refusing its queue.
      if (starts === 2) throw new Error('exited with code 1 before it was ready: failed to reload queue');
      return fresh();
    };
    const store = { kind: 'libsqlite3' as const, logs: () => '', close: async () => undefined, reset: async () => void emptied.push(true) };
    const server = await restartable('flaky', start, store);
    started.push(server);
    const restartThenPass = async (ctx: CaseContext): Promise<CaseVerdict> => {
      await ctx.restartServer!();
      return pass();
    };
    const run = await runSuite({ target: server.target, server, cases: [restartCase('x/poisons', restartThenPass), restartCase('x/after', restartThenPass)], timeoutMs: 1000 });
    expect(run.results[0]).toMatchObject({ outcome: 'fail', detail: expect.stringMatching(/the server starts again after the restart; actual it did not: .*failed to reload queue/) });
    expect(run.results[1]!.outcome).toBe('pass');
    // One reset: the fresh instance before x/after; x/after's own restart keeps the queue.
    expect(emptied).toEqual([true]);
    expect(starts).toBe(4);
  });
});
