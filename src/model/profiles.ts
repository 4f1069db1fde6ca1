/**
 * Model profiles: which named alternative (src/protocol/alternatives.ts) each server chose, plus
 * the behaviours the model must know that are NOT declared alternatives ("quirks"). A difference
 * between two servers that only a quirk explains is a finding for the differential fuzzer: it
 * is a divergence nobody declared yet. Sources: spec §2, §4, §5; gearmand 1.1.20
 * libgearman-server/{job,gearmand_con,server,client,worker}.cc; Perl Gearman::Server 1.130.
 */
import { type AlternativeChoice, type AlternativeId, type ChoiceOwner, KNOWN_SERVERS, declaredChoice } from '../protocol/alternatives.js';
import { T } from '../protocol/constants.js';

type ProfileName = 'gearmand-1.1.20' | 'perl-gearman-server-1.130' | 'reference';
export const PROFILE_ALIASES: Readonly<Record<string, ProfileName>> = {
  gearmand: 'gearmand-1.1.20',
  'gearmand-1.1.20': 'gearmand-1.1.20',
  // Its configurations with a persistent queue: the same code base and choices.
  'gearmand+libsqlite3': 'gearmand-1.1.20',
  'gearmand+redis': 'gearmand-1.1.20',
  'gearmand+postgres': 'gearmand-1.1.20',
  'gearmand+mysql': 'gearmand-1.1.20',
  // The other Debian releases' builds: the model's choices are unchanged from 1.1.19.1 to 1.1.21
  // (conformance/peers.test.ts checks what each is seen to choose against this profile).
  'gearmand@1.1.19.1': 'gearmand-1.1.20',
  'gearmand@1.1.21': 'gearmand-1.1.20',
  c: 'gearmand-1.1.20',
  perl: 'perl-gearman-server-1.130',
  'perl-gearmand': 'perl-gearman-server-1.130',
  'perl-gearman-server-1.130': 'perl-gearman-server-1.130',
  reference: 'reference',
};

/**
 * The declared alternatives the model is parameterised by; their choice names come from
 * alternatives.ts. The model follows `cross-function-order` exactly for recent-first and
 * oldest-job-first and allows any order for the other choices.
 */
const MODEL_ALTERNATIVES = [
  'exception-terminal',
  'worker-death',
  'high-priority-order',
  'cant-do-mid-job',
  'status-without-progress',
  'duplicate-can-do',
  'dash-unique',
  'cross-function-order',
  'error-code-spelling',
  'wake-on-can-do',
  'abandoned-job-at-pre-sleep',
] as const satisfies readonly AlternativeId[];
type ModelAlternativeId = (typeof MODEL_ALTERNATIVES)[number];
type ModelChoices = { readonly [A in ModelAlternativeId]: AlternativeChoice<A> };

/** ERROR codes the model expects under each `error-code-spelling` choice. */
export const ERROR_CODES_BY_SPELLING: Readonly<Record<ModelChoices['error-code-spelling'], { readonly notOwner: string; readonly unknownOption: string }>> = {
  'gearmand-names': { notOwner: 'JOB_NOT_FOUND', unknownOption: 'UNKNOWN_OPTION' },
  'perl-names': { notOwner: 'not_worker', unknownOption: 'unknown_option' },
};

/** Undeclared behaviours the model reproduces so it can follow each real server. */
export interface ModelQuirks {
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
  /** A new job that may not run yet (future epoch) still wakes sleepers (gearmand wakes on every queue insert). */
  readonly wakeForFutureEpoch: boolean;
  /**
   * Which abandoned jobs (last foreground client gone) are kept anyway: none (gearmand ignores
   * every one), those created by a background submit (reference), or any job a background
   * submit touched, coalesced ones included (Perl's require_listener(0)).
   */
  readonly bgSparesAbandoned: 'never' | 'created-bg' | 'any-bg-submit';
  /** CANT_DO/RESET_ABILITIES requeue wakes the worker itself too (gearmand frees the registration after requeueing). */
  readonly requeueWakesSelf: boolean;
  /** A foreground client joining an abandoned job revives it (gearmand keeps it ignored and drops it, client and all). */
  readonly joinRevivesAbandoned: boolean;
  /** ECHO_REQ "0" is answered with an empty ECHO_RES: Gearman::Util::_pack_command does `$arg ||= ''`, and "0" is false in Perl. */
  readonly echoDropsZero: boolean;
  /**
   * A WORK_* for a job the same connection ended itself (one of its last 8): ERROR like any
   * unknown handle (gearmand, Perl), or dropped silently (the reference server tolerates Perl
   * Gearman::Worker's WORK_FAIL after WORK_EXCEPTION; src/server/README.md).
   */
  readonly lateResultFromEnder: 'error' | 'dropped';
}

export interface ModelProfile {
  readonly name: ProfileName;
  readonly choices: ModelChoices;
  readonly quirks: ModelQuirks;
  /** Request types the server implements (spec §2); scenarios use only these. */
  readonly supported: ReadonlySet<number>;
}

const ALL_REQUESTS = [
  T.CAN_DO,
  T.CANT_DO,
  T.RESET_ABILITIES,
  T.PRE_SLEEP,
  T.SUBMIT_JOB,
  T.GRAB_JOB,
  T.WORK_STATUS,
  T.WORK_COMPLETE,
  T.WORK_FAIL,
  T.GET_STATUS,
  T.ECHO_REQ,
  T.SUBMIT_JOB_BG,
  T.SUBMIT_JOB_HIGH,
  T.SET_CLIENT_ID,
  T.CAN_DO_TIMEOUT,
  T.WORK_EXCEPTION,
  T.OPTION_REQ,
  T.WORK_DATA,
  T.WORK_WARNING,
  T.GRAB_JOB_UNIQ,
  T.SUBMIT_JOB_HIGH_BG,
  T.SUBMIT_JOB_LOW,
  T.SUBMIT_JOB_LOW_BG,
  T.SUBMIT_JOB_EPOCH,
  T.SUBMIT_REDUCE_JOB,
  T.SUBMIT_REDUCE_JOB_BACKGROUND,
  T.GRAB_JOB_ALL,
  T.GET_STATUS_UNIQUE,
];
/** Perl handlers exist for these only (spec §2 notes). */
const PERL_REQUESTS = [1, 2, 3, 4, 7, 9, 12, 13, 14, 15, 16, 18, 21, 22, 23, 25, 26];

function declared(server: ChoiceOwner): ModelChoices {
  // Unrecorded for a known server: the model follows the reference choice there.
  const pick = (id: ModelAlternativeId): [ModelAlternativeId, string] => [id, declaredChoice(id, server) ?? declaredChoice(id, 'reference')!];
  return Object.fromEntries(MODEL_ALTERNATIVES.map(pick)) as unknown as ModelChoices;
}

const GEARMAND_QUIRKS: ModelQuirks = {
  sleepers: 'per-connection',
  wakeOn: 'queued',
  abandoned: 'ignore-flag',
  staleQueueNoop: false,
  exceptionFailArg: 'handle-nul',
  epochTake: 'first-list',
  wakeForFutureEpoch: true,
  bgSparesAbandoned: 'never',
  requeueWakesSelf: true,
  joinRevivesAbandoned: false,
  echoDropsZero: false,
  lateResultFromEnder: 'error',
};

export const PROFILES: Readonly<Record<ProfileName, ModelProfile>> = {
  'gearmand-1.1.20': { name: 'gearmand-1.1.20', choices: declared(KNOWN_SERVERS.gearmand), quirks: GEARMAND_QUIRKS, supported: new Set(ALL_REQUESTS) },
  'perl-gearman-server-1.130': {
    name: 'perl-gearman-server-1.130',
    choices: declared(KNOWN_SERVERS['perl-gearmand']),
    quirks: {
      sleepers: 'per-function',
      wakeOn: 'every-submit',
      abandoned: 'live-listener',
      staleQueueNoop: true,
      exceptionFailArg: 'handle',
      epochTake: 'any-list',
      wakeForFutureEpoch: false,
      bgSparesAbandoned: 'any-bg-submit',
      requeueWakesSelf: false,
      joinRevivesAbandoned: true,
      echoDropsZero: true,
      lateResultFromEnder: 'error',
    },
    supported: new Set(PERL_REQUESTS),
  },
  // The reference server follows gearmand where the spec documents it, and is not held to
  // gearmand's accidents (epoch take order, the trailing NUL on WORK_FAIL). Its own choices on
  // points the protocol leaves open are declared alternatives (see alternatives.ts `reference`).
  // The rest are deliberate reference behaviours neither real server has, kept as quirks so the
  // differential fuzzer reports them by name: future epoch jobs wake nobody; a job created in the
  // background is never dropped when a foreground client that joined it leaves; a worker that
  // gives up a function is not woken by the requeue of the job it held; a client joining an
  // abandoned job revives it; a late result for a job the connection ended itself is dropped.
  reference: {
    name: 'reference',
    choices: declared('reference'),
    quirks: {
      ...GEARMAND_QUIRKS,
      exceptionFailArg: 'either',
      epochTake: 'any-list',
      wakeForFutureEpoch: false,
      bgSparesAbandoned: 'created-bg',
      requeueWakesSelf: false,
      joinRevivesAbandoned: true,
      lateResultFromEnder: 'dropped',
    },
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
