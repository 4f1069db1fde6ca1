/** The executable model of a Gearman job server, its profiles, and the runner that checks live servers against it. */
export * from './actions.js';
export * from './profiles.js';
export * from './state.js';
export * from './expect.js';
export { step, resolveJob, UNKNOWN_HANDLE, type Outcome } from './step.js';
export { requestFor } from './requests.js';
export { ModelChecker, type Mismatch } from './checker.js';
export { ScenarioRunner, type Target, type RunOptions, type ScenarioResult, type Exchange } from './run-scenario.js';
