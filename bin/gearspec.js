#!/usr/bin/env node
// Thin launcher and composition root: the CLI (dist/src/cli/main.js) runs the catalogues and the
// interop declarations it is given, and those are composed in dist/suites/declarations.js
// (src/ never imports suites/). Both are compiled to dist/ by `npm install` (the prepare script).
// It runs in this process, so signals sent to it reach gearspec; under `npx gearspec` (npm →
// /bin/sh -c → here) the signal stops at the shell, and gearspec stops when that shell dies
// instead: see src/cli/lifecycle.ts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
const declarations = new URL('../dist/suites/declarations.js', import.meta.url);
if (![entry, declarations].every((u) => existsSync(fileURLToPath(u)))) {
  process.stderr.write('gearspec: dist/ is missing; run `npm install` (or `npm run build`) in the gearspec folder first.\n');
  process.exit(2);
}
const [{ runMain }, { DECLARATIONS }] = await Promise.all([import(entry.href), import(declarations.href)]);
runMain(process.argv.slice(2), DECLARATIONS);
