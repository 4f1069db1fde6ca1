/** The gearspec reference worker (contract: see the cross-team contracts in the project brief). */
export { GearmanWorker } from './worker.js';
export { WorkerJob, type JobEnd } from './worker-job.js';
export { parseAssignment, type Assignment } from './assignment.js';
export { makeBackoff, type Backoff } from './backoff.js';
export type { WorkerOptions, RegisterOptions, JobHandler, WorkerNotice, WorkerStats, GrabVariant, BackoffOptions } from './types.js';
export { MultiServerWorker, type MultiServerWorkerOptions } from './multi-server.js';
