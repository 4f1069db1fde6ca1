/**
 * The peer registry is the one table of implementations: every record is complete for its roles,
 * its install script and driver sources exist, docs/peers.md carries the same table, and
 * `gearspec peers list|install` read it. Installed files are checked where the peers are
 * installed (in CI, always: .ci/run installs every record first).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { command, markdownTable } from '../../src/cli/commands/peers.js';
import { ERROR_CODES } from '../../src/errors.js';
import { isCi, nativeAvailable } from '../../src/peers/provider.js';
import {
  buildIn,
  CLIENT_NAMES,
  canonicalPeerName,
  CURRENT_RELEASE,
  isCurrent,
  libraryBuildsOf,
  MATRIX_CLIENT_NAMES,
  MATRIX_SERVER_NAMES,
  MATRIX_WORKER_NAMES,
  PEER_NAMES,
  PEERS,
  type PeerRecord,
  peerLabel,
  RELEASE_NAMES,
  releaseOf,
  releasesOf,
  SERVER_NAMES,
  serverBaselineName,
  WORKER_NAMES,
  reach,
} from '../../src/peers/registry/index.js';
import { installPlan } from '../../src/peers/install.js';
import { repoRoot } from '../../src/peers/repo-paths.js';
import { runCli } from '../cli-run.js';

const ROOT = repoRoot();
const record = (n: (typeof PEER_NAMES)[number]): PeerRecord => PEERS[n];

describe('peer registry', () => {
  it('gives every role its program: a driver for clients and workers, a server section for servers', () => {
    for (const n of PEER_NAMES) {
      const r = record(n);
      if (n === 'reference') continue; // embedded
      if (r.roles.includes('client') || r.roles.includes('worker')) expect(r.driver, `${n} driver`).toBeDefined();
      if (r.roles.includes('server')) expect(r.server, `${n} server`).toBeDefined();
      // Another release's build exists only as its image; the current release's peers install here.
      if (isCurrent(n)) expect(r.install, `${n} install`).toBeDefined();
      else expect(r.install, `${n} install`).toBeUndefined();
    }
  });

  it('names install scripts and driver sources that exist in the repository', () => {
    for (const n of PEER_NAMES) {
      const r = record(n);
      if (r.install?.script) expect(existsSync(path.join(ROOT, r.install.script)), r.install.script).toBe(true);
      for (const spec of [r.driver?.native, r.server?.native]) {
        if (!spec || typeof spec === 'function') continue;
        for (const a of spec.args.filter((x) => x.startsWith('{root}/src/'))) expect(existsSync(a.replace('{root}', ROOT)), `${n}: ${a}`).toBe(true);
      }
      for (const c of [r.driver?.container, r.server?.container]) {
        for (const p of c?.stage?.filter((x) => x.startsWith('src/')) ?? []) expect(existsSync(path.join(ROOT, p)), `${n}: staged ${p}`).toBe(true);
      }
    }
  });

  it.runIf(isCi())('has every peer installed in CI (.ci/run installs the whole registry)', () => {
    expect(PEER_NAMES.filter((n) => isCurrent(n) && !nativeAvailable(n))).toEqual([]);
  });

  it('reaches at least 6 servers, 10 clients and 10 workers from 9 implementations in 5 languages', () => {
    expect(SERVER_NAMES.length).toBeGreaterThanOrEqual(6);
    expect(CLIENT_NAMES.length).toBeGreaterThanOrEqual(10);
    expect(WORKER_NAMES.length).toBeGreaterThanOrEqual(10);
    const all = reach(PEER_NAMES);
    expect(all.implementations.length).toBeGreaterThanOrEqual(9);
    expect(all.languages.length).toBeGreaterThanOrEqual(5);
  });

  it('is the table docs/peers.md shows', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'peers.md'), 'utf8');
    const between = /<!-- peers-table:start[^>]*-->\n([\s\S]*?)<!-- peers-table:end -->/.exec(doc);
    expect(between?.[1], 'docs/peers.md: regenerate with npx gearspec peers list --markdown').toBe(markdownTable());
  });
});

describe('peer registry: builds of other Debian releases', () => {
  it('names each build <code base>@<version>, one per release, and resolves NAME@VERSION and NAME@RELEASE', () => {
    expect(releasesOf('gearmand')).toEqual(['gearmand@1.1.19.1', 'gearmand', 'gearmand@1.1.21']);
    expect(releasesOf('gearmand').map(releaseOf)).toEqual(RELEASE_NAMES);
    expect(releasesOf('libgearman-c')).toEqual(['libgearman-c@1.1.19.1', 'libgearman-c', 'libgearman-c@1.1.21']);
    // pecl gearman 2.1.0 ships on PHP 7.4 and 8.2: PHP's builds are named by the PHP version.
    expect(releasesOf('php')).toEqual(['php@7.4', 'php', 'php@8.4']);
    for (const n of PEER_NAMES) {
      const base = record(n).versionOf;
      if (base === undefined) continue;
      expect(n.startsWith(`${base}@`), n).toBe(true);
      expect(canonicalPeerName(`${base}@${releaseOf(n)}`)).toBe(n);
      if (record(n).version !== record(base as (typeof PEER_NAMES)[number]).version) expect(canonicalPeerName(`${base}@${record(n).version}`)).toBe(n);
    }
    expect(canonicalPeerName('gearmand@1.1.20+redis')).toBe('gearmand+redis');
    expect(canonicalPeerName('gearmand@bookworm+mysql')).toBe('gearmand+mysql');
    expect(canonicalPeerName('gearmand@1.1.21+redis')).toBe('gearmand@1.1.21+redis');
    expect(canonicalPeerName('php@2.1.4')).toBe('php@8.4');
    expect(canonicalPeerName('php@2.1.0')).toBe('php');
    expect(canonicalPeerName('libgearman-c@bullseye')).toBe('libgearman-c@1.1.19.1');
    expect(libraryBuildsOf(['libgearman-c', 'php'])).toEqual(['libgearman-c@1.1.19.1', 'libgearman-c', 'libgearman-c@1.1.21', 'php@7.4', 'php', 'php@8.4']);
    expect(buildIn('php', 'trixie')).toBe('php@8.4');
    expect(buildIn('perl', 'trixie')).toBe('perl');
    expect(canonicalPeerName('gearmand@trixie')).toBe('gearmand@1.1.21');
    expect(canonicalPeerName('gearmand@1.1.20')).toBe('gearmand');
    expect(canonicalPeerName('gearmand@bookworm')).toBe('gearmand');
    expect(canonicalPeerName('gearmand@9.9')).toBe('gearmand@9.9');
    expect(canonicalPeerName('nope@trixie')).toBe('nope@trixie');
    expect(serverBaselineName('gearmand@1.1.21')).toBe('gearmand-1.1.21.json');
    expect(serverBaselineName('gearmand')).toBe('gearmand-1.1.20.json');
    expect(peerLabel('gearmand@1.1.21')).toBe('gearmand@1.1.21');
  });

  it('runs another release in its container only, and keeps it out of the default matrix', () => {
    expect(nativeAvailable('gearmand@1.1.21')).toBe(false);
    expect(MATRIX_SERVER_NAMES.filter((n) => releaseOf(n) !== CURRENT_RELEASE)).toEqual([]);
    expect([...MATRIX_CLIENT_NAMES, ...MATRIX_WORKER_NAMES].filter((n) => releaseOf(n) !== CURRENT_RELEASE)).toEqual([]);
    expect(nativeAvailable('php@7.4')).toBe(false);
    expect(record('libgearman-c@1.1.21').driver?.container.release).toBe('trixie');
    expect(record('libgearman-c@1.1.21').driver?.native).toBeUndefined();
    expect(record('gearmand@1.1.19.1').server?.container.release).toBe('bullseye');
    expect(record('gearmand').server?.container.release).toBeUndefined();
  });

  it('has setup-podman.sh accept exactly the releases of the table, and `peers releases` list the ones in use', async () => {
    const script = readFileSync(path.join(ROOT, 'docker', 'setup-podman.sh'), 'utf8');
    const accepted = /case "\$r" in ([a-z|]+)\)/.exec(script)?.[1]?.split('|');
    expect(accepted).toEqual(RELEASE_NAMES);
    const r = await runCli(command, ['releases']);
    expect(r.out.trim().split('\n')).toEqual(RELEASE_NAMES);
    expect((await runCli(command, ['releases', 'gearmand'])).out).toBe(`${CURRENT_RELEASE}\n`);
    const install = await runCli(command, ['install', '--dry-run', 'gearmand@trixie']);
    expect(install.code).toBe(0);
    expect(install.out).toMatch(/gearmand@1\.1\.21 run in containers only .*setup-podman\.sh trixie/);
  });
});

describe('gearspec peers (CLI)', () => {
  it('lists every peer with its roles and language', async () => {
    const r = await runCli(command, ['list']);
    expect(r.code).toBe(0);
    for (const n of PEER_NAMES) expect(r.out).toContain(n);
    expect(r.out).toMatch(/\d+ peers, \d+ independent implementations, \d+ languages/);
  });

  it('plans the Debian packages once, then each install script once', async () => {
    const plan = installPlan(PEER_NAMES);
    const scripts = plan.filter((s) => s.what.endsWith('install.sh'));
    expect(new Set(scripts.map((s) => s.what)).size).toBe(scripts.length);
    expect(plan[0]?.what).toMatch(/^Debian packages/);
    const r = await runCli(command, ['install', '--dry-run', 'gearmand', 'gear']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('gearman-job-server');
    expect(r.out).toContain('src/peers/drivers/python/install.sh');
  });

  it('refuses an unknown peer and an unknown action with a usage error (exit 2 from the CLI)', async () => {
    await expect(runCli(command, ['install', 'no-such-peer'])).rejects.toMatchObject({ code: ERROR_CODES.USAGE, message: expect.stringMatching(/unknown peer "no-such-peer"/) });
    await expect(runCli(command, ['frobnicate'])).rejects.toMatchObject({ code: ERROR_CODES.USAGE });
  });
});
