/**
 * certify --restart-cmd: the durability cases (spec §4.17) restart someone else's server through
 * the user's command. The command here asks the test, over HTTP, to stop a reference server and
 * start a fresh one on the same port (a real operator's `systemctl restart`), and returns when it
 * is done; the reference server keeps no queue, so the case is `unsupported` and said why. A
 * command that fails is the case's failure with its exit code, and bad flags are usage errors.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifyCommand } from '../../src/cli/commands/certify.js';
import { type ReferenceServer, startReferenceServer } from '../../src/server/index.js';
import { runCli } from '../cli-run.js';
import { DECLARATIONS } from '../declarations.js';

const certify = (...argv: string[]) => runCli(certifyCommand(DECLARATIONS), argv, { asMain: true });
const CASE = 'binary/durability/queued-jobs-survive-restart';

/** certify into a fresh folder; the one case's result from its JSON report. */
async function certifyCase(...argv: string[]): Promise<{ code: number; err: string; result: { outcome: string; detail: string } }> {
  const dir = mkdtempSync(join(tmpdir(), 'gearspec-restart-cmd-'));
  try {
    const r = await certify(...argv, '--cases', CASE, '--json', dir);
    const file = readdirSync(dir).find((f) => f !== 'index.json');
    const detail = file ? (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { results: { id: string; outcome: string; detail: string }[] }) : { results: [] };
    const result = detail.results.find((x) => x.id === CASE) ?? { outcome: 'missing', detail: r.err };
    return { code: r.code, err: r.err, result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('gearspec certify --restart-cmd', () => {
  let server: ReferenceServer;
  let control: http.Server;
  let controlPort = 0;
  let restarts = 0;

  beforeAll(async () => {
    server = await startReferenceServer({ host: '127.0.0.1', port: 0 });
    control = http.createServer((_req, res) => {
      void (async () => {
        const port = server.port;
        await server.close();
        server = await startReferenceServer({ host: '127.0.0.1', port });
        restarts++;
        res.end('restarted');
      })().catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
    });
    await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
    const address = control.address();
    controlPort = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((r) => control?.close(() => r()));
  });

  const restartCommand = (): string => `node -e "fetch('http://127.0.0.1:${controlPort}/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"`;

  it('restarts the server through the command and grades a server without a queue unsupported', async () => {
    const before = restarts;
    const r = await certifyCase('--server', `127.0.0.1:${server.port}`, '--restart-cmd', restartCommand());
    expect(r.code, r.err).toBe(0);
    expect(restarts - before).toBe(1);
    expect(r.result).toMatchObject({ outcome: 'unsupported', detail: expect.stringMatching(/keeps no queue across a restart: none of the 3 background jobs/) });
  });

  it('fails the case when the command fails, with its exit code', async () => {
    const r = await certifyCase('--server', `127.0.0.1:${server.port}`, '--restart-cmd', 'echo cannot restart >&2; exit 3');
    expect(r.code).toBe(1);
    expect(r.result).toMatchObject({ outcome: 'fail', detail: expect.stringMatching(/--restart-cmd exited with 3; its output: cannot restart/) });
  });

  it('without --restart-cmd the case is unsupported, not run', async () => {
    const r = await certifyCase('--server', `127.0.0.1:${server.port}`);
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ outcome: 'unsupported', detail: expect.stringMatching(/no way to restart this server/) });
  });

  it('refuses --restart-cmd without exactly one --server, and a bad deadline', async () => {
    expect((await certify('--reference', '--restart-cmd', 'true')).err).toMatch(/--restart-cmd restarts one server/);
    expect((await certify('--server', `127.0.0.1:${server.port}`, '--restart-cmd', 'true', '--restart-timeout', '5')).err).toMatch(/--restart-timeout must be/);
  });
});
