/**
 * Reading a JSON file a user hands gearspec (a baseline, an expectations file, a shard's report):
 * a file that cannot be read, is not JSON, or lacks a field it must have is one clear usage error
 * naming the file (and the entry), never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { ERROR_CODES, InputError } from './errors.js';

/** The file's parsed JSON; `what` names the file's kind in the error ("baseline"). */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw inputError(path, `cannot read ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw inputError(path, `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A usage error about a user's file, at `where` ("file entries[3]"). */
export const inputError = (where: string, message: string): InputError => new InputError(ERROR_CODES.USAGE, where, message);

export type JsonFields = Record<string, unknown>;

/** `json` as an object; `what` names it in the error ("a baseline"). */
export function jsonObject(json: unknown, where: string, what: string): JsonFields {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw inputError(where, `${what} must be a JSON object`);
  return json as JsonFields;
}

export function jsonArray(o: JsonFields, key: string, where: string): readonly unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) throw inputError(where, `"${key}" must be an array`);
  return v;
}

export function jsonString(o: JsonFields, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw inputError(where, `"${key}" must be a string`);
  return v;
}
