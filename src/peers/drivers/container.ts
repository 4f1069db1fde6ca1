/**
 * Container provider for the library drivers: runs a driver program inside the drivers image
 * (docker/drivers/Dockerfile) with host networking, so the control connection and all Gearman
 * traffic stay on 127.0.0.1. The image's build context is staged from the driver sources, so an
 * edited driver gets a new image (the tag hashes the staged folder).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ERROR_CODES, PeerError } from '../../errors.js';
import { runContainer } from '../container.js';
import type { DriverPeerName } from '../types.js';
import type { DriverRuntime } from './handle.js';
import { driverSource, packageRoot } from './programs.js';

const IN_IMAGE: Readonly<Record<Exclude<DriverPeerName, 'reference'>, readonly string[]>> = {
  php: ['php', '-d', 'memory_limit=512M', '/opt/gearspec/drivers/php/driver.php'],
  perl: ['perl', '/opt/gearspec/drivers/perl/driver.pl'],
  'libgearman-c': ['/opt/gearspec/drivers/c/driver'],
};

let staged: string | undefined;

/** docker/drivers/Dockerfile plus the driver sources, in one build-context folder. */
function stageContext(): string {
  if (staged) return staged;
  const files: readonly (readonly [string, string])[] = [
    [path.join(packageRoot(), 'docker', 'drivers', 'Dockerfile'), 'Dockerfile'],
    [driverSource('php', 'driver.php'), 'php/driver.php'],
    [driverSource('perl', 'driver.pl'), 'perl/driver.pl'],
    [driverSource('c', 'driver.c'), 'c/driver.c'],
  ];
  // Named by content, so runs share one folder instead of leaving one per process.
  const hash = createHash('sha256');
  for (const [from, to] of files) hash.update(to).update('\0').update(readFileSync(from)).update('\0');
  const dir = path.join(os.tmpdir(), `gearspec-drivers-context-${hash.digest('hex').slice(0, 12)}`);
  for (const [from, to] of files) {
    mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    copyFileSync(from, path.join(dir, to));
  }
  return (staged = dir);
}

export async function runDriverContainer(name: DriverPeerName, env: Record<string, string>, who: string): Promise<DriverRuntime> {
  if (name === 'reference') throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, who, 'the reference driver runs embedded, not in a container');
  const handle = await runContainer({
    name: who,
    dockerfileDir: stageContext(),
    imageName: 'gearspec-drivers',
    command: IN_IMAGE[name],
    env,
    startupTimeoutMs: 30_000,
    stopGraceMs: 1000,
  });
  return {
    logs: () => handle.logs(),
    gone: handle.exited.then((x) => ({ code: x.code, signal: x.signal })),
    kill: () => handle.stop(),
  };
}
