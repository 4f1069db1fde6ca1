/**
 * `gearspec releases`: the release matrix in one command. Every code base the registry has in
 * more than one Debian release (gearmand 1.1.19.1, 1.1.20, 1.1.21; libgearman's C API and PHP's
 * pecl gearman as clients and workers) is certified build by build with each build's own
 * baseline, then the server builds run through the interop matrix; both reports put the
 * builds side by side (certify's comparison table, the interop report's "Across releases").
 * It is `certify` and `interop` with every build named, so their flags and exit codes hold.
 */
import path from 'node:path';
import { libraryBuildsOf, PEERS, RELEASED_BASES, serverBuildsOf } from '../../peers/registry/index.js';
import { type FlagSpecs, parseArgs, pickList, usageError } from '../args.js';
import { type Command, exitCodes, runCommand } from '../command.js';
import type { Declarations } from '../declarations.js';
import { certifyCommand } from './certify.js';
import { interopCommand } from './interop.js';

const DEFAULT_OUT = 'reports/releases';

const flags: FlagSpecs = {
  bases: { type: 'string', help: `comma list of code bases to compare across releases (default: ${RELEASED_BASES.join(',')})` },
  out: { type: 'string', default: DEFAULT_OUT, help: 'report directory: certify/ (report.html, junit.xml, json/) and interop/ (index.html, index.json, cells/)' },
  plan: { type: 'string', default: 'ring', help: 'interop cells: ring (what npm test runs for the current release) or full (every client × worker pair)' },
  clients: { type: 'string', help: 'comma list of client drivers for the interop part (default: every one)' },
  workers: { type: 'string', help: 'comma list of worker drivers for the interop part (default: every one)' },
  scenarios: { type: 'string', help: 'comma list of interop scenario ids (default: all)' },
  'certify-only': { type: 'boolean', help: 'run the certify part only' },
  'interop-only': { type: 'boolean', help: 'run the interop part only' },
};

export const releasesCommand = (declarations: Declarations): Command => ({
  name: 'releases',
  summary: "the release matrix: each code base's builds of every Debian release certified and run through the interop matrix side by side",
  usage: `gearspec releases [--bases gearmand] [--out DIR] [--plan ring|full] [--clients A,B] [--workers A,B] [--scenarios X,Y]

Certifies every build (gearmand@1.1.19.1, gearmand, gearmand@1.1.21) against its own committed
baseline, then runs the interop matrix through each, and writes both reports under --out. The
builds of other releases run in containers (sudo bash docker/setup-podman.sh $(npx gearspec peers releases)).

${exitCodes('every build passes outside its baseline and every cell behaves as declared', 'a failure outside a baseline, a stale baseline entry, or an undeclared or stale interop outcome', 'usage error, or a build that cannot start')}`,
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (f['certify-only'] && f['interop-only']) throw usageError('give --certify-only or --interop-only, not both');
    const bases = pickList(f.bases, RELEASED_BASES, '--bases');
    const builds = serverBuildsOf(bases);
    const libraries = libraryBuildsOf(bases);
    if (builds.length === 0 && libraries.length === 0) throw usageError('no build to run');
    const peerArgs = builds.flatMap((b) => ['--peer', b]);
    // Every build of a library is certified in each role it has, against its own baseline.
    const libraryArgs = libraries.flatMap((l) => PEERS[l].roles.flatMap((role) => [`--${role}`, l]));
    const out = String(f.out);
    const passOn = (names: readonly string[]): string[] => names.flatMap((n) => (f[n] === undefined ? [] : [`--${n}`, String(f[n])]));
    process.stdout.write(`releases: ${[...builds, ...libraries].join(', ')}\n`);
    let worst = 0;
    if (!f['interop-only']) {
      worst = Math.max(worst, await runCommand(certifyCommand(declarations), [...peerArgs, ...libraryArgs, '--out', path.join(out, 'certify')]));
    }
    if (!f['certify-only'] && builds.length > 0) {
      const interop = [...peerArgs, '--plan', String(f.plan), '--out', path.join(out, 'interop'), ...passOn(['clients', 'workers', 'scenarios'])];
      worst = Math.max(worst, await runCommand(interopCommand(declarations.interop), interop));
    }
    return worst;
  },
});
