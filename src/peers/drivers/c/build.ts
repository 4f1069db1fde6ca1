/**
 * Compiles the C driver against the installed libgearman-dev with gcc, once per source version:
 * the binary is cached in the temp dir under the hash of the source, so later runs start at once.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ERROR_CODES, PeerError } from '../../../errors.js';
import { repoRoot } from '../../repo-paths.js';

const builds = new Map<string, Promise<string>>();

export function buildCDriver(sourcePath = path.join(repoRoot(), 'src', 'peers', 'drivers', 'c', 'driver.c')): Promise<string> {
  let p = builds.get(sourcePath);
  if (!p) {
    p = compile(sourcePath);
    p.catch(() => builds.delete(sourcePath));
    builds.set(sourcePath, p);
  }
  return p;
}

async function compile(sourcePath: string): Promise<string> {
  const source = readFileSync(sourcePath);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'gearspec-c-driver');
  mkdirSync(dir, { recursive: true });
  const binary = path.join(dir, `driver-${hash}`);
  if (existsSync(binary)) return binary;
  const tmp = `${binary}.${process.pid}.tmp`;
  await new Promise<void>((resolve, reject) => {
    execFile('gcc', ['-O2', '-Wall', '-Wextra', '-o', tmp, sourcePath, '-lgearman'], { timeout: 60_000 }, (err, _stdout, stderr) => {
      if (err) reject(new PeerError(ERROR_CODES.PEER_START_FAILED, 'libgearman-c driver', `gcc failed (is libgearman-dev installed?): ${err.message}`, stderr));
      else resolve();
    });
  });
  // Atomic publish so parallel test files never run a half-written binary.
  renameSync(tmp, binary);
  return binary;
}
