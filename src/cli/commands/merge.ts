/**
 * gearspec merge: the reports of the shards of one run (`certify|interop --shard i/n --out DIR`),
 * put back together into the report the unsharded run would have written: the same cases or
 * cells, the same verdicts, one page. Every shard must be there, once; shards of different kinds
 * or splits are a usage error. The exit code is the whole run's.
 */
import path from 'node:path';
import { CLIENT_NAMES, WORKER_NAMES } from '../../peers/registry/index.js';
import { matrixExitCode, matrixSummary } from '../../interop/run-on.js';
import { filesIn, writeCertifyReports } from '../../report/certify-files.js';
import { renderRuns, renderVerdict } from '../../report/console.js';
import { writeInteropReport } from '../../report/interop/write.js';
import { mergeCertifyRuns, readCertifyRuns } from '../../report/merge/certify.js';
import { mergeInteropRuns, readInteropRuns } from '../../report/merge/interop.js';
import { readShardIndex, type ShardIndex } from '../../report/merge/read.js';
import { exitCode } from '../../runner/exit-code.js';
import { wholeRun } from '../../shard.js';
import { type FlagSpecs, parseArgs, usageError } from '../args.js';
import { type Command, EXIT, exitCodes } from '../command.js';
import type { Declarations } from '../declarations.js';

const flags: FlagSpecs = {
  out: { type: 'string', help: 'directory for the merged report (certify: junit.xml, json/, report.html; interop: index.html, index.json, cells/)' },
};

/** The certify shards' runs merged, their reports written; returns the whole run's exit code. */
function mergeCertify(shards: readonly ShardIndex[], out: string, catalogue: Pick<Declarations, 'serverCases' | 'libraryCases'>): number {
  const position = new Map([...catalogue.serverCases, ...catalogue.libraryCases].map((c, i) => [c.id, i]));
  // The feature probe's results (probe/…) come first, as in an unsharded run.
  const runs = mergeCertifyRuns(
    shards.map((s) => ({ from: s.from, runs: readCertifyRuns(s) })),
    (id) => position.get(id) ?? -1,
  );
  const code = shards.some((s) => s.exitCode === EXIT.HARNESS) ? EXIT.HARNESS : exitCode(runs);
  process.stdout.write(renderRuns(runs));
  for (const line of writeCertifyReports(runs, filesIn(out), { exitCode: code })) process.stdout.write(`${line}\n`);
  process.stdout.write(renderVerdict('merge', runs, code));
  return code;
}

function mergeInterop(shards: readonly ShardIndex[], out: string): number {
  const servers = mergeInteropRuns(
    shards.map((s) => ({ from: s.from, runs: readInteropRuns(s) })),
    { clients: CLIENT_NAMES, workers: WORKER_NAMES },
  );
  const code = shards.some((s) => s.exitCode === EXIT.HARNESS) ? EXIT.HARNESS : matrixExitCode(servers);
  const wallMs = Math.max(0, ...shards.map((s) => (typeof s.index.wallMs === 'number' ? s.index.wallMs : 0)));
  const provider = typeof shards[0]!.index.provider === 'string' ? shards[0]!.index.provider : '?';
  const index = writeInteropReport(out, { generatedAt: new Date().toISOString(), provider, wallMs, servers }, { exitCode: code });
  process.stdout.write(matrixSummary(servers));
  process.stdout.write(`cells ${JSON.stringify(index.totals.cells)} → ${path.join(out, 'index.html')}\n`);
  return code;
}

export const mergeCommand = (catalogue: Pick<Declarations, 'serverCases' | 'libraryCases'>): Command => ({
  name: 'merge',
  summary: 'combine the reports of the shards of one certify or interop run (--shard i/n) into one',
  usage: `gearspec merge DIR... --out DIR

Each DIR is the --out of one shard (certify --shard i/n --out DIR, interop --shard i/n --out DIR).

${exitCodes(
  'the merged run passes (what the unsharded run would exit with)',
  'the merged run fails: a case fails outside its baseline or a baseline entry is stale (certify), an undeclared or stale outcome (interop)',
  'usage error: no DIR, no --out, a DIR with no gearspec report, shards of different kinds or splits, a shard missing or given twice; a shard that ended with exit 2',
)}`,
  flags,
  async run(argv) {
    const { flags: f, positionals } = parseArgs(argv, flags);
    if (positionals.length === 0) throw usageError('give the shards’ report directories: gearspec merge DIR... --out DIR');
    if (typeof f.out !== 'string') throw usageError('--out DIR is required: where the merged report goes');
    const out = path.resolve(f.out);
    const inputs = positionals.map((p) => {
      if (path.resolve(p) === out) throw usageError(`--out ${f.out} is one of the shards: write the merged report elsewhere`);
      return readShardIndex(p);
    });
    const kinds = [...new Set(inputs.map((s) => s.kind))];
    if (kinds.length > 1)
      throw usageError(
        `${inputs.find((s) => s.kind !== inputs[0]!.kind)!.from} is ${kinds[1] === 'interop' ? 'an' : 'a'} ${kinds[1]} report but ${inputs[0]!.from} ${kinds[0] === 'interop' ? 'an' : 'a'} ${kinds[0]} report: merge shards of one run`,
      );
    const count = wholeRun(inputs);
    process.stdout.write(`merge: ${inputs.length} ${kinds[0]} shard${inputs.length === 1 ? '' : 's'} of ${count} → ${out}\n`);
    return inputs[0]!.kind === 'certify' ? mergeCertify(inputs, out, catalogue) : mergeInterop(inputs, out);
  },
});
