/** Every client step, in order: hello, submits, relays, an unknown op, quit. */
import type { CheckContext } from './context.js';
import { unknownOpStep } from './client-control-steps.js';
import { relaySteps } from './client-relay-steps.js';
import type { ClientState } from './client-state.js';
import { submitSteps } from './client-submit-steps.js';
import { quitStep } from './exits.js';
import type { CheckStep } from './types.js';

export function clientSteps(): CheckStep<CheckContext>[] {
  const state: ClientState = {};
  return [...submitSteps(state), ...relaySteps, unknownOpStep, quitStep];
}
