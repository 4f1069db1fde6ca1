/**
 * `gearspec interop` end to end with the in-process reference driver (no toolchain needed): a
 * healthy running server passes, a server with an injected fault fails with the cell named, an
 * unreachable one is a harness error, and bad flags are usage errors; external drivers join the
 * matrix (`--client-cmd`/`--worker-cmd`), and one whose library sends a malformed packet is caught
 * by the request-side check; a user's expectations file declares their server's differences.
 * Reports land in a temp dir.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interopCommand } from '../../src/cli/commands/interop.js';
import { repoRoot } from '../../src/peers/repo-paths.js';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index.js';
import { runCli } from '../cli-run.js';
import { DECLARATIONS } from '../declarations.js';

/** The command as bin/gearspec.js builds it, over the committed declarations. */
const command = interopCommand(DECLARATIONS.interop);

const interop = (...argv: string[]) => runCli(command, argv);
/** As the gearspec process runs it: a thrown usage error is one stderr line and exit 2. */
const interopMain = (...argv: string[]) => runCli(command, argv, { asMain: true });
const referenceMain = join(repoRoot(), 'dist', 'src', 'peers', 'drivers', 'reference', 'main.js');

describe('gearspec interop (CLI)', () => {
  let dir: string;
  let good: ReferenceServer;
  let broken: ReferenceServer;
  const only = ['--clients', 'reference', '--workers', 'reference'];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gearspec-interop-cli-'));
    good = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    broken = await startReferenceServer({ host: '127.0.0.1', port: 0, faults: ['corrupt-result'] });
  });
  afterAll(async () => {
    await good.close();
    await broken.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes a healthy running server and writes the report under its address', async () => {
    const out = join(dir, 'good');
    const r = await interop('--server', good.address, ...only, '--scenarios', 'foreground,payload-binary,work-fail', '--out', out);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`${good.address} (`);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { servers: { name: string; cells: unknown[] }[]; totals: { scenarios: Record<string, number> } };
    expect(index.servers.map((s) => s.name)).toEqual([good.address]);
    expect(index.totals.scenarios.pass).toBe(3);
  }, 60_000);

  it('fails a server that corrupts results, naming the cell and scenario', async () => {
    const r = await interop('--server', broken.address, ...only, '--scenarios', 'foreground', '--out', join(dir, 'broken'));
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/reference client × reference worker \/ foreground: fail/);
  }, 60_000);

  it('a server it cannot reach is one line on stderr and exit 2, before anything runs', async () => {
    const closed = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    const address = closed.address;
    await closed.close();
    const r = await interop('--server', address, ...only, '--scenarios', 'foreground', '--out', join(dir, 'closed'));
    expect(r.code, r.out).toBe(2);
    expect(r.err).toMatch(new RegExp(`^gearspec interop: cannot reach ${address.replace(/\./g, '\\.')}: connection refused`));
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
    expect(existsSync(join(dir, 'closed'))).toBe(false);
  }, 60_000);

  it('an empty selection is exit 2, not a pass', async () => {
    const r = await interopMain('--server', good.address, '--clients', '', '--workers', 'reference', '--out', join(dir, 'empty'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^gearspec interop: usage: the selection is empty: 0 client\(s\)/);
    expect(existsSync(join(dir, 'empty'))).toBe(false);
  });

  it('runs an external driver in the matrix, and catches its malformed packets', async () => {
    const cmd = (fault?: string) => `${fault ? `env GEARSPEC_WIRE_FAULT=${fault} ` : ''}${process.execPath} ${referenceMain}`;
    const ok = await interop('--server', good.address, '--client-cmd', `mine=${cmd()}`, '--workers', 'reference', '--scenarios', 'foreground', '--out', join(dir, 'ext'));
    expect(ok.code, ok.out).toBe(0);
    const index = JSON.parse(readFileSync(join(dir, 'ext', 'index.json'), 'utf8')) as { servers: { cells: { client: string; worker: string }[] }[] };
    expect(index.servers[0]!.cells.map((c) => `${c.client}/${c.worker}`)).toEqual(['mine/reference']);
    const bad = await interop('--server', good.address, '--clients', 'reference', '--worker-cmd', `extra=${cmd('extra-arg')}`, '--scenarios', 'foreground', '--out', join(dir, 'ext-bad'));
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toMatch(/reference client × extra worker \/ foreground: fail .*\+wire-violation/);
    expect(bad.out).toMatch(/CAN_DO has extra NUL-separated bytes/);
  }, 60_000);

  it('rejects unknown drivers, scenarios and peers with a usage error: one line, exit 2', async () => {
    for (const [argv, message] of [
      [['--clients', 'cobol'], /--clients: unknown "cobol"/],
      [['--scenarios', 'nope'], /--scenarios: unknown "nope"/],
      [['--peer', 'redis'], /--peer: unknown server "redis"/],
      [['--peer', 'gearmand@9.9'], /--peer: unknown server "gearmand@9\.9"; .*NAME@RELEASE/],
      [['--client-cmd', 'a=x', '--client-cmd', 'a=y'], /the name "a" is taken/],
    ] as const) {
      const r = await interopMain(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it("grades a server by the user's expectations file: declared differences pass, one that no longer happens is stale", async () => {
    const file = join(dir, 'mine.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'gearspec-interop-expectations/1',
        server: 'a build that flips result bytes',
        expectations: [{ id: 'mine/flips-result', scenarios: ['foreground'], expect: 'result-changed+client-stuck', kind: 'interop-bug', why: 'flips the first byte', source: 'ticket 42' }],
        races: [{ id: 'mine/binary', scenarios: ['payload-binary'], outcomes: 'corrupted:[a-z,-]+(\\+client-stuck)?', why: 'the same bug', source: 'ticket 42' }],
      }),
    );
    const scenarios = ['--scenarios', 'foreground,payload-binary'];
    const declared = await interop('--server', broken.address, ...only, ...scenarios, '--expectations', file, '--out', join(dir, 'mine'));
    expect(declared.code, declared.out).toBe(0);
    expect(declared.out).toMatch(/0 nominal, 2 declared differences, 0 stale, 0 undeclared/);
    const index = JSON.parse(readFileSync(join(dir, 'mine', 'index.json'), 'utf8')) as { servers: { cells: { file: string }[] }[] };
    const cell = JSON.parse(readFileSync(join(dir, 'mine', index.servers[0]!.cells[0]!.file), 'utf8')) as { scenarios: { id: string; expectation?: { id: string } }[] };
    expect(cell.scenarios.map((s) => [s.id, s.expectation?.id])).toEqual([
      ['foreground', 'mine/flips-result'],
      ['payload-binary', 'mine/binary'],
    ]);
    // On a healthy server the expectation no longer happens: stale, exit 1; the race allows the nominal outcome.
    const healthy = await interop('--server', good.address, ...only, ...scenarios, '--expectations', file, '--out', join(dir, 'mine-good'));
    expect(healthy.code, healthy.out).toBe(1);
    expect(healthy.out).toMatch(/1 nominal, 0 declared differences, 1 stale, 0 undeclared/);
  }, 60_000);

  it('a bad expectations file is one usage line naming the file and entry, exit 2', async () => {
    const write = (name: string, json: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
      return file;
    };
    const entry = { id: 'x', scenarios: ['foreground'], expect: 'failed', kind: 'alternative', why: 'w', source: 's' };
    const format = 'gearspec-interop-expectations/1';
    for (const [file, message] of [
      [write('not-json.json', '{'), /not-json\.json: not JSON/],
      [join(dir, 'absent.json'), /absent\.json: cannot read expectations file: ENOENT/],
      [write('format.json', { expectations: [entry] }), /"format" must be "gearspec-interop-expectations\/1"/],
      [write('scenario.json', { format, expectations: [{ ...entry, scenarios: ['nope'] }] }), /expectations\[0\]: "scenarios": unknown scenario "nope"/],
      [write('driver.json', { format, expectations: [{ ...entry, clients: ['cobol'] }] }), /expectations\[0\]: "clients": unknown driver "cobol"/],
      [write('servers.json', { format, expectations: [{ ...entry, servers: ['gearmand'] }] }), /"servers" is not allowed/],
      [write('typo.json', { format, expectations: [{ ...entry, secnarios: [] }] }), /unknown key "secnarios"/],
      [write('kind.json', { format, expectations: [{ ...entry, kind: 'bug' }] }), /"kind" must be one of alternative, unsupported, interop-bug/],
      [write('why.json', { format, expectations: [{ ...entry, why: ' ' }] }), /"why" must say why/],
      [write('twice.json', { format, expectations: [entry, entry] }), /expectations\[1\]: id "x" is used twice/],
      [write('regex.json', { format, races: [{ id: 'r', scenarios: '*', outcomes: '(', why: 'w', source: 's' }] }), /races\[0\]: "outcomes" is not a regular expression/],
      [write('empty.json', { format }), /declares nothing/],
    ] as const) {
      const r = await interopMain('--server', good.address, ...only, '--expectations', file, '--out', join(dir, 'never'));
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const noServer = await interopMain('--peer', 'reference', '--expectations', join(dir, 'absent.json'));
    expect(noServer.code).toBe(2);
    expect(noServer.err).toMatch(/--expectations describes a server you run: give it with --server/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
