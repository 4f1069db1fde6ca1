/**
 * `gearspec peers list|install [NAME...]`: the peer registry as a table, and the installer of
 * peers for the native provider (GEARSPEC_PEERS=native). Exit 0 when everything asked for is
 * installed, 1 when a step failed, 2 on a usage error.
 */
import { nativeAvailable } from '../../peers/provider.js';
import { installPlan, runInstallStep } from '../../peers/install.js';
import { PEERS, PEER_NAMES, type PeerName, isPeerName, reach } from '../../peers/registry/index.js';
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

function table(names: readonly PeerName[]): string {
  const header = `${'name'.padEnd(16)} ${'roles'.padEnd(22)} ${'language'.padEnd(11)} ${'implementation'.padEnd(16)} ${'version'.padEnd(9)} installed  library`;
  const rows = names.map((n) => {
    const r = PEERS[n];
    return `${n.padEnd(16)} ${r.roles.join(',').padEnd(22)} ${r.language.padEnd(11)} ${r.implementation.padEnd(16)} ${r.version.padEnd(9)} ${(nativeAvailable(n) ? 'yes' : 'no').padEnd(10)} ${r.library}`;
  });
  const all = reach(names);
  return `${[header, ...rows, '', `${names.length} peers, ${all.implementations.length} independent implementations, ${all.languages.length} languages`].join('\n')}\n`;
}

export const command: Command = {
  name: 'peers',
  summary: 'list the peer registry, or install peers for the native provider',
  usage: `gearspec peers list [NAME...] [--markdown] | gearspec peers install [NAME...] [--dry-run]

${exitCodes('listed; or everything asked for is installed', 'an install step failed, or a peer is still not installed after its steps', 'usage error (no action, an unknown peer name)')}`,
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    const [action, ...rest] = positionals;
    const unknown = rest.filter((n) => !isPeerName(n));
    if (unknown.length > 0) throw usageError(`unknown peer ${unknown.map((u) => JSON.stringify(u)).join(', ')}; one of ${PEER_NAMES.join(', ')}`);
    const names = rest.length > 0 ? (rest as PeerName[]) : PEER_NAMES;
    if (action === 'list') {
      process.stdout.write(f.markdown ? markdownTable(names) : table(names));
      return EXIT.OK;
    }
    if (action !== 'install') throw usageError(`expected list or install, got ${action === undefined ? 'nothing' : JSON.stringify(action)}`);
    const plan = installPlan(names);
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
    const missing = names.filter((n) => !nativeAvailable(n));
    if (!f['dry-run'] && missing.length > 0) {
      process.stderr.write(`peers install: still not installed after the steps: ${missing.join(', ')}\n`);
      return EXIT.FAILED;
    }
    return EXIT.OK;
  },
};
