/**
 * Model profiles: which named alternative (src/protocol/alternatives.ts) each server chose, plus
 * the behaviours the model must know that are NOT declared alternatives ("quirks"). A difference
 * between two servers that only a quirk explains is a finding for the differential fuzzer: it
 * is a divergence nobody declared yet. Sources: protocol.md §2, §4, §5; gearmand 1.1.20
 * libgearman-server/{job,gearmand_con,server,client,worker}.cc; Perl Gearman::Server 1.130.
 */
import { ALTERNATIVES, KNOWN_SERVERS } from '../protocol/alternatives.js';
import { T } from '../protocol/constants.js';

export type ProfileName = 'gearmand-1.1.20' | 'perl-gearman-server-1.130' | 'reference';
export const PROFILE_ALIASES: Readonly<Record<string, ProfileName>> = {
  gearmand: 'gearmand-1.1.20',
  'gearmand-1.1.20': 'gearmand-1.1.20',
  c: 'gearmand-1.1.20',
  perl: 'perl-gearman-server-1.130',
  'perl-gearmand': 'perl-gearman-server-1.130',
  'perl-gearman-server-1.130': 'perl-gearman-server-1.130',
  reference: 'reference',
};

/** The declared alternatives the model is parameterised by. */
export interface ModelChoices {
  readonly 'exception-terminal': 'terminal' | 'non-terminal';
  readonly 'worker-death': 'requeue' | 'fail';
  readonly 'high-priority-order': 'fifo' | 'lifo';
  readonly 'cant-do-mid-job': 'requeue' | 'keep';
  readonly 'status-without-progress': 'zeros' | 'empty';
  readonly 'duplicate-can-do': 'counted-twice' | 'idempotent';
}
export type ModelAlternativeId = keyof ModelChoices;
export const MODEL_ALTERNATIVES: readonly ModelAlternativeId[] = ['exception-terminal', 'worker-death', 'high-priority-order', 'cant-do-mid-job', 'status-without-progress', 'duplicate-can-do'];

/** Undeclared behaviours the model reproduces so it can follow each real server. */
export interface ModelQuirks {
  /**
   * How unique "-" coalesces. gearmand looks the data up in the unique hash, so it also joins an
   * explicit-unique job whose unique and data both equal it (but never the reverse); Perl
   * replaces the unique with the data (joins both ways); dash-only joins only other "-" jobs.
   */
  readonly dashUnique: 'data-key' | 'replace' | 'dash-only';
  /** Which function a grab serves first when a worker can do several with jobs waiting. */
  readonly crossFunctionOrder: 'recent-first' | 'any';
  /** Sleep bookkeeping: gearmand keeps one flag per connection; Perl lists sleepers per function at PRE_SLEEP time. */
  readonly sleepers: 'per-connection' | 'per-function';
  /** When sleepers are woken: only when a new job is queued (or requeued), or on every submit, coalesced ones too. */
  readonly wakeOn: 'queued' | 'every-submit';
  /** Abandoned foreground jobs: gearmand marks them ignored (sticky even if a client joins later); Perl drops jobs without a live listener at grab time unless a background submit touched them. */
  readonly abandoned: 'ignore-flag' | 'live-listener';
  /** Perl leaves an empty queue entry after the last job is taken, so PRE_SLEEP answers NOOP until a grab finds it empty. */
  readonly staleQueueNoop: boolean;
  /** What a client without the exceptions option gets when a job ends in WORK_EXCEPTION (terminal choice only). */
  readonly exceptionFailArg: 'handle-nul' | 'handle' | 'either';
  /** gearmand's take() picks the best non-empty priority list first and only then skips future epoch jobs. */
  readonly epochTake: 'first-list' | 'any-list';
  /** Error code of the ERROR reply to WORK_* for a job the connection does not hold (undefined: any code). */
  readonly notOwnerCode: string | undefined;
  readonly unknownOptionCode: string | undefined;
  /** A sleeping worker that registers (CAN_DO) a function with a job waiting is woken at once (NOOP). */
  readonly canDoWakes: boolean;
  /** A new job that may not run yet (future epoch) still wakes sleepers (gearmand wakes on every queue insert). */
  readonly wakeForFutureEpoch: boolean;
  /**
   * Which abandoned jobs (last foreground client gone) are kept anyway: none (gearmand ignores
   * every one), those created by a background submit (reference), or any job a background
   * submit touched, coalesced ones included (Perl's require_listener(0)).
   */
  readonly bgSparesAbandoned: 'never' | 'created-bg' | 'any-bg-submit';
  /** PRE_SLEEP drops abandoned jobs it meets (gearmand's peek); otherwise they count as waiting work (NOOP). */
  readonly peekDropsAbandoned: boolean;
  /** CANT_DO/RESET_ABILITIES requeue wakes the worker itself too (gearmand frees the registration after requeueing). */
  readonly requeueWakesSelf: boolean;
  /** A foreground client joining an abandoned job revives it (gearmand keeps it ignored and drops it, client and all). */
  readonly joinRevivesAbandoned: boolean;
}

export interface ModelProfile {
  readonly name: ProfileName;
  readonly choices: ModelChoices;
  readonly quirks: ModelQuirks;
  /** Request types the server implements (protocol.md §2); scenarios use only these. */
  readonly supported: ReadonlySet<number>;
}

const ALL_REQUESTS = [
  T.CAN_DO, T.CANT_DO, T.RESET_ABILITIES, T.PRE_SLEEP, T.SUBMIT_JOB, T.GRAB_JOB, T.WORK_STATUS, T.WORK_COMPLETE, T.WORK_FAIL, T.GET_STATUS, T.ECHO_REQ, T.SUBMIT_JOB_BG,
  T.SUBMIT_JOB_HIGH, T.SET_CLIENT_ID, T.CAN_DO_TIMEOUT, T.WORK_EXCEPTION, T.OPTION_REQ, T.WORK_DATA, T.WORK_WARNING, T.GRAB_JOB_UNIQ, T.SUBMIT_JOB_HIGH_BG, T.SUBMIT_JOB_LOW,
  T.SUBMIT_JOB_LOW_BG, T.SUBMIT_JOB_EPOCH, T.SUBMIT_REDUCE_JOB, T.SUBMIT_REDUCE_JOB_BACKGROUND, T.GRAB_JOB_ALL, T.GET_STATUS_UNIQUE,
];
/** Perl handlers exist for these only (protocol.md §2 notes). */
const PERL_REQUESTS = [1, 2, 3, 4, 7, 9, 12, 13, 14, 15, 16, 18, 21, 22, 23, 25, 26];

function declared(server: string): ModelChoices {
  const pick = <A extends ModelAlternativeId>(id: A): ModelChoices[A] => {
    const spec = ALTERNATIVES[id];
    const known = (spec.known as Readonly<Record<string, { choice: string }>>)[server];
    return (known ? known.choice : spec.reference) as ModelChoices[A];
  };
  return {
    'exception-terminal': pick('exception-terminal'),
    'worker-death': pick('worker-death'),
    'high-priority-order': pick('high-priority-order'),
    'cant-do-mid-job': pick('cant-do-mid-job'),
    'status-without-progress': pick('status-without-progress'),
    'duplicate-can-do': pick('duplicate-can-do'),
  };
}

const GEARMAND_QUIRKS: ModelQuirks = {
  dashUnique: 'data-key',
  crossFunctionOrder: 'recent-first',
  sleepers: 'per-connection',
  wakeOn: 'queued',
  abandoned: 'ignore-flag',
  staleQueueNoop: false,
  exceptionFailArg: 'handle-nul',
  epochTake: 'first-list',
  notOwnerCode: 'JOB_NOT_FOUND',
  unknownOptionCode: 'UNKNOWN_OPTION',
  canDoWakes: false,
  wakeForFutureEpoch: true,
  bgSparesAbandoned: 'never',
  peekDropsAbandoned: true,
  requeueWakesSelf: true,
  joinRevivesAbandoned: false,
};

export const PROFILES: Readonly<Record<ProfileName, ModelProfile>> = {
  'gearmand-1.1.20': { name: 'gearmand-1.1.20', choices: declared(KNOWN_SERVERS.gearmand), quirks: GEARMAND_QUIRKS, supported: new Set(ALL_REQUESTS) },
  'perl-gearman-server-1.130': {
    name: 'perl-gearman-server-1.130',
    choices: declared(KNOWN_SERVERS.perl),
    quirks: {
      dashUnique: 'replace',
      crossFunctionOrder: 'any',
      sleepers: 'per-function',
      wakeOn: 'every-submit',
      abandoned: 'live-listener',
      staleQueueNoop: true,
      exceptionFailArg: 'handle',
      epochTake: 'any-list',
      notOwnerCode: 'not_worker',
      unknownOptionCode: 'unknown_option',
      canDoWakes: false,
      wakeForFutureEpoch: false,
      bgSparesAbandoned: 'any-bg-submit',
      peekDropsAbandoned: false,
      requeueWakesSelf: false,
      joinRevivesAbandoned: true,
    },
    supported: new Set(PERL_REQUESTS),
  },
  // The reference server follows gearmand where protocol.md documents it, and is not held to
  // gearmand's accidents (cross-function order, epoch take order, exact error codes).
  // Two deliberate reference choices neither real server makes (undeclared in alternatives.ts;
  // the differential fuzzer reports them by these quirk names): a sleeping worker that
  // registers a function with work waiting is woken at once, and future epoch jobs wake nobody;
  // a job created in the background is never dropped when a foreground client that joined it leaves;
  // PRE_SLEEP counts an abandoned job as waiting work (NOOP; the grab then drops it); a worker
  // that gives up a function is not woken by the requeue of the job it held; a client joining an
  // abandoned job revives it.
  reference: {
    name: 'reference',
    choices: declared('reference'),
    quirks: { ...GEARMAND_QUIRKS, dashUnique: 'dash-only', crossFunctionOrder: 'any', exceptionFailArg: 'either', epochTake: 'any-list', notOwnerCode: undefined, unknownOptionCode: undefined, canDoWakes: true, wakeForFutureEpoch: false, bgSparesAbandoned: 'created-bg', peekDropsAbandoned: false, requeueWakesSelf: false, joinRevivesAbandoned: true },
    supported: new Set(ALL_REQUESTS),
  },
};

export function profileByName(name: string): ModelProfile | undefined {
  const canonical = PROFILE_ALIASES[name];
  return canonical ? PROFILES[canonical] : undefined;
}

/** `base` with the declared alternatives (only) of `other`: used to classify divergences. */
export function withChoicesOf(base: ModelProfile, other: ModelProfile): ModelProfile {
  return { ...base, choices: other.choices, supported: intersect(base.supported, other.supported) };
}

/** `base` with one quirk taken from `other`. */
export function withQuirkOf(base: ModelProfile, other: ModelProfile, quirk: keyof ModelQuirks): ModelProfile {
  return { ...base, quirks: { ...base.quirks, [quirk]: other.quirks[quirk] } };
}

export function intersect(a: ReadonlySet<number>, b: ReadonlySet<number>): ReadonlySet<number> {
  return new Set([...a].filter((t) => b.has(t)));
}
