/**
 * Where each native driver program lives and how it is started. Driver sources stay in the
 * source tree (they are not TypeScript), so paths are resolved from the package root, which
 * works both from src/ (vitest) and from dist/ (the built CLI).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, PeerError } from '../../errors.js';
import type { DriverPeerName } from '../types.js';
import { buildCDriver } from './c/build.js';

export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src', 'peers', 'drivers'))) return dir;
    dir = path.dirname(dir);
  }
  throw new PeerError(ERROR_CODES.HARNESS, 'drivers', 'cannot find the gearspec package root (src/peers/drivers) above this module');
}

export const driverSource = (...parts: string[]): string => path.join(packageRoot(), 'src', 'peers', 'drivers', ...parts);

export interface NativeProgram {
  readonly command: string;
  readonly args: readonly string[];
}

/** The command line that runs a native driver (the C driver is compiled on first use). */
export async function nativeProgram(name: Exclude<DriverPeerName, 'reference'>): Promise<NativeProgram> {
  switch (name) {
    case 'php':
      return { command: 'php', args: ['-d', 'memory_limit=512M', driverSource('php', 'driver.php')] };
    case 'perl':
      return { command: 'perl', args: [driverSource('perl', 'driver.pl')] };
    case 'libgearman-c':
      return { command: await buildCDriver(driverSource('c', 'driver.c')), args: [] };
  }
}
