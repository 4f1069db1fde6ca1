/** The gearspec reference client (contract: see the cross-team contracts in the project brief). */
export { GearmanClient } from './client.js';
export { ClientJob } from './client-job.js';
export { planSubmit, type SubmitPlan } from './submit-packet.js';
export type { ClientOptions, SubmitOptions, JobEvent, JobEventType, JobOutcome, JobResult, JobStatus, UniqueStatus, OrphanPacket } from './types.js';
export { MultiServerClient, type MultiServerClientOptions, type ServerAddress } from './multi-server.js';
