/** gearspec's package version, read once from the nearest package.json named "gearspec". */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function find(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'gearspec' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here; look one level up
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

export const PACKAGE_VERSION = find();
/** What admin `version` reports after "OK ". */
export const SERVER_VERSION = `gearspec-${PACKAGE_VERSION}`;
