/** Locates gearspec's own files (docker/…) from this module, in src/ (vitest) and in dist/ alike. */
import path from 'node:path';
import { packageRoot } from '../package-root.js';

export function repoRoot(): string {
  const root = packageRoot();
  if (root === undefined) throw new Error('cannot find the gearspec package root (package.json named "gearspec")');
  return root;
}

/** `docker/<name>` as an absolute path; absolute inputs are returned as they are. */
export function dockerDir(name: string): string {
  return path.isAbsolute(name) ? name : path.join(repoRoot(), 'docker', name);
}
