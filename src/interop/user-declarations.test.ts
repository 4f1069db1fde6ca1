/**
 * The user expectations file: README's example is a valid file and means what README says
 * (entries apply to --server targets only, an expectation before the committed ones, a race
 * anchored over whole outcome labels).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../peers/repo-paths.js';
import { findExpectation, findRace } from './declared.js';
import { parseUserDeclarations, withUserDeclarations } from './user-declarations.js';

const vocabulary = { scenarios: ['priorities', 'foreground'], clients: ['reference', 'php'], workers: ['reference', 'php'] };

function readmeExample(): unknown {
  const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf("#### Your own server's expectations"));
  const block = /```json\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('README has no JSON example under "Your own server\'s expectations"');
  return JSON.parse(block[1]);
}

describe('user expectations file', () => {
  const user = parseUserDeclarations(readmeExample(), 'README.md', vocabulary);
  const external = { server: 'external' as const, client: 'php', worker: 'reference' };

  it("README's example is valid and applies to --server targets only", () => {
    expect(findExpectation(user, external, 'priorities')?.id).toBe('fork/no-low-priority');
    expect(findExpectation(user, { ...external, server: 'gearmand' }, 'priorities')).toBeUndefined();
    expect(findRace(user, external, 'foreground')?.id).toBe('fork/late-wakeup');
    expect(findRace(user, { ...external, client: 'reference' }, 'foreground')).toBeUndefined();
  });

  it('anchors a race pattern over the whole label', () => {
    const race = findRace(user, external, 'foreground');
    expect(race?.outcomes.test('worker-never-assigned+client-stuck')).toBe(true);
    expect(race?.outcomes.test('lost+worker-never-assigned')).toBe(false);
  });

  it("puts the user's entries before the committed ones", () => {
    const committed = { expectations: [{ id: 'lib/x', scenarios: '*' as const, expect: 'x', kind: 'alternative' as const, why: 'w', source: 's' }], races: [] };
    const merged = withUserDeclarations(committed, user);
    expect(findExpectation(merged, external, 'priorities')?.id).toBe('fork/no-low-priority');
    expect(findExpectation(merged, external, 'foreground')?.id).toBe('lib/x');
  });
});
