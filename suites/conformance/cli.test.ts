/**
 * gearspec certify end to end, in-process: exit codes 0/1/2, --list, --dry-run, --baseline stale
 * detection and validation, bad flags, and the report files.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifyCommand } from '../../src/cli/commands/certify.js';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index.js';
import { runCli } from '../cli-run.js';
import { DECLARATIONS } from '../declarations.js';

/** The command as bin/gearspec.js builds it, over the committed declarations. */
const command = certifyCommand(DECLARATIONS);

const certify = (...argv: string[]) => runCli(command, argv);

describe('gearspec certify (CLI)', () => {
  let dir: string;
  let good: ReferenceServer;
  let broken: ReferenceServer;
  const baseline = (entries: { case: string }[]) => {
    const p = join(dir, `bl-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(p, JSON.stringify({ format: 'gearspec-baseline/1', server: 'test', entries: entries.map((e) => ({ ...e, reason: 'test reason', source: 'test' })) }));
    return p;
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gearspec-certify-'));
    good = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    broken = await startReferenceServer({ host: '127.0.0.1', port: 0, faults: ['corrupt-result'] });
  });
  afterAll(async () => {
    await good?.close();
    await broken?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--list prints every case with its requirement and outcomes, exit 0', async () => {
    const r = await certify('--list');
    expect(r.code).toBe(0);
    expect(r.out).toContain('binary/echo/size-1mib');
    expect(r.out).toContain('alternative exception-terminal=terminal');
    expect(r.out).toContain('harness-error');
  });

  it('--dry-run shows the plan and the peer baseline without connecting, exit 0', async () => {
    const r = await certify('--dry-run', '--peer', 'gearmand', '--cases', 'binary/echo');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/would run 8 cases/);
    expect(r.out).toContain('gearmand-1.1.20.json');
  });

  it('--cases matches whole id segments; a trailing * makes it a plain prefix', async () => {
    const whole = await certify('--dry-run', '--cases', 'binary/forwarding/work-complete');
    expect(whole.code).toBe(0);
    expect(whole.out).toMatch(/would run 1 cases?/);
    const star = await certify('--dry-run', '--cases', 'binary/forwarding/work-complete*');
    expect(star.out).toMatch(/would run 2 cases/);
    const excluded = await certify('--dry-run', '--cases', 'binary/forwarding/work-complete*', '--exclude', 'binary/forwarding/work-complete');
    expect(excluded.out).toMatch(/would run 1 cases?/);
  });

  it('a server nobody runs is one line and exit 2, not a page of failures', async () => {
    const closed = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    const address = closed.address;
    await closed.close();
    const r = await certify('--server', address, '--timeout', '500', '--no-reports');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^gearspec certify: cannot reach ${address.replace(/\./g, '\\.')}: connection refused`));
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });

  it('an empty selection is a usage error (exit 2), not a pass', async () => {
    const r = await certify('--cases', 'binary/echo', '--exclude', 'binary/echo', '--no-reports');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the selection is empty/);
    // --exclude alone can empty it too (the whole catalogue excluded).
    const all = await certify('--server', `127.0.0.1:${good.port}`, '--exclude', 'binary', '--exclude', 'admin', '--no-reports');
    expect(all.code).toBe(2);
    expect(all.err).toMatch(/the selection is empty/);
    expect(all.out).toBe('');
  });

  it('exit 0 when every selected case passes (embedded reference server by default)', async () => {
    const r = await certify('--cases', 'binary/echo', '--timeout', '1000');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/== reference/);
  });

  it('exit 1 on a failure, with Expected vs Actual and the requirement; reports written', async () => {
    const junit = join(dir, 'junit.xml');
    const json = join(dir, 'json');
    const html = join(dir, 'report.html');
    const r = await certify('--server', `127.0.0.1:${broken.port}`, '--cases', 'binary/forwarding/work-complete', '--timeout', '500', '--junit', junit, '--json', json, '--html', html);
    expect(r.code).toBe(1);
    expect(r.out).toContain('× binary/forwarding/work-complete');
    expect(r.out).toContain('Expected:');
    expect(readFileSync(junit, 'utf8')).toMatch(/<failure [^>]*type="fail"/);
    const index = JSON.parse(readFileSync(join(json, 'index.json'), 'utf8')) as { servers: Record<string, { cases: Record<string, { outcome: string }> }> };
    expect(Object.values(index.servers)[0]!.cases['binary/forwarding/work-complete']!.outcome).toBe('fail');
    expect(readFileSync(html, 'utf8')).toContain('<table class="matrix">');
  });

  it('a baselined failure exits 0; the same baseline on a passing server is stale → exit 1', async () => {
    const bl = baseline([{ case: 'binary/forwarding/work-complete-empty' }]);
    const onBroken = await certify('--server', `127.0.0.1:${broken.port}`, '--cases', 'binary/forwarding/work-complete-empty', '--timeout', '500', '--baseline', bl);
    expect(onBroken.code).toBe(0);
    expect(onBroken.out).toContain('1 baselined');
    const onGood = await certify('--server', `127.0.0.1:${good.port}`, '--cases', 'binary/forwarding/work-complete-empty', '--timeout', '500', '--baseline', bl);
    expect(onGood.code).toBe(1);
    expect(onGood.out).toContain('STALE BASELINE');
  });

  it('several --server flags give one comparison matrix', async () => {
    const r = await certify('--server', `127.0.0.1:${good.port}`, '--server', `127.0.0.1:${broken.port}`, '--cases', 'binary/forwarding/work-complete*', '--timeout', '500');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/comparison: 2 cases differ/);
  });

  it.each([
    [['--bogus'], /unknown option --bogus/],
    [['--timeout'], /--timeout needs a value/],
    [['--timeout', '5'], /--timeout must be between/],
    [['--peer', 'nosuch'], /--peer: unknown server "nosuch"; one of gearmand, /],
    [['--server', 'nonsense'], /--server expects host:port/],
    [['--cases', 'no/such/prefix'], /no case id matches/],
    [['--cases', 'binary/forward'], /no case id matches/],
    [['stray'], /unexpected argument/],
  ])('usage error %j → exit 2', async (argv, message) => {
    const r = await certify(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('a baseline naming an unknown case id is a usage error → exit 2', async () => {
    const r = await certify('--cases', 'binary/echo/empty', '--baseline', baseline([{ case: 'binary/no-such-case' }]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown case id "binary\/no-such-case"/);
  });

  it('a malformed baseline file is a usage error → exit 2', async () => {
    const p = join(dir, 'bad.json');
    writeFileSync(p, '{ not json');
    const r = await certify('--baseline', p);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not JSON/);
  });
});
