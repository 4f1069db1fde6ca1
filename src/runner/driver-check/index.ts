/** gearspec driver-check: the checks a user's own driver program must pass (docs/driver-protocol.md). */
export { driverLabel, runDriverCheck } from './driver-check.js';
export { renderStartFailure, renderStep, renderSummary } from './render.js';
export type { DriverCheckOptions, DriverCheckReport, StartFailure, StepResult, StepStatus } from './types.js';
