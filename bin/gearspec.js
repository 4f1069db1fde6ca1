#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the prepare script). It runs in
// this process, so signals sent to it reach gearspec; under `npx gearspec` (npm → /bin/sh -c →
// here) the signal stops at the shell, and gearspec stops when that shell dies instead: see
// src/cli/lifecycle.ts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('gearspec: dist/ is missing; run `npm install` (or `npm run build`) in the gearspec folder first.\n');
  process.exit(2);
}
await import(entry.href);
