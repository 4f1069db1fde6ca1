/**
 * The library case catalogue: client cases and worker cases, in spec order (docs/spec.md). Each
 * runs with gearspec playing the job server (src/runner/library) against one library through its
 * driver.
 */
import type { LibraryCaseDef } from '../../src/runner/library/run-library.js';
import { CLIENT_CASES } from './cases/client/index.js';
import { WORKER_CASES } from './cases/worker/index.js';

export { CLIENT_CASES, WORKER_CASES };
export const LIBRARY_CATALOGUE: readonly LibraryCaseDef[] = [...CLIENT_CASES, ...WORKER_CASES];
