/** Every worker case, in the order of gearspec's spec (docs/spec.md). */
import type { LibraryCaseDef } from '../../../../src/runner/library/run-library.js';
import { cases as framing } from './01-framing.js';
import { cases as handles } from './04-1-handles.js';
import { cases as jobs } from './04-5-jobs.js';
import { cases as flow } from './04-5-worker-flow.js';
import { cases as grab } from './04-6-grab.js';
import { cases as disconnect } from './04-7-disconnect.js';
import { cases as exceptions } from './04-9-exceptions.js';
import { cases as results } from './04-10-results.js';
import { cases as errors } from './04-13-errors.js';
import { cases as badInput } from './04-14-bad-input.js';
import { cases as servers } from './servers.js';

export const WORKER_CASES: readonly LibraryCaseDef[] = [...framing, ...handles, ...jobs, ...flow, ...grab, ...disconnect, ...exceptions, ...results, ...errors, ...badInput, ...servers];
