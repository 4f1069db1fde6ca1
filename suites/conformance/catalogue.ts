/**
 * The conformance case catalogue, in the order of gearspec's spec (docs/spec.md): framing and limits
 * (§1), request types (§2), admin protocol (§3), behaviours (§4). Bad input runs last, and the
 * short-argument-list case is the very last one (spec §1.2: gearmand reads across packet
 * boundaries afterwards), on its own connection.
 */
import type { CaseDef } from '../../src/runner/case-def.js';
import { cases as adminCommands } from './cases/admin/03-2-commands.js';
import { cases as adminLine } from './cases/admin/03-1-line-format.js';
import { cases as adminStatus } from './cases/admin/03-2-status-workers.js';
import { cases as framing } from './cases/binary/01-1-framing.js';
import { cases as limits } from './cases/binary/01-1-limits.js';
import { cases as submit } from './cases/binary/02-submit.js';
import { cases as coalescing } from './cases/binary/04-2-coalescing.js';
import { cases as priorities } from './cases/binary/04-3-priorities.js';
import { cases as background } from './cases/binary/04-4-background-status.js';
import { cases as workerFlow } from './cases/binary/04-5-worker-flow.js';
import { cases as grab } from './cases/binary/04-6-grab-variants.js';
import { cases as behaviours } from './cases/binary/04-7-behaviours.js';
import { cases as canDoTimeout } from './cases/binary/04-8-can-do-timeout.js';
import { cases as exceptions } from './cases/binary/04-9-exceptions-options.js';
import { cases as forwarding } from './cases/binary/04-10-forwarding.js';
import { cases as epochReduce } from './cases/binary/04-11-epoch-reduce.js';
import { cases as badInput } from './cases/binary/04-14-bad-input.js';
import { cases as clientId } from './cases/binary/04-15-client-id.js';
import { cases as echo } from './cases/binary/04-15-echo.js';
import { cases as last } from './cases/binary/99-last.js';
import { cases as durability } from './cases/binary/04-17-durability.js';
import { cases as support } from './cases/binary/02-support.js';

export const CATALOGUE: readonly CaseDef[] = [
  ...framing,
  ...limits,
  ...support,
  ...submit,
  ...adminLine,
  ...adminStatus,
  ...adminCommands,
  ...coalescing,
  ...priorities,
  ...background,
  ...workerFlow,
  ...grab,
  ...behaviours,
  ...canDoTimeout,
  ...exceptions,
  ...forwarding,
  ...epochReduce,
  ...clientId,
  ...echo,
  ...badInput,
  ...last,
  // They restart the server, so they run alone after every other case wherever they are listed.
  ...durability,
];
