/**
 * `gearspec peers list|releases|install [NAME...]`: the peer registry as a table, the Debian releases
 * its images need, and the installer of
 * peers for the native provider (GEARSPEC_PEERS=native). Exit 0 when everything asked for is
 * installed, 1 when a step failed, 2 on a usage error.
 */
import { nativeAvailable } from '../../peers/provider.js';
import { installPlan, runInstallStep } from '../../peers/install.js';
import { PEERS, PEER_NAMES, type PeerName, RELEASE_NAMES, canonicalPeerName, isCurrent, isPeerName, reach, releaseOf } from '../../peers/registry/index.js';
import { errorMessage } from '../../errors.js';
import { type FlagSpecs, parseArgs, usageError } from '../args.js';
import { type Command, EXIT, exitCodes } from '../command.js';

const flags: FlagSpecs = {
  'dry-run': { type: 'boolean', help: 'install: print the steps instead of running them' },
  markdown: { type: 'boolean', help: 'list: a Markdown table (the one in docs/peers.md)' },
};

/** The registry as the Markdown table docs/peers.md carries (a test keeps the two equal). */
export function markdownTable(names: readonly PeerName[] = PEER_NAMES): string {
  const rows = names.map((n) => {
    const r = PEERS[n];
    return `| \`${n}\` | ${r.roles.join(', ')} | ${r.language} | ${r.implementation} | ${r.version} | ${r.library} | ${r.source} |`;
  });
  return `${['| peer | roles | language | implementation | version | library | source |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n')}\n`;
}

/** Where a peer runs from here: installed natively, not yet, or (another release's build) in a container only. */
function whereItRuns(n: PeerName): string {
  if (!isCurrent(n)) return `container (${releaseOf(n)})`;
  return nativeAvailable(n) ? 'yes' : 'no';
}

function table(names: readonly PeerName[]): string {
  const columns: readonly (readonly [string, (n: PeerName) => string])[] = [
    ['name', (n) => n],
    ['roles', (n) => PEERS[n].roles.join(',')],
    ['language', (n) => PEERS[n].language],
    ['implementation', (n) => PEERS[n].implementation],
    ['version', (n) => PEERS[n].version],
    ['installed', whereItRuns],
  ];
  const widths = columns.map(([title, cell]) => Math.max(title.length, ...names.map((n) => cell(n).length)));
  const line = (cells: readonly string[], last: string): string => `${cells.map((c, i) => c.padEnd(widths[i]!)).join(' ')} ${last}`;
  const rows = names.map((n) =>
    line(
      columns.map(([, cell]) => cell(n)),
      PEERS[n].library,
    ),
  );
  const all = reach(names);
  return `${[
    line(
      columns.map(([title]) => title),
      'library',
    ),
    ...rows,
    '',
    `${names.length} peers, ${all.implementations.length} independent implementations, ${all.languages.length} languages`,
  ].join('\n')}\n`;
}

/** The Debian releases the named peers' images are built from, oldest first (setup-podman.sh makes their base images). */
function releasesUsed(names: readonly PeerName[]): string {
  const used = new Set(names.map(releaseOf));
  return `${RELEASE_NAMES.filter((r) => used.has(r)).join('\n')}\n`;
}

export const command: Command = {
  name: 'peers',
  summary: 'list the peer registry, or install peers for the native provider',
  usage: `gearspec peers list [NAME...] [--markdown] | gearspec peers releases [NAME...] | gearspec peers install [NAME...] [--dry-run]

peers releases prints the Debian releases the peers' images are built from (one per line, for
sudo bash docker/setup-podman.sh $(npx gearspec peers releases)).

${exitCodes('listed; or everything asked for is installed', 'an install step failed, or a peer is still not installed after its steps', 'usage error (no action, an unknown peer name)')}`,
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    const [action, ...rest] = positionals;
    const named = rest.map(canonicalPeerName);
    const unknown = named.filter((n) => !isPeerName(n));
    if (unknown.length > 0) throw usageError(`unknown peer ${unknown.map((u) => JSON.stringify(u)).join(', ')}; one of ${PEER_NAMES.join(', ')}`);
    const names = named.length > 0 ? (named as PeerName[]) : PEER_NAMES;
    if (action === 'list') {
      process.stdout.write(f.markdown ? markdownTable(names) : table(names));
      return EXIT.OK;
    }
    if (action === 'releases') {
      process.stdout.write(releasesUsed(names));
      return EXIT.OK;
    }
    if (action !== 'install') throw usageError(`expected list, releases or install, got ${action === undefined ? 'nothing' : JSON.stringify(action)}`);
    // Another release's build exists only as an image of that release: nothing installs it here.
    const elsewhere = names.filter((n) => !isCurrent(n));
    if (elsewhere.length > 0)
      process.stdout.write(`peers install: ${elsewhere.join(', ')} run in containers only (their images need: sudo bash docker/setup-podman.sh ${[...new Set(elsewhere.map(releaseOf))].join(' ')})\n`);
    const here = names.filter(isCurrent);
    const plan = installPlan(here);
    for (const step of plan) {
      process.stdout.write(`peers install: ${step.what}${f['dry-run'] ? `: ${step.command} ${step.args.join(' ')}` : ''}\n`);
      if (f['dry-run']) continue;
      try {
        await runInstallStep(step);
      } catch (e) {
        process.stderr.write(`peers install: ${errorMessage(e)}\n`);
        return EXIT.FAILED;
      }
    }
    const missing = here.filter((n) => !nativeAvailable(n));
    if (!f['dry-run'] && missing.length > 0) {
      process.stderr.write(`peers install: still not installed after the steps: ${missing.join(', ')}\n`);
      return EXIT.FAILED;
    }
    return EXIT.OK;
  },
};
