/**
 * Real Gearman peers against the reference server: the libgearman `gearman` CLI (client and
 * worker), every `gearadmin` option, PHP pecl gearman (GearmanClient + GearmanWorker) and Perl
 * Gearman::Client + Gearman::Worker. Missing binaries: a failure in CI, a loud skip elsewhere.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { T } from '../../../src/protocol/constants.js';
import { req, type Packet } from '../../../src/protocol/packet.js';
import { type Harness, WAIT_MS, args, grab, startHarness, submit, worker } from './helpers.js';
import { onPath, probe, run, start, type Running } from './processes.js';

const CI = Boolean(process.env.CI);
const INSTALL = 'apt-get install gearman-tools php8.2-cli php8.2-gearman libgearman-client-perl (or bash docker/install-native-peers.sh)';

function available(label: string, probe: () => boolean): boolean {
  const ok = probe();
  if (!ok && !CI) console.warn(`[reference server] SKIPPING ${label} tests: not installed. Install: ${INSTALL}`);
  return ok;
}
/** In CI a missing peer must fail, not skip: run the test and let it throw. */
const skip = (ok: boolean): boolean => !ok && !CI;
function requirePeer(ok: boolean, label: string): void {
  if (!ok) throw new Error(`${label} is required in CI but not installed (${INSTALL})`);
}

const hasGearman = available('libgearman CLI (gearman)', () => onPath('gearman'));
const hasGearadmin = available('gearadmin', () => onPath('gearadmin'));
const hasPhp = available('PHP gearman extension', () => onPath('php') && probe('php', ['-r', 'exit(extension_loaded("gearman") ? 0 : 1);']));
const hasPerl = available('Perl Gearman::Client/Worker', () => onPath('perl') && probe('perl', ['-MGearman::Client', '-MGearman::Worker', '-e', '1']));

let h: Harness;
let port: number;
const running: Running[] = [];
beforeAll(async () => {
  h = await startHarness();
  port = h.server.port;
});
afterEach(() => {
  for (const p of running.splice(0)) p.kill();
  h.closeConnections();
});
afterAll(() => h.close());

function bg(command: string, argv: readonly string[], timeoutMs = 15_000): Running {
  const p = start(command, argv, timeoutMs);
  running.push(p);
  return p;
}

/** Wait until `status` shows `workers` registered for `fn` (the worker process is up). */
async function waitForWorkers(fn: string, workers = 1): Promise<void> {
  const admin = await h.connect();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const row = (await admin.admin('status', WAIT_MS)).find((l) => l.startsWith(`${fn}\t`));
    if (row && Number(row.split('\t')[3]) >= workers) return admin.close();
    await new Promise((r) => setTimeout(r, 50));
  }
  admin.close();
  throw new Error(`no worker registered for ${fn} within 10 s`);
}

/** Grab until a job arrives (the peer's client submits it asynchronously), within a 10 s deadline. */
async function grabOnceQueued(fw: Awaited<ReturnType<typeof worker>>): Promise<Packet> {
  const deadline = Date.now() + 10_000;
  let assign = await grab(fw);
  while (assign.type === T.NO_JOB && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    assign = await grab(fw);
  }
  return assign;
}

describe('libgearman gearman CLI', () => {
  it.skipIf(skip(hasGearman))('worker and client round trip (foreground, background, high priority)', async () => {
    requirePeer(hasGearman, 'gearman');
    const w = bg('gearman', ['-h', '127.0.0.1', '-p', String(port), '-w', '-f', 'cli_rev', '-c', '3', '--', 'rev']);
    await waitForWorkers('cli_rev');
    const fg = await run('gearman', ['-h', '127.0.0.1', '-p', String(port), '-f', 'cli_rev', 'hello']);
    expect(fg.stdout).toBe('olleh');
    expect(fg.code).toBe(0);
    const hi = await run('gearman', ['-h', '127.0.0.1', '-p', String(port), '-I', '-f', 'cli_rev', 'abc']);
    expect(hi.stdout).toBe('cba');
    const b = await run('gearman', ['-h', '127.0.0.1', '-p', String(port), '-b', '-f', 'cli_rev', 'bg']);
    expect(b.code).toBe(0);
    const done = await w.done; // -c 3: exits after three jobs, so the background one ran too
    expect(done.timedOut).toBe(false);
    expect(done.code).toBe(0);
  });
});

describe('gearadmin', () => {
  const admin = (...a: string[]) => run('gearadmin', ['-h', '127.0.0.1', '-p', String(port), ...a]);

  it.skipIf(skip(hasGearadmin))('every option works', async () => {
    requirePeer(hasGearadmin, 'gearadmin');
    const c = await h.connect();
    const handle = await submit(c, 'ga_fn', 'x', { unique: 'ga-unique', type: T.SUBMIT_JOB_HIGH_BG });
    const w = await worker(h, 'ga_fn');
    expect((await admin('--status')).stdout).toContain('ga_fn\t1\t0\t1\n');
    expect((await admin('--priority-status')).stdout).toContain('ga_fn\t1\t0\t0\t1\n');
    expect((await admin('--workers')).stdout).toMatch(/\d+ 127\.0\.0\.1 - : ga_fn\n/);
    expect((await admin('--server-version')).stdout.trim()).toMatch(/^gearspec-\d/);
    expect((await admin('--server-verbose')).stdout.trim()).toBe('ERROR');
    expect((await admin('--getpid')).stdout.trim()).toBe(String(process.pid));
    expect((await admin('--show-jobs')).stdout).toContain(`${handle}\t0\t0\t1`);
    expect((await admin('--show-unique-jobs')).stdout).toContain('ga-unique');
    expect((await admin('--create-function', 'ga_created')).code).toBe(0);
    expect((await admin('--status')).stdout).toContain('ga_created\t0\t0\t0\n');
    expect((await admin('--drop-function', 'ga_created')).code).toBe(0);
    expect((await admin('--status')).stdout).not.toContain('ga_created');
    expect((await admin('--cancel-job', handle)).code).toBe(0);
    expect((await grab(w)).type).toBe(T.NO_JOB);
  });
});

describe('PHP pecl gearman', () => {
  it.skipIf(skip(hasPhp))('GearmanWorker + GearmanClient round trip, background job and jobStatus', async () => {
    requirePeer(hasPhp, 'php');
    const w = bg('php', ['-r', `$w = new GearmanWorker(); $w->addServer("127.0.0.1", ${port}); $w->addFunction("php_rev", function ($j) { return strrev($j->workload()); }); $w->work(); $w->work();`]);
    await waitForWorkers('php_rev');
    const client = await run('php', [
      '-r',
      `$c = new GearmanClient(); $c->addServer("127.0.0.1", ${port}); $r = $c->doNormal("php_rev", "hello php"); echo $c->returnCode() === GEARMAN_SUCCESS ? $r : "rc=" . $c->returnCode();`,
    ]);
    expect(client.stderr).toBe('');
    expect(client.stdout).toBe('php olleh');
    const bgJob = await run('php', [
      '-r',
      `$c = new GearmanClient(); $c->addServer("127.0.0.1", ${port}); $h = $c->doBackground("php_rev", "x"); $s = $c->jobStatus($h); echo $h, " ", json_encode($s);`,
    ]);
    expect(bgJob.stdout).toMatch(/^H:\S+ \[(true|false),(true|false),\d+,\d+\]$/);
    const done = await w.done;
    expect(done.timedOut).toBe(false);
  });

  it.skipIf(skip(hasPhp))('PHP client receives WORK_EXCEPTION (libgearman sends OPTION_REQ exceptions)', async () => {
    requirePeer(hasPhp, 'php');
    const fw = await worker(h, 'php_exc');
    const client = bg('php', [
      '-r',
      `$c = new GearmanClient(); $c->addServer("127.0.0.1", ${port}); $r = $c->doNormal("php_exc", "x"); echo "rc=", $c->returnCode() === GEARMAN_SUCCESS ? "ok" : "fail";`,
    ]);
    const assign = await grabOnceQueued(fw);
    expect(assign.type).toBe(T.JOB_ASSIGN);
    fw.send(req(T.WORK_EXCEPTION, args(assign)[0]!, 'boom'));
    const out = await client.done;
    expect(out.timedOut).toBe(false);
    expect(out.stdout).toBe('rc=fail');
  });
});

describe('Perl Gearman::Client / Gearman::Worker', () => {
  it.skipIf(skip(hasPerl))('worker and client round trip', async () => {
    requirePeer(hasPerl, 'perl');
    const w = bg('perl', [
      '-MGearman::Worker',
      '-e',
      `my $done = 0; my $w = Gearman::Worker->new(job_servers => ["127.0.0.1:${port}"]); $w->register_function(perl_rev => sub { $done = 1; return scalar reverse $_[0]->arg }); $w->work(stop_if => sub { $done });`,
    ]);
    await waitForWorkers('perl_rev');
    const c = await run('perl', [
      '-MGearman::Client',
      '-e',
      `my $c = Gearman::Client->new(job_servers => ["127.0.0.1:${port}"]); my $r = $c->do_task("perl_rev", "hello perl"); print defined $r ? $$r : "undef";`,
    ]);
    expect(c.stderr).toBe('');
    expect(c.stdout).toBe('lrep olleh');
    const done = await w.done;
    expect(done.timedOut).toBe(false);
  });

  it.skipIf(skip(hasPerl))('a WORK_EXCEPTION reaches the Perl client as a clean failure (WORK_FAIL without trailing NUL)', async () => {
    requirePeer(hasPerl, 'perl');
    const fw = await worker(h, 'perl_exc');
    const client = bg('perl', [
      '-MGearman::Client',
      '-e',
      `my $c = Gearman::Client->new(job_servers => ["127.0.0.1:${port}"]); my $r = $c->do_task("perl_exc", "x", { on_fail => sub { print "on_fail" } }); print defined $r ? " result" : " undef";`,
    ]);
    const assign = await grabOnceQueued(fw);
    expect(assign.type).toBe(T.JOB_ASSIGN);
    fw.send(req(T.WORK_EXCEPTION, args(assign)[0]!, 'boom'));
    const out = await client.done;
    expect(out.timedOut).toBe(false);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('on_fail undef');
  });
});
