/**
 * Runs a command while busy processes hold the CPU, to check that nothing in the suite assumes an
 * idle machine (no deadline may). `npm run test:loaded` runs `npm test` beside two spinning
 * processes (GEARSPEC_LOAD=N for another count); any other command works too:
 *
 *   node dist/bench/under-load.js -- npx vitest run suites/interop
 *
 * The spinners are children of this process, killed by their pid when the command ends, when
 * this process is interrupted, and after at most GEARSPEC_LOAD_MAX_S seconds (default 5400).
 * Exits with the command's exit code.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const SPIN = 'for(;;){}';

function main(argv: readonly string[]): void {
  const dash = argv.indexOf('--');
  const command = dash >= 0 ? argv.slice(dash + 1) : ['npm', 'test'];
  if (command.length === 0) {
    process.stderr.write('usage: node dist/bench/under-load.js [-- COMMAND ARGS...]\n');
    process.exit(2);
  }
  const count = Number(process.env.GEARSPEC_LOAD ?? 2);
  const maxMs = Number(process.env.GEARSPEC_LOAD_MAX_S ?? 5400) * 1000;
  if (!Number.isInteger(count) || count < 0 || !(maxMs > 0)) {
    process.stderr.write('GEARSPEC_LOAD must be a whole number of spinners, GEARSPEC_LOAD_MAX_S a positive number of seconds\n');
    process.exit(2);
  }
  const spinners: ChildProcess[] = Array.from({ length: count }, () => spawn(process.execPath, ['-e', SPIN], { stdio: 'ignore' }));
  const stopSpinners = (): void => {
    for (const s of spinners) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
  };
  // A bound on the load itself, whatever happens to the command.
  const cap = setTimeout(stopSpinners, maxMs);
  cap.unref();
  process.stderr.write(`under-load: ${count} spinning process(es) (pids ${spinners.map((s) => s.pid).join(', ')}) beside: ${command.join(' ')}\n`);
  const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      child.kill(sig);
      stopSpinners();
    });
  }
  child.on('error', (e) => {
    stopSpinners();
    process.stderr.write(`under-load: cannot run ${command[0]}: ${e.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    stopSpinners();
    clearTimeout(cap);
    process.exit(code ?? (signal ? 128 + 15 : 2));
  });
}

main(process.argv.slice(2));
