/**
 * gearspec certify --client/--worker end to end, in-process: a healthy library exits 0 with a
 * report per library, an injected wire bug exits 1 naming the case, bad names and commands are
 * usage errors (exit 2), a driver that cannot start is a harness error (exit 2), and --list shows
 * the library catalogue.
 */
import { CLIENT_NAMES } from '../../src/peers/registry/index.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifyCommand } from '../../src/cli/commands/certify.js';
import { repoRoot } from '../../src/peers/repo-paths.js';
import { runCli } from '../cli-run.js';
import { DECLARATIONS } from '../declarations.js';

/** The command as bin/gearspec.js builds it, over the committed declarations. */
const command = certifyCommand(DECLARATIONS);

const certify = (...argv: string[]) => runCli(command, argv);
const referenceMain = join(repoRoot(), 'dist', 'src', 'peers', 'drivers', 'reference', 'main.js');

describe('gearspec certify --client / --worker (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gearspec-libcert-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('certifies the reference client and worker: exit 0, one report run per library', async () => {
    const out = join(dir, 'ok');
    const r = await certify('--client', 'reference', '--worker', 'reference', '--cases', 'client/framing', '--cases', 'worker/job/echo-complete', '--timeout', '5000', '--out', out);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/== reference client \(gearspec reference/);
    expect(r.out).toMatch(/== reference worker \(gearspec reference/);
    const index = JSON.parse(readFileSync(join(out, 'json', 'index.json'), 'utf8')) as unknown;
    expect(JSON.stringify(index)).toContain('reference client');
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['junit.xml', 'report.html', 'json']));
  });

  it('an external driver with a wire bug fails the named case: exit 1', async () => {
    const r = await certify(
      '--client-cmd',
      `buggy=env GEARSPEC_WIRE_FAULT=split-drop ${process.execPath} ${referenceMain}`,
      '--cases',
      'client/framing/replies-one-byte-per-read',
      '--timeout',
      '3000',
      '--no-reports',
    );
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toMatch(/× client\/framing\/replies-one-byte-per-read \[FAIL\]/);
    expect(r.out).toMatch(/== buggy client/);
  });

  it('usage errors exit 2 with one clear line', async () => {
    const bad = await certify('--client', 'cobol');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`--client must be one of ${CLIENT_NAMES.join(', ')}`);
    const empty = await certify('--worker-cmd', '');
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/--worker-cmd needs a command/);
    const nocase = await certify('--client', 'reference', '--cases', 'client/no-such-family');
    expect(nocase.code).toBe(2);
    expect(nocase.err).toMatch(/no case id matches/);
    // Cases only of the other role leave the named library nothing to run: empty selection, not a pass.
    const otherRole = await certify('--client', 'reference', '--cases', 'worker/job', '--no-reports');
    expect(otherRole.code).toBe(2);
    expect(otherRole.err).toMatch(/the selection is empty for the client library \(reference\)/);
  });

  it('a driver that cannot start is a harness error: exit 2, no case blamed', async () => {
    const r = await certify('--worker-cmd', 'nothere=/nonexistent/driver', '--cases', 'worker/job', '--timeout', '2000', '--no-reports');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot run the nothere worker driver/);
  });

  it('--list shows both catalogues; --list --cases client only the client cases', async () => {
    const all = await certify('--list');
    expect(all.out).toMatch(/^binary\//m);
    expect(all.out).toMatch(/^client\/framing\/replies-one-byte-per-read/m);
    expect(all.out).toMatch(/^worker\/job\/echo-complete/m);
    const client = await certify('--list', '--cases', 'client');
    expect(client.out).not.toMatch(/^(binary|worker)\//m);
  });
});
