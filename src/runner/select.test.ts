import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isGearspecError } from '../errors.js';
import { type CaseDef, pass } from './case-def.js';
import { matchesPrefix, selectCases } from './select.js';

const mk = (id: string): CaseDef => ({ id, section: '1', requirement: 'r', level: 'MUST', description: 'd', outcomes: [{ outcome: 'pass', when: 'w' }], run: async () => pass() });
const CATALOGUE = [
  'binary/forwarding/work-complete',
  'binary/forwarding/work-complete-empty',
  'binary/forwarding/work-fail',
  'binary/echo/size-1mib',
  'binary/echo/size-65535',
  'binary/echoes/x',
  'admin/version/reply',
].map(mk);
const ids = (cs: readonly CaseDef[]) => cs.map((c) => c.id);

describe('runner - case selection by id prefix', () => {
  it.each([
    ['binary/forwarding/work-complete', 'binary/forwarding/work-complete', true],
    ['binary/forwarding/work-complete-empty', 'binary/forwarding/work-complete', false],
    ['binary/forwarding/work-complete', 'binary/forwarding', true],
    ['binary/forwarding/work-complete', 'binary/forwarding/', true],
    ['binary/forwarding/work-complete', 'binary/forward', false],
    ['binary/echoes/x', 'binary/echo', false],
    ['binary/forwarding/work-complete-empty', 'binary/forwarding/work-complete*', true],
    ['binary/forwarding/work-complete', 'binary/forwarding/work-complete*', true],
    ['binary/echoes/x', 'binary/echo*', true],
    ['admin/version/reply', '*', true],
    ['binary/echo', 'binary/echo/size', false],
  ] as const)('%s against %s → %s', (id, prefix, want) => {
    expect(matchesPrefix(id, prefix)).toBe(want);
  });

  it('a prefix selects whole segments only; * widens it to a plain string prefix', () => {
    expect(ids(selectCases(CATALOGUE, ['binary/forwarding/work-complete'], []))).toEqual(['binary/forwarding/work-complete']);
    expect(ids(selectCases(CATALOGUE, ['binary/forwarding/work-complete*'], []))).toEqual(['binary/forwarding/work-complete', 'binary/forwarding/work-complete-empty']);
    expect(ids(selectCases(CATALOGUE, ['binary/echo'], []))).toEqual(['binary/echo/size-1mib', 'binary/echo/size-65535']);
  });

  it('--exclude uses the same rule and keeps catalogue order', () => {
    expect(ids(selectCases(CATALOGUE, ['binary/forwarding'], ['binary/forwarding/work-complete']))).toEqual(['binary/forwarding/work-complete-empty', 'binary/forwarding/work-fail']);
    expect(ids(selectCases(CATALOGUE, [], ['binary/*']))).toEqual(['admin/version/reply']);
  });

  it('no selection runs everything', () => {
    expect(selectCases(CATALOGUE, [], [])).toHaveLength(CATALOGUE.length);
  });

  it.each([['binary/forward'], ['binary/echo/size'], ['nosuch*']])('a prefix matching no whole id segment (%s) is a usage error', (prefix) => {
    let caught: unknown;
    try {
      selectCases(CATALOGUE, [prefix], []);
    } catch (e) {
      caught = e;
    }
    expect(isGearspecError(caught) && caught.code).toBe(ERROR_CODES.USAGE);
    expect(String((caught as Error).message)).toMatch(/no case id matches/);
  });
});
