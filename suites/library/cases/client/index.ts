/** Every client case, in the order of gearspec's spec (docs/spec.md). */
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { cases as framing } from './01-framing.js';
import { cases as limits } from './01-limits.js';
import { cases as requests } from './02-requests.js';
import { cases as handles } from './04-1-handles.js';
import { cases as uniques } from './04-2-uniques.js';
import { cases as status } from './04-4-status.js';
import { cases as exceptions } from './04-9-exceptions.js';
import { cases as results } from './04-10-results.js';
import { cases as errors } from './04-13-errors.js';
import { cases as badInput } from './04-14-bad-input.js';
import { cases as reconnect } from './reconnect.js';
import { cases as servers } from './servers.js';

export const CLIENT_CASES: readonly LibraryCaseDef[] = [
  ...framing,
  ...limits,
  ...requests,
  ...handles,
  ...uniques,
  ...status,
  ...exceptions,
  ...results,
  ...errors,
  ...badInput,
  ...reconnect,
  ...servers,
];
