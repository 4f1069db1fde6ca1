/** Locates gearspec's own files (docker/…) from this module, in src/ (vitest) and in dist/ alike. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function repoRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'gearspec') return (cached = dir);
      } catch {
        // unreadable package.json: keep looking upwards
      }
    }
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the gearspec package root (package.json named "gearspec")');
}

/** `docker/<name>` as an absolute path; absolute inputs are returned as they are. */
export function dockerDir(name: string): string {
  return path.isAbsolute(name) ? name : path.join(repoRoot(), 'docker', name);
}
