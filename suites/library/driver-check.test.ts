/**
 * gearspec driver-check end to end. Every built-in driver, run as an external command (the way a
 * user's own driver runs), passes every step of both roles: exit 0. Deliberately broken drivers —
 * tiny scripts written here — are caught: one that never says hello, one whose first line is not
 * JSON, and a command that does not exist cannot be started (exit 2); one that sends a malformed
 * line, one that corrupts result payloads and a worker that never reports `finished` fail the
 * named step (exit 1). After every run no process started by the check is left.
 *
 * The library drivers need their peers installed (`gearspec peers install`): in CI a missing one
 * fails, elsewhere it is a loud skip. The reference driver runs from dist/ (built by
 * `npx tsc -p tsconfig.json`, which `npm test` does first).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '../../src/cli/commands/driver-check.js';
import { errorMessage } from '../../src/errors.js';
import type { DriverRole } from '../../src/peers/drivers/index.js';
import { nativeProgram } from '../../src/peers/drivers/programs.js';
import { isCi, nativeAvailable } from '../../src/peers/provider.js';
import { type DriverPeerName, installHint, MATRIX_CLIENT_NAMES, MATRIX_WORKER_NAMES } from '../../src/peers/registry/index.js';
import { repoRoot } from '../../src/peers/repo-paths.js';
import { runCli } from '../cli-run.js';
import { isAlive } from '../../src/peers/test-helpers.js';

const ROOT = repoRoot();
const REFERENCE_MAIN = join(ROOT, 'dist', 'src', 'peers', 'drivers', 'reference', 'main.js');
const NODE = process.execPath;
// Per-wait deadline: generous, since the suites share two cores; it is only paid where something hangs.
const TIMEOUT_MS = '5000';

const check = (cmd: string, role: DriverRole, ...extra: string[]) => runCli(command, ['--cmd', cmd, '--role', role, '--timeout', TIMEOUT_MS, ...extra]);

/** Names of the steps the run printed as failed. */
const failedSteps = (out: string): string[] => [...out.matchAll(/^ {2}✗ (.+?) — FAILED/gm)].map((m) => m[1]!);

/** Live child processes of this process (the check must leave none behind). */
function children(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && fields[0] !== 'Z') out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function run(file: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => execFile(file, [...args], { timeout: 30_000 }, (err, _out, stderr) => resolve(err ? `${err.message.split('\n')[0]} ${stderr}`.trim() : undefined)));
}

/** The command line of a built-in driver, or why its library is missing here. */
async function builtIn(name: DriverPeerName): Promise<{ cmd: string } | { missing: string }> {
  if (name === 'reference') return existsSync(REFERENCE_MAIN) ? { cmd: `${NODE} ${REFERENCE_MAIN}` } : { missing: `${REFERENCE_MAIN} is not built: run npx tsc -p tsconfig.json` };
  if (!nativeAvailable(name)) return { missing: installHint(name) };
  const probe =
    name === 'php' ? await run('php', ['-r', 'exit(extension_loaded("gearman") ? 0 : 1);']) : name === 'perl' ? await run('perl', ['-MGearman::Client', '-MGearman::Worker', '-e', '1']) : undefined;
  if (probe !== undefined) return { missing: `${name}: ${probe}` };
  try {
    const p = await nativeProgram(name);
    return { cmd: [p.command, ...p.args].join(' ') };
  } catch (e) {
    return { missing: errorMessage(e) };
  }
}

/**
 * Steps a built-in driver is known to fail because of its library (driver-check judges the driver
 * through the library's behaviour), and why; docs/peers.md has each cause with its file and line.
 * The test insists on exactly these failures, so a fixed library makes its entry stale and the
 * test tells you to remove it.
 */
const NO_OPTION_REQ = 'the library has no OPTION_REQ call: the driver refuses exceptions: true';
const KNOWN_FAILURES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'abraxas client': {
    'status of a background job': 'abraxas reports status as one fraction, and answers GET_STATUS from connected servers only (client-jobs.js:21-28)',
    'relay: data (WORK_DATA)': 'abraxas merges WORK_DATA into the result stream (client-connection.js:232)',
    'relay: warning (WORK_WARNING)': 'abraxas decodes warnings as UTF-8 text (client-connection.js)',
    'relay: status (WORK_STATUS)': 'abraxas relays status as a fraction (client-connection.js:213)',
    'relay: exception (WORK_EXCEPTION, exceptions: true)': 'abraxas decodes exception data as UTF-8 text (client-connection.js)',
  },
  'abraxas worker': { 'job: steps data, warning, status, sleep': 'abraxas buffers WORK_DATA into WORK_COMPLETE and sends status as percent/100 (worker.js:228, client-connection.js:145)' },
  'npm-gearman client': {
    'status of a background job': 'STATUS_RES denominator read as one byte (gearman/index.js:427)',
    'relay: warning (WORK_WARNING)': 'warnings decoded as text (gearman/index.js)',
    'relay: exception (WORK_EXCEPTION, exceptions: true)': 'exception data decoded as text (gearman/index.js)',
  },
  'gearmanode worker': {
    'job: complete (native, echo) with every byte value and a unique': 'workComplete turns the result into a UTF-8 string (worker.js:320)',
    'job: complete (native) with a result': 'workComplete turns the result into a UTF-8 string (worker.js:320)',
    'job: complete (form call)': 'workComplete turns the result into a UTF-8 string (worker.js:320)',
    'job: steps data, warning, status, sleep': 'sendData / sendWarning turn the bytes into UTF-8 text (worker.js:320)',
  },
  'node-gearman client': {
    'submit: background': 'no handle is given back for a background job (gearman.js:546)',
    'status of a background job': 'no GET_STATUS call (and no background handle)',
    'relay: data (WORK_DATA)': 'WORK_DATA is joined into the result (gearman.js:441-462)',
    'relay: warning (WORK_WARNING)': 'no WORK_WARNING handler (gearman.js:392-397)',
    'relay: status (WORK_STATUS)': 'no WORK_STATUS handler (gearman.js:392-397)',
    'relay: exception (WORK_EXCEPTION, exceptions: true)': NO_OPTION_REQ,
  },
  'node-gearman worker': { 'register dcw-steps: data+warning+status+sleep → complete': 'no WORK_WARNING / WORK_STATUS call: the driver refuses the behaviour (gearman.js:498-523)' },
  'gear client': { 'status of a background job': 'gear 0.16.0 has no call that sends GET_STATUS (__init__.py:1710 handles STATUS_RES only)' },
  'pygearman client': { 'relay: exception (WORK_EXCEPTION, exceptions: true)': NO_OPTION_REQ },
  'gearman-go client': { 'relay: exception (WORK_EXCEPTION, exceptions: true)': NO_OPTION_REQ },
  'rustygear client': {
    'submit: foreground job with every byte value': 'payloads are cut at the first NUL (conn.rs:187)',
    'base64 round-trips': 'payloads are cut at the first NUL (conn.rs:187)',
    'submit: priority high': 'only SUBMIT_JOB and SUBMIT_JOB_BG are public (client.rs:608-649)',
    'submit: priority low': 'only SUBMIT_JOB and SUBMIT_JOB_BG are public (client.rs:608-649)',
    'relay: exception (WORK_EXCEPTION, exceptions: true)': NO_OPTION_REQ,
  },
  'rustygear worker': {
    'job: complete (native, echo) with every byte value and a unique': 'JOB_ASSIGN_UNIQ data cut at the first NUL (conn.rs:253)',
    'job: fail (native)': 'WORK_FAIL sent with response magic (client.rs:253); the reference server answers ERROR',
    'job: fail (form call)': 'WORK_FAIL sent with response magic (client.rs:253)',
  },
};

/**
 * Steps that fail or pass from run to run because of a race inside the library (named here); not
 * stale when they pass. rustygear drops WORK_* packets that arrive right behind JOB_CREATED and
 * hands each packet to its own task (client.rs:691-699, conn.rs:222-226), and a call left waiting
 * by it keeps the driver from answering later commands. gearman-go's worker writes WORK_DATA and
 * WORK_STATUS from the job's goroutine without the lock its grab loop holds (worker/inpack.go:56;
 * `go build -race` reports it): a step's packet can be corrupted and the connection then stalls.
 */
const RACES: Readonly<Record<string, readonly string[]>> = {
  'rustygear client': [
    'submit: unique',
    'submit: background',
    'status of a background job',
    'submit-batch',
    'relay: data (WORK_DATA)',
    'relay: warning (WORK_WARNING)',
    'relay: status (WORK_STATUS)',
    'relay: fail (WORK_FAIL)',
    'unknown op: error event, driver keeps working',
    'quit: exits 0',
  ],
  'gearman-go worker': ['job: steps data, warning, status, sleep', 'job: gate, then release'],
  'rustygear worker': ['job: exception (native)', 'job: exception (form call)', 'job: steps data, warning, status, sleep', 'job: gate, then release'],
};

describe('gearspec driver-check: the built-in drivers as external commands', () => {
  for (const role of ['client', 'worker'] as const) {
    // The current release's drivers: driver-check runs a command line, and another release's build
    // exists only in its image (library certification runs those, in their containers).
    for (const name of role === 'client' ? MATRIX_CLIENT_NAMES : MATRIX_WORKER_NAMES) {
      it(`${name} ${role}: every step passes (exit 0)`, { timeout: 180_000 }, async ({ skip }) => {
        const found = await builtIn(name);
        if ('missing' in found) {
          if (isCi() || name === 'reference') throw new Error(`${name} driver unavailable: ${found.missing}`);
          console.warn(`\n*** SKIPPING driver-check of the ${name} ${role} driver: ${found.missing}; sudo npx gearspec peers install installs the libraries\n`);
          skip();
          return;
        }
        const r = await check(found.cmd, role);
        const known = KNOWN_FAILURES[`${name} ${role}`] ?? {};
        const races = RACES[`${name} ${role}`] ?? [];
        const failed = failedSteps(r.out);
        const stale = Object.keys(known).filter((s) => !failed.includes(s));
        expect(stale, `${name} ${role}: known failures that now pass — remove them from KNOWN_FAILURES`).toEqual([]);
        expect(
          failed.filter((s) => !(s in known) && !races.includes(s)),
          `${name} ${role}:\n${r.out}${r.err}`,
        ).toEqual([]);
        expect(r.code, r.out + r.err).toBe(failed.length ? 1 : 0);
        expect(r.out).toMatch(/^ {2}[✓!] hello/m);
        if (!failed.includes('quit: exits 0')) expect(r.out).toMatch(role === 'client' ? /✓ quit: exits 0/ : /✓ fresh worker: die/);
        expect(children(), 'processes left behind').toEqual([]);
      });
    }
  }
});

/** Tiny broken drivers, each a node script in a temp folder. */
const SCRIPTS: Readonly<Record<string, string>> = {
  // Connects to the control port and never says anything.
  'never-hello.mjs': `import net from 'node:net'; import { writeFileSync } from 'node:fs';
writeFileSync(process.argv[2], String(process.pid));
const [h, p] = process.env.GEARSPEC_CONTROL.split(':'); net.connect(Number(p), h); setInterval(() => {}, 1000);`,
  // Its first line is not JSON.
  'bad-hello.mjs': `import net from 'node:net';
const [h, p] = process.env.GEARSPEC_CONTROL.split(':'); const s = net.connect(Number(p), h, () => s.write('hello, I am a driver\\n')); setInterval(() => {}, 1000);`,
  // A proper hello, then a malformed line as the answer to every command.
  'bad-line.mjs': `import net from 'node:net';
const [h, p] = process.env.GEARSPEC_CONTROL.split(':'); const s = net.connect(Number(p), h, () => s.write(JSON.stringify({ event: 'hello', implementation: 'bad-line', library: 'none', version: '0', role: process.env.GEARSPEC_ROLE, protocol: 2 }) + '\\n'));
s.on('data', () => s.write('{"event":"created","id":\\n')); s.on('close', () => process.exit(0));`,
  // The reference driver behind a relay that breaks one thing: MODE utf8 re-encodes every complete
  // payload as UTF-8 text; MODE no-finished drops the worker's finished events.
  'relay.mjs': `import net from 'node:net'; import { spawn } from 'node:child_process';
const [mode, main] = process.argv.slice(2);
const [h, p] = process.env.GEARSPEC_CONTROL.split(':');
const harness = net.connect(Number(p), h);
const server = net.createServer((driver) => {
  const lines = (from, to, edit) => { let buf = ''; from.on('data', (c) => { buf += c; let i; while ((i = buf.indexOf('\\n')) >= 0) { const l = edit(buf.slice(0, i)); buf = buf.slice(i + 1); if (l !== undefined) to.write(l + '\\n'); } }); };
  lines(harness, driver, (l) => l);
  lines(driver, harness, (l) => { const e = JSON.parse(l);
    if (mode === 'utf8' && e.event === 'complete') e.payload = Buffer.from(Buffer.from(e.payload, 'base64').toString('latin1'), 'utf8').toString('base64');
    if (mode === 'no-finished' && e.event === 'finished') return undefined;
    return JSON.stringify(e); });
  driver.on('close', () => process.exit(0)); harness.on('close', () => { driver.destroy(); process.exit(0); });
});
server.listen(0, '127.0.0.1', () => {
  const child = spawn(process.execPath, [main], { stdio: 'inherit', env: { ...process.env, GEARSPEC_CONTROL: '127.0.0.1:' + server.address().port } });
  process.on('SIGTERM', () => { child.kill('SIGTERM'); process.exit(0); });
});`,
};

describe('gearspec driver-check: broken drivers', () => {
  let dir: string;
  const script = (name: string, ...args: string[]): string => [NODE, join(dir, name), ...args].join(' ');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gearspec-driver-check-'));
    for (const [name, text] of Object.entries(SCRIPTS)) writeFileSync(join(dir, name), text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a driver that never says hello cannot be started: exit 2, a clear message, the process is gone', { timeout: 30_000 }, async () => {
    const pidFile = join(dir, 'never-hello.pid');
    const r = await runCli(command, ['--cmd', script('never-hello.mjs', pidFile), '--role', 'client', '--timeout', '1500']);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toMatch(/✗ start — the driver could not be started/);
    expect(r.err).toMatch(/no hello within 1500 ms/);
    expect(r.err).toMatch(/fix: +send \{"event":"hello"/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(isAlive(pid), `pid ${pid} still running`).toBe(false);
    expect(children()).toEqual([]);
  });

  it('a driver whose first line is not JSON cannot be started: exit 2, the bad line named', { timeout: 30_000 }, async () => {
    const r = await runCli(command, ['--cmd', script('bad-hello.mjs'), '--role', 'worker', '--timeout', '1500']);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toMatch(/its first line was not a hello event: driver protocol: not JSON: hello, I am a driver/);
    expect(children()).toEqual([]);
  });

  it("a command that does not exist cannot be started: exit 2 with the shell's message", { timeout: 30_000 }, async () => {
    const r = await runCli(command, ['--cmd', '/nonexistent/gearspec-driver --flag', '--role', 'client', '--timeout', '1500']);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toMatch(/exited before connecting/);
    expect(r.err).toMatch(/not found|No such file/);
  });

  it('a malformed line fails the step that provoked it: exit 1', { timeout: 120_000 }, async () => {
    const r = await runCli(command, ['--cmd', script('bad-line.mjs'), '--role', 'client', '--timeout', '1500']);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toMatch(/✓ hello/);
    expect(failedSteps(r.out)).toContain('submit: foreground job with every byte value');
    expect(r.out).toMatch(/not valid protocol \(not JSON: \{"event":"created","id":/);
    expect(children()).toEqual([]);
  });

  it('a client whose result payloads are re-encoded as UTF-8 fails the submit step with the cause: exit 1', { timeout: 120_000 }, async () => {
    const r = await check(script('relay.mjs', 'utf8', REFERENCE_MAIN), 'client');
    expect(r.code, r.out + r.err).toBe(1);
    expect(failedSteps(r.out)).toContain('submit: foreground job with every byte value');
    expect(r.out).toMatch(/expected: the complete payload to be 256 bytes/);
    expect(r.out).toMatch(/re-encoded as UTF-8 text \(256 bytes became 384\)/);
    expect(r.out).toMatch(/✓ relay: fail \(WORK_FAIL\)/);
    expect(children()).toEqual([]);
  });

  it('a worker that never reports finished fails each job step: exit 1', { timeout: 180_000 }, async () => {
    const r = await check(script('relay.mjs', 'no-finished', REFERENCE_MAIN), 'worker', '--timeout', '1500');
    expect(r.code, r.out + r.err).toBe(1);
    const failed = failedSteps(r.out);
    expect(failed).toContain('job: complete (native, echo) with every byte value and a unique');
    expect(r.out).toMatch(/expected: a finished event for H:/);
    expect(r.out).toMatch(/✓ register dcw-echo/);
    expect(children()).toEqual([]);
  });

  it('the built CLI: driver-check is listed, usage errors exit 2 with one clear line', () => {
    const cli = join(ROOT, 'bin', 'gearspec.js');
    const help = spawnSync(NODE, [cli, '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/driver-check +check your own client\/worker driver/);
    const noCmd = spawnSync(NODE, [cli, 'driver-check', '--role', 'client'], { encoding: 'utf8' });
    expect(noCmd.status).toBe(2);
    expect(noCmd.stderr).toMatch(/--cmd "COMMAND" is required/);
    const badRole = spawnSync(NODE, [cli, 'driver-check', '--cmd', 'x', '--role', 'server'], { encoding: 'utf8' });
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toMatch(/--role must be client or worker, got "server"/);
  });
});
