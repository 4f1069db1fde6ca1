/**
 * `gearspec releases`: the release matrix in one command. Usage errors are checked everywhere;
 * the run itself (every gearmand build, one cell, one scenario) needs the containers of the
 * other releases (a failure in CI, a loud skip elsewhere).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releasesCommand } from '../../src/cli/commands/releases.js';
import { ERROR_CODES } from '../../src/errors.js';
import { requirePeer } from '../../src/peers/provider.js';
import { releasesOf } from '../../src/peers/registry/index.js';
import { runCli } from '../cli-run.js';
import { DECLARATIONS } from '../declarations.js';

const command = releasesCommand(DECLARATIONS);
const out = mkdtempSync(path.join(os.tmpdir(), 'gearspec-releases-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('gearspec releases (CLI)', () => {
  it('refuses an unknown code base and contradictory parts with a usage error', async () => {
    await expect(runCli(command, ['--bases', 'perl'])).rejects.toMatchObject({ code: ERROR_CODES.USAGE, message: expect.stringMatching(/--bases: unknown "perl"; one of gearmand/) });
    await expect(runCli(command, ['--certify-only', '--interop-only'])).rejects.toMatchObject({ code: ERROR_CODES.USAGE });
  });

  it.skipIf(!requirePeer(releasesOf('gearmand'), 'gearspec releases'))('runs the interop matrix through every gearmand build and compares them in one report', { timeout: 900_000 }, async () => {
    const r = await runCli(command, ['--interop-only', '--out', out, '--clients', 'reference', '--workers', 'reference', '--scenarios', 'foreground,payload-binary']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('releases: gearmand@1.1.19.1, gearmand, gearmand@1.1.21');
    expect(r.out).toMatch(/across releases of gearmand \(1\.1\.19\.1\S*, 1\.1\.20\S*, 1\.1\.21\S*\): 0 of 2 scenarios differ/);
    const index = JSON.parse(readFileSync(path.join(out, 'interop', 'index.json'), 'utf8')) as { releases: { base: string; compared: number }[] };
    expect(index.releases).toMatchObject([{ base: 'gearmand', compared: 2 }]);
    expect(readFileSync(path.join(out, 'interop', 'index.html'), 'utf8')).toContain('Across releases of gearmand');
  });
});
