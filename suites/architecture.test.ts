/**
 * The architecture rule (README, "Layout"): dependencies point one way, protocol → roles → peers →
 * engines → reports → CLI, all under src/; suites/ holds declarations and tests and depends on
 * src/, never the reverse. So no file under src/ or bench/ imports from suites/, and no production
 * file there imports a test (`*.test.ts`) or a test helper (`test-helpers.ts`, or anything that
 * imports vitest). The CLI gets the declarations it runs as a parameter (src/cli/declarations.ts,
 * composed in suites/declarations.ts and passed in by bin/gearspec.js).
 *
 * Imports are read from the text: `from '…'` (imports and re-exports), bare `import '…'` and
 * `import('…')`, with comments removed; relative specifiers are resolved against the file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHECKED = ['src', 'bench'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Block comments and whole-line `//` comments go first, so prose naming a path is not an import. */
const withoutComments = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** Every module specifier the source text imports or re-exports, static or dynamic. */
function importsOf(text: string): string[] {
  const code = withoutComments(text);
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  return patterns.flatMap((p) => [...code.matchAll(p)].map((m) => m[1]!));
}

/** The repository file a relative specifier names (`./x.js` is compiled from `./x.ts`); undefined for packages. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(from), specifier);
  const ts = target.replace(/\.js$/, '.ts');
  return existsSync(ts) ? ts : target;
}

const isTest = (file: string): boolean => /\.test\.(ts|js)$/.test(file);
const isTestHelper = (file: string): boolean => /(^|[\\/])test-helpers?\.(ts|js)$/.test(file) || (existsSync(file) && importsOf(readFileSync(file, 'utf8')).includes('vitest'));

/** Why `file` may not import `specifier`, or undefined when it may. */
function violation(file: string, specifier: string): string | undefined {
  const target = resolveSpecifier(file, specifier);
  if (target === undefined) return !isTest(file) && specifier === 'vitest' ? 'a production file imports vitest' : undefined;
  const rel = relative(ROOT, target);
  if (rel === 'suites' || rel.startsWith(`suites${sep}`)) return `imports ${rel} from suites/`;
  if (isTest(file)) return undefined; // a unit test under src/ may use src/'s test helpers
  if (isTest(target)) return `imports the test ${rel}`;
  if (isTestHelper(target)) return `imports the test helper ${rel}`;
  return undefined;
}

describe('architecture: src/ and bench/ never depend on suites/ or on tests', () => {
  it('reads imports from the source text, resolving relative ones', () => {
    const text = [
      "import { a } from '../../suites/x.js';",
      "export { b } from './b.js';",
      "import './side-effect.js';",
      "const c = await import('./lazy.js');",
      '/* import { d } from "./commented.js"; */',
      "// import { e } from './commented-too.js';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['../../suites/x.js', './b.js', './side-effect.js', './lazy.js']);
    expect(violation(join(ROOT, 'src/cli/main.ts'), '../../suites/declarations.js')).toMatch(/from suites\//);
    expect(violation(join(ROOT, 'src/peers/provider.ts'), './test-helpers.js')).toMatch(/test helper/);
    expect(violation(join(ROOT, 'src/peers/process.test.ts'), './test-helpers.js')).toBeUndefined();
  });

  it('finds no file under src/ or bench/ that imports from suites/, a test or a test helper', () => {
    const found: string[] = [];
    for (const dir of CHECKED) {
      for (const file of tsFiles(join(ROOT, dir))) {
        for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
          const why = violation(file, specifier);
          if (why) found.push(`${relative(ROOT, file)}: import '${specifier}' ${why}`);
        }
      }
    }
    expect(found, `dependencies must point from suites/ to src/, never back:\n${found.join('\n')}`).toEqual([]);
  });
});
