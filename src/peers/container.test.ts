import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, PeerError, TimeoutError } from '../errors.js';
import { T } from '../protocol/constants.js';
import { req } from '../protocol/packet.js';
import { GearmanConnection } from '../transport/connection.js';
import { LABEL, LABEL_HOST, LABEL_PID, LABEL_RUN, RUN_ID, containerRuntime, runContainer, sweepLeftoverContainers } from './container.js';
import { ensureImage } from './container-images.js';
import { pickFreePort } from './ports.js';
import { containerEngineAvailable } from './provider.js';
import { imageContext } from './image-contexts.js';
import { GEARMAND, PERL_GEARMAND } from './servers/catalogue.js';
import { startServerPeer } from './servers/index.js';
import type { RunningServer } from './servers/started-server.js';
import { acceptsConnections } from './test-helpers.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const engine = containerEngineAvailable();

async function ourContainers(): Promise<string[]> {
  const client = await containerRuntime('test');
  const list = await client.container.dockerode.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${RUN_ID}`] } });
  return list.map((c) => c.Id);
}

async function containerExists(id: string): Promise<boolean> {
  const client = await containerRuntime('test');
  try {
    await client.container.dockerode.getContainer(id).inspect();
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}

async function echo(s: RunningServer): Promise<string> {
  const conn = await GearmanConnection.connect({ host: s.host, port: s.port });
  try {
    conn.send(req(T.ECHO_REQ, 'hello'));
    return (await conn.expect([T.ECHO_RES], 3000)).args[0]!.toString();
  } finally {
    conn.close();
  }
}

describe.skipIf(!engine)('container provider', () => {
  beforeAll(async () => {
    // Cold builds run apt-get inside the image (about a minute each here); cached ones are instant.
    await Promise.all([GEARMAND, PERL_GEARMAND].map((d) => ensureImage(d.name, `gearspec-${d.name}`, imageContext(d.container.image))));
  }, 900_000);

  afterAll(async () => {
    // Nothing may be left: every test stops what it starts, and this proves it.
    const left = await ourContainers();
    await sweepLeftoverContainers({ ownRun: true });
    expect(left).toEqual([]);
  });

  for (const def of [GEARMAND, PERL_GEARMAND]) {
    it(`runs ${def.name} with host networking on 127.0.0.1 and removes it on stop`, async () => {
      const s = (await startServerPeer(def.name, { provider: 'container' })) as RunningServer;
      let stopped = false;
      try {
        expect(s.provider).toBe('container');
        expect(s.host).toBe('127.0.0.1');
        // Debian's build reports its packaging suffix too (1.1.20+ds).
        expect(s.version.startsWith(def.expectedVersion), `${s.version} is ${def.expectedVersion}`).toBe(true);
        expect(await echo(s)).toBe('hello');
        const id = String(s.details.containerId);
        expect(await containerExists(id)).toBe(true);
        await Promise.all([s.stop(), s.stop()]);
        stopped = true;
        // A clean SIGTERM exit (code 0), not the engine's SIGKILL after the grace period (137).
        expect(s.logs()).toMatch(/container exited with code 0/);
        expect(await containerExists(id)).toBe(false);
        expect(await acceptsConnections(s.port)).toBe(false);
      } finally {
        if (!stopped) await s.stop();
      }
    });
  }

  it('a container that crashes at start fails fast with its log, and is removed', async () => {
    const t0 = Date.now();
    const e = await startServerPeer('gearmand', { provider: 'container', args: ['--no-such-option'], startupTimeoutMs: 15_000 }).then(
      () => new Error('started'),
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(PeerError);
    expect((e as PeerError).code).toBe(ERROR_CODES.PEER_START_FAILED);
    expect((e as PeerError).message).toMatch(/before it was ready/);
    expect((e as PeerError).log).toMatch(/no-such-option|unrecogni[sz]ed/i);
    // The exit and its code come from the engine's die event (container-exits.ts).
    expect((e as PeerError).log).toMatch(/container exited with code [1-9]/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await ourContainers()).toEqual([]);
  });

  it('readiness that never comes → timeout, and the container is gone', async () => {
    const port = await pickFreePort();
    const e = await runContainer({
      name: 'never-ready',
      dockerfileDir: imageContext(GEARMAND.container.image),
      imageName: `gearspec-${GEARMAND.name}`,
      command: ['-L', '127.0.0.1', '-p', String(port), '--log-file=stderr'],
      startupTimeoutMs: 1500,
      ready: ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
    }).then(
      () => new Error('started'),
      (err: unknown) => err,
    );
    expect((e as PeerError).code).toBe(ERROR_CODES.PEER_START_FAILED);
    expect((e as PeerError).cause).toBeInstanceOf(TimeoutError);
    expect(await ourContainers()).toEqual([]);
  });

  it('a Dockerfile that does not build is a PeerError naming the folder, and starts nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gearspec-badimage-'));
    try {
      await writeFile(path.join(dir, 'Dockerfile'), 'FROM debian:bookworm-slim\nRUN echo broken-on-purpose && exit 3\n');
      const e = await runContainer({ name: 'broken', dockerfileDir: dir, imageName: 'gearspec-test-broken' }).then(
        () => new Error('started'),
        (err: unknown) => err,
      );
      expect((e as PeerError).code).toBe(ERROR_CODES.PEER_START_FAILED);
      expect((e as PeerError).message).toContain(dir);
      expect(await ourContainers()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sweeps containers left by a harness process that died, and keeps live runs', async () => {
    const dead = spawnSync('true').pid!;
    const client = await containerRuntime('test');
    const image = await ensureImage(GEARMAND.name, `gearspec-${GEARMAND.name}`, imageContext(GEARMAND.container.image));
    const make = (pid: number) =>
      client.container.dockerode.createContainer({
        Image: image,
        Cmd: ['--help'],
        Labels: { [LABEL]: '1', [LABEL_RUN]: `test-${pid}`, [LABEL_PID]: String(pid), [LABEL_HOST]: os.hostname() },
      });
    const orphan = await make(dead);
    const live = await make(process.ppid); // our parent is alive: a run that must not be swept
    try {
      expect(await sweepLeftoverContainers()).toBeGreaterThanOrEqual(1);
      expect(await containerExists(orphan.id)).toBe(false);
      expect(await containerExists(live.id)).toBe(true);
    } finally {
      await orphan.remove({ force: true }).catch(() => undefined);
      await live.remove({ force: true }).catch(() => undefined);
    }
  });
});

describe.skipIf(engine)('container provider without an engine', () => {
  it('says how to enable it', async () => {
    await expect(containerRuntime('gearmand')).rejects.toMatchObject({ code: ERROR_CODES.PEER_UNAVAILABLE });
  });
});
