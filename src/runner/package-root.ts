/** The gearspec package root (works from src/ under vite-node and from dist/ when compiled). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        if ((JSON.parse(readFileSync(p, 'utf8')) as { name?: unknown }).name === 'gearspec') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    dir = dirname(dir);
  }
  return process.cwd();
}
