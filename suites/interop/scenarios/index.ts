/** Scenario catalogue of the interop matrix, in run order (the first one is the cell's probe). */
import type { Scenario } from '../../../src/interop/types.js';
import { backgroundStatus } from './background-status.js';
import { coalesce } from './coalesce.js';
import { exceptionThrow, exceptionWithOption, exceptionWithoutOption } from './exceptions.js';
import { failNative, workFail } from './fail.js';
import { foreground } from './foreground.js';
import { payload1m, payload64k, payloadBinary, payloadEmpty } from './payloads.js';
import { priorities } from './priorities.js';
import { streaming } from './streaming.js';
import { serverRestart, serverRestartMidJob } from './server-restart.js';
import { serversOneDown, serversOneGoesDown } from './servers-one-down.js';
import { silentWorker, silentWorkerKeepalive } from './silent-worker.js';
import { slowConsumer } from './slow-consumer.js';
import { workerDeath, workerExit } from './worker-death.js';

export const PROBE = foreground;

export const SCENARIOS: readonly Scenario[] = [
  foreground,
  backgroundStatus,
  priorities,
  coalesce,
  streaming,
  workFail,
  failNative,
  exceptionWithOption,
  exceptionWithoutOption,
  exceptionThrow,
  payloadEmpty,
  payloadBinary,
  payload64k,
  payload1m,
  workerDeath,
  workerExit,
  silentWorker,
  silentWorkerKeepalive,
  slowConsumer,
  serversOneDown,
  serversOneGoesDown,
  serverRestart,
  serverRestartMidJob,
];

export const SCENARIO_IDS: readonly string[] = SCENARIOS.map((s) => s.id);
