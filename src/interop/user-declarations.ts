/**
 * Expectations a user declares for their own server (`gearspec interop --server … --expectations
 * FILE`): the committed catalogue knows the libraries and the servers gearspec runs, not a server
 * someone points it at, so the differences that server is known to have come from a file. Entries
 * are the catalogue's shapes (an expectation, or a race with a pattern of outcomes), each with the
 * id, kind, why and source a report shows; they apply to `--server` targets only and come before
 * the committed entries, so a user's declaration of a cell is the one that grades it. Anything the
 * file gets wrong (an unknown scenario or driver, a bad pattern, a missing reason) is one usage
 * error naming the entry.
 */
import { inputError, type JsonFields, jsonObject, readJsonFile } from '../json-file.js';
import { ALTERNATIVES, type AlternativeId } from '../protocol/alternatives.js';
import type { DriverPeerName } from '../peers/types.js';
import type { Expectation, Grading, Race } from './declared.js';

export const USER_EXPECTATIONS_FORMAT = 'gearspec-interop-expectations/1';

/** What a user file may name: the run's scenario ids and driver names (built-in or --client-cmd/--worker-cmd). */
interface UserVocabulary {
  readonly scenarios: readonly string[];
  readonly clients: readonly string[];
  readonly workers: readonly string[];
}

const KINDS = ['alternative', 'unsupported', 'interop-bug'] as const;
const LABEL = /^[a-z][A-Za-z0-9:,+-]*$/;
const ENTRY_KEYS = ['id', 'clients', 'workers', 'scenarios', 'expect', 'orNominal', 'kind', 'alternative', 'why', 'source'] as const;
const RACE_KEYS = ['id', 'clients', 'workers', 'scenarios', 'outcomes', 'why', 'source'] as const;

/** `json` as an object with only these keys (a misspelt key is an error, not ignored). */
function object(json: unknown, at: string, what: string, keys: readonly string[]): JsonFields {
  const o = jsonObject(json, at, what);
  const unknown = Object.keys(o).filter((k) => !keys.includes(k));
  if (unknown.includes('servers')) throw inputError(at, '"servers" is not allowed: the entries apply to every --server of the run');
  if (unknown.length > 0) throw inputError(at, `unknown key ${JSON.stringify(unknown[0])}; the keys are ${keys.join(', ')}`);
  return o;
}

function text(o: JsonFields, key: string, at: string, says: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim().length === 0) throw inputError(at, `"${key}" must ${says}`);
  return v;
}

/** An optional list of names, each one the run knows. */
function names(o: JsonFields, key: 'clients' | 'workers', known: readonly string[], at: string): readonly DriverPeerName[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) throw inputError(at, `"${key}" must be a non-empty array of driver names, or absent for every driver`);
  const unknown = (v as string[]).find((x) => !known.includes(x));
  if (unknown !== undefined) throw inputError(at, `"${key}": unknown driver ${JSON.stringify(unknown)}; one of ${known.join(', ')}`);
  // A user's external driver has a name of its own; selection compares names as strings.
  return v as DriverPeerName[];
}

function scenarios(o: JsonFields, known: readonly string[], at: string): readonly string[] | '*' {
  const v = o.scenarios;
  if (v === '*') return '*';
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) throw inputError(at, '"scenarios" must be "*" or a non-empty array of scenario ids');
  const unknown = (v as string[]).find((x) => !known.includes(x));
  if (unknown !== undefined) throw inputError(at, `"scenarios": unknown scenario ${JSON.stringify(unknown)} (gearspec interop --list shows the ids)`);
  return v as string[];
}

function selector(o: JsonFields, vocabulary: UserVocabulary, at: string, ids: Set<string>) {
  const id = text(o, 'id', at, 'be a stable id, shown in the report');
  if (ids.has(id)) throw inputError(at, `id ${JSON.stringify(id)} is used twice`);
  ids.add(id);
  const clients = names(o, 'clients', vocabulary.clients, at);
  const workers = names(o, 'workers', vocabulary.workers, at);
  return {
    id,
    servers: ['external'] as const,
    ...(clients && { clients }),
    ...(workers && { workers }),
    scenarios: scenarios(o, vocabulary.scenarios, at),
    why: text(o, 'why', at, 'say why the server behaves this way'),
    source: text(o, 'source', at, 'cite where the behaviour comes from (a file and line, an observation)'),
  };
}

function expectation(json: unknown, at: string, vocabulary: UserVocabulary, ids: Set<string>): Expectation {
  const o = object(json, at, 'an expectation', ENTRY_KEYS);
  const base = selector(o, vocabulary, at, ids);
  const expect = typeof o.expect === 'string' ? [o.expect] : o.expect;
  if (!Array.isArray(expect) || expect.length === 0 || !expect.every((x) => typeof x === 'string' && LABEL.test(x)))
    throw inputError(at, '"expect" must be an outcome label or a non-empty array of them (e.g. "worker-never-assigned+client-stuck")');
  if (o.orNominal !== undefined && o.orNominal !== true) throw inputError(at, '"orNominal" must be true or absent');
  const kind = o.kind;
  if (!(KINDS as readonly unknown[]).includes(kind)) throw inputError(at, `"kind" must be one of ${KINDS.join(', ')}`);
  if (o.alternative !== undefined && !(typeof o.alternative === 'string' && o.alternative in ALTERNATIVES))
    throw inputError(at, `"alternative" must be one of ${Object.keys(ALTERNATIVES).join(', ')}`);
  return {
    ...base,
    expect: expect as string[],
    kind: kind as Expectation['kind'],
    ...(o.orNominal === true && { orNominal: true as const }),
    ...(typeof o.alternative === 'string' && { alternative: o.alternative as AlternativeId }),
  };
}

function race(json: unknown, at: string, vocabulary: UserVocabulary, ids: Set<string>): Race {
  const o = object(json, at, 'a race', RACE_KEYS);
  const base = selector(o, vocabulary, at, ids);
  const pattern = text(o, 'outcomes', at, 'be a regular expression over outcome labels');
  let outcomes: RegExp;
  try {
    // Anchored whole: a race names the outcomes it allows, not outcomes that contain them.
    outcomes = new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    throw inputError(at, `"outcomes" is not a regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { ...base, outcomes, kind: 'interop-bug' };
}

function list(o: JsonFields, key: string, where: string): readonly unknown[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw inputError(where, `"${key}" must be an array`);
  return v;
}

/** Validate parsed JSON as a user expectations file against what the run can name. */
export function parseUserDeclarations(json: unknown, where: string, vocabulary: UserVocabulary): Grading {
  const o = object(json, where, 'an expectations file', ['format', 'server', 'expectations', 'races']);
  if (o.format !== USER_EXPECTATIONS_FORMAT) throw inputError(where, `"format" must be "${USER_EXPECTATIONS_FORMAT}"`);
  if (o.server !== undefined && typeof o.server !== 'string') throw inputError(where, '"server" must be a string (the server the file describes)');
  const ids = new Set<string>();
  const expectations = list(o, 'expectations', where).map((e, i) => expectation(e, `${where} expectations[${i}]`, vocabulary, ids));
  const races = list(o, 'races', where).map((r, i) => race(r, `${where} races[${i}]`, vocabulary, ids));
  if (expectations.length + races.length === 0) throw inputError(where, 'declares nothing: give "expectations" or "races"');
  return { expectations, races };
}

export function readUserDeclarations(path: string, vocabulary: UserVocabulary): Grading {
  return parseUserDeclarations(readJsonFile(path, 'expectations file'), path, vocabulary);
}

/** The committed declarations with the user's in front (first match wins). */
export function withUserDeclarations<D extends Grading>(declarations: D, user: Grading): D {
  return { ...declarations, expectations: [...user.expectations, ...declarations.expectations], races: [...user.races, ...declarations.races] };
}
