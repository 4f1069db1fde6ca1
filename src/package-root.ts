/**
 * Where gearspec itself is installed: the nearest directory above this module whose package.json
 * is named "gearspec". The same walk works from src/ (vitest) and from dist/ (the CLI), and is
 * done once. Reports link docs/spec.md from it, peers find docker/ from it, the reference server
 * reports its version from it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Found {
  readonly dir: string;
  readonly version: string;
}

let found: Found | null | undefined;

function find(): Found | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'gearspec') return { dir, version: typeof pkg.version === 'string' ? pkg.version : '0.0.0' };
    } catch {
      // no (readable) package.json here: look one level up
    }
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The package's directory, or undefined when this module is not inside a gearspec package. */
export function packageRoot(): string | undefined {
  found ??= find();
  return found?.dir;
}

/** The package's version ("0.0.0" when it cannot be found). */
export function packageVersion(): string {
  found ??= find();
  return found?.version ?? '0.0.0';
}
