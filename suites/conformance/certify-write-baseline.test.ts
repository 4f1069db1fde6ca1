/**
 * gearspec certify --write-baseline FILE: the run's failures become a committed-style baseline
 * that readBaseline accepts, the run exits as if it applied, re-running with --baseline FILE
 * exits 0, and reasons a maintainer edited survive a rewrite.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifyCommand } from '../../src/cli/commands/certify.js';
import { readBaseline } from '../../src/runner/baseline.js';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index.js';
import { runCli } from '../cli-run.js';
import { CATALOGUE } from './catalogue.js';
import { DECLARATIONS } from '../declarations.js';

/** The command as bin/gearspec.js builds it, over the committed declarations. */
const command = certifyCommand(DECLARATIONS);

const certify = (...argv: string[]) => runCli(command, [...argv, '--timeout', '500', '--no-reports']);
/** Both fail on a server that corrupts WORK_COMPLETE data. */
const FAILING = ['binary/forwarding/work-complete', 'binary/forwarding/work-complete-empty'];

describe('gearspec certify --write-baseline', () => {
  let dir: string;
  let broken: ReferenceServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gearspec-write-baseline-'));
    broken = await startReferenceServer({ host: '127.0.0.1', port: 0, faults: ['corrupt-result'] });
  });
  afterAll(async () => {
    await broken?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every failing case, exits 0 as if it applied, and a re-run with --baseline FILE exits 0', async () => {
    const file = join(dir, 'broken.json');
    const r = await certify('--server', broken.address, '--cases', 'binary/forwarding/work-complete*', '--cases', 'binary/echo/empty', '--write-baseline', file);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain(`baseline written: ${file} (2 entries)`);
    expect(r.out).toContain('2 baselined');
    const bl = readBaseline(file, CATALOGUE);
    expect(bl.server).toBe(broken.address);
    expect(bl.entries.map((e) => e.case)).toEqual(FAILING);
    for (const e of bl.entries) {
      expect(e.source).toMatch(new RegExp(`^observed: gearspec certify on \\d{4}-\\d\\d-\\d\\d against ${broken.address.replace(/\./g, '\\.')}$`));
      expect(e.reason).toMatch(/^expected /);
      expect(e.reason.length).toBeLessThanOrEqual(300);
      expect(e.reason).not.toContain('\n');
    }
    const again = await certify('--server', broken.address, '--cases', 'binary/forwarding/work-complete*', '--baseline', file);
    expect(again.code, again.out + again.err).toBe(0);
  });

  it('keeps the reason and source of entries from --baseline that still fail, and entries of cases not run', async () => {
    const old = join(dir, 'old.json');
    writeFileSync(
      old,
      JSON.stringify({
        format: 'gearspec-baseline/1',
        server: 'curated name',
        entries: [
          { case: FAILING[0], reason: 'edited by a maintainer', source: 'spec §4.10' },
          { case: 'binary/echo/empty', reason: 'stale: passes now', source: 'x' },
          { case: 'binary/priorities/high-before-normal', reason: 'not run here', source: 'y' },
        ],
      }),
    );
    const file = join(dir, 'new.json');
    const r = await certify('--server', broken.address, '--cases', 'binary/forwarding/work-complete*', '--cases', 'binary/echo/empty', '--baseline', old, '--write-baseline', file);
    // The stale entry of the old baseline is dropped, so nothing is stale against the new one.
    expect(r.code, r.out + r.err).toBe(0);
    const bl = readBaseline(file, CATALOGUE);
    expect(bl.server).toBe('curated name');
    expect(bl.entries.map((e) => [e.case, e.reason])).toEqual([
      [FAILING[0], 'edited by a maintainer'],
      [FAILING[1], expect.stringMatching(/^expected /)],
      ['binary/priorities/high-before-normal', 'not run here'],
    ]);
    expect(bl.entries[0]!.source).toBe('spec §4.10');
  });

  it('a passing run writes an empty baseline', async () => {
    const file = join(dir, 'empty.json');
    const r = await certify('--cases', 'binary/echo/empty', '--write-baseline', file);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ format: 'gearspec-baseline/1', server: 'reference', entries: [] });
  });

  it('several servers are a usage error (exit 2)', async () => {
    const r = await certify('--server', broken.address, '--reference', '--cases', 'binary/echo/empty', '--write-baseline', join(dir, 'two.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--write-baseline needs exactly one server or library to certify, got 2/);
  });
});
