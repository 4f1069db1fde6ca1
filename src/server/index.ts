/**
 * The gearspec reference Gearman job server. See ./README.md for every behaviour choice, and
 * where it follows or deliberately differs from C gearmand 1.1.20.
 */
export { startReferenceServer, type ReferenceServer } from './server.js';
export type { ReferenceServerOptions } from './options.js';
export { DEFAULT_FAULT_EVERY, FAULT_NAMES, type FaultName, isFaultName } from './faults.js';
export { PACKAGE_VERSION, SERVER_VERSION } from './version.js';
