/**
 * What each server really does, for the client/worker suites. Where servers legitimately differ the
 * choice comes from the named alternatives table (src/protocol/alternatives.ts); packet support comes
 * from spec §2 (Perl Gearman::Server has handlers for types 1-4, 7, 9, 12-16, 18, 21-23, 25, 26 only).
 */
import { type AlternativeChoice, type AlternativeId, declaredChoice } from '../../../src/protocol/alternatives.js';
import { PROFILE_ALIASES } from '../../../src/model/profiles.js';
import type { ServerPeerName } from '../../../src/peers/types.js';

interface ServerBehaviour {
  readonly kind: ServerPeerName;
  /** Packet types beyond the Danga set: WORK_DATA/WARNING, LOW and HIGH_BG submits, EPOCH, REDUCE, GET_STATUS_UNIQUE, GRAB_JOB_UNIQ/ALL. */
  readonly modernPackets: boolean;
  readonly exception: AlternativeChoice<'exception-terminal'>;
  readonly workerDeath: AlternativeChoice<'worker-death'>;
  readonly canDoTimeoutUnit: AlternativeChoice<'can-do-timeout-unit'>;
  readonly canDoTimeoutEffect: AlternativeChoice<'can-do-timeout-effect'>;
  readonly statusWithoutProgress: AlternativeChoice<'status-without-progress'>;
  /** gearmand rejects a unique over 64 bytes with ERROR ARGUMENT_TOO_LARGE; Perl accepts it. */
  readonly uniqueLimit: boolean;
  /** The ERROR code a server uses for a packet type it does not implement. */
  readonly unsupportedCode: string | undefined;
}

function choice<A extends AlternativeId>(id: A, kind: ServerPeerName): AlternativeChoice<A> {
  const owner = PROFILE_ALIASES[kind]!;
  const c = declaredChoice(id, owner);
  if (c === undefined) throw new Error(`alternatives.ts records no ${id} choice for ${owner}`);
  return c;
}

export function behaviourOf(kind: ServerPeerName): ServerBehaviour {
  const perl = kind === 'perl-gearmand';
  return {
    kind,
    modernPackets: !perl,
    exception: choice('exception-terminal', kind),
    workerDeath: choice('worker-death', kind),
    canDoTimeoutUnit: choice('can-do-timeout-unit', kind),
    canDoTimeoutEffect: choice('can-do-timeout-effect', kind),
    statusWithoutProgress: choice('status-without-progress', kind),
    uniqueLimit: !perl,
    unsupportedCode: perl ? 'server_error' : undefined,
  };
}
