/**
 * Reading a JSON file a user hands gearspec (a baseline, an expectations file): a file that cannot
 * be read or is not JSON is one clear usage error naming the file, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { ERROR_CODES, InputError } from './errors.js';

/** The file's parsed JSON; `what` names the file's kind in the error ("baseline"). */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(ERROR_CODES.USAGE, path, `cannot read ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(ERROR_CODES.USAGE, path, `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}
