/**
 * Optional features a server may lack without being wrong: the C-only packet types (28-42) and
 * the admin commands only one implementation has (spec §2 notes, §3.4, §6). Each has a
 * harmless probe; the runner probes the features its selected cases need once per server, and a
 * case whose feature is missing is graded `unsupported` instead of run.
 */
import { T } from '../protocol/constants.js';
import type { Probe } from './probe.js';
import { isUnknownAdminCommand, isUnsupportedError } from './probe.js';

export type FeatureSupport = 'supported' | 'unsupported' | 'unknown';

interface FeatureSpec {
  readonly kind: 'packet' | 'admin';
  readonly summary: string;
  /** Probe on a fresh connection; `fn` is a function name private to this probe. */
  readonly probe: (p: Probe, fn: string) => Promise<FeatureSupport>;
}

/** Read one reply packet and classify it: ERROR "not implemented" → unsupported. */
async function classifyPacket(p: Probe, okTypes: readonly number[]): Promise<FeatureSupport> {
  const e = await p.read();
  if (e.kind !== 'packet') return 'unknown';
  if (okTypes.includes(e.packet.type)) return 'supported';
  if (e.packet.type === T.ERROR) {
    const [code, text] = [e.packet.args[0]!.toString('latin1'), e.packet.args[1]!.toString('latin1')];
    return isUnsupportedError(code, text) ? 'unsupported' : 'supported';
  }
  return 'unknown';
}

async function classifyAdmin(p: Probe, line: string): Promise<FeatureSupport> {
  p.text(line);
  const e = await p.read();
  if (e.kind !== 'text') return 'unknown';
  return isUnknownAdminCommand(e.line) ? 'unsupported' : 'supported';
}

const submitProbe = (type: number) => async (p: Probe, fn: string) => {
  p.send(type, fn, '', 'probe');
  return classifyPacket(p, [T.JOB_CREATED]);
};

const admin = (line: (fn: string) => string, summary: string): FeatureSpec => ({ kind: 'admin', summary, probe: (p, fn) => classifyAdmin(p, line(fn)) });

export const FEATURES = {
  WORK_DATA: { kind: 'packet', summary: 'WORK_DATA (28)', probe: async (p) => (p.send(T.WORK_DATA, 'H:gearspec:probe', 'x'), classifyPacket(p, [])) },
  WORK_WARNING: { kind: 'packet', summary: 'WORK_WARNING (29)', probe: async (p) => (p.send(T.WORK_WARNING, 'H:gearspec:probe', 'x'), classifyPacket(p, [])) },
  GRAB_JOB_UNIQ: { kind: 'packet', summary: 'GRAB_JOB_UNIQ (30)', probe: async (p) => (p.send(T.GRAB_JOB_UNIQ), classifyPacket(p, [T.NO_JOB, T.JOB_ASSIGN_UNIQ])) },
  SUBMIT_JOB_HIGH_BG: { kind: 'packet', summary: 'SUBMIT_JOB_HIGH_BG (32)', probe: submitProbe(T.SUBMIT_JOB_HIGH_BG) },
  SUBMIT_JOB_LOW: { kind: 'packet', summary: 'SUBMIT_JOB_LOW (33)', probe: submitProbe(T.SUBMIT_JOB_LOW) },
  SUBMIT_JOB_LOW_BG: { kind: 'packet', summary: 'SUBMIT_JOB_LOW_BG (34)', probe: submitProbe(T.SUBMIT_JOB_LOW_BG) },
  SUBMIT_JOB_SCHED: {
    kind: 'packet',
    summary: 'SUBMIT_JOB_SCHED (35)',
    // Full 7+D argument list: a short one makes gearmand 1.1.20 read across packets (§1.2).
    probe: async (p, fn) => (p.send(T.SUBMIT_JOB_SCHED, fn, '', '0', '0', '1', '1', '0', 'probe'), classifyPacket(p, [T.JOB_CREATED])),
  },
  // A time already past: the probe job is runnable at once, so cleanup can drain it like any other.
  SUBMIT_JOB_EPOCH: {
    kind: 'packet',
    summary: 'SUBMIT_JOB_EPOCH (36)',
    probe: async (p, fn) => (p.send(T.SUBMIT_JOB_EPOCH, fn, '', String(Math.floor(Date.now() / 1000) - 60), 'probe'), classifyPacket(p, [T.JOB_CREATED])),
  },
  SUBMIT_REDUCE_JOB: { kind: 'packet', summary: 'SUBMIT_REDUCE_JOB (37)', probe: async (p, fn) => (p.send(T.SUBMIT_REDUCE_JOB, fn, '', 'reducer', '', 'probe'), classifyPacket(p, [T.JOB_CREATED])) },
  SUBMIT_REDUCE_JOB_BACKGROUND: {
    kind: 'packet',
    summary: 'SUBMIT_REDUCE_JOB_BACKGROUND (38)',
    probe: async (p, fn) => (p.send(T.SUBMIT_REDUCE_JOB_BACKGROUND, fn, '', 'reducer', '', 'probe'), classifyPacket(p, [T.JOB_CREATED])),
  },
  GRAB_JOB_ALL: { kind: 'packet', summary: 'GRAB_JOB_ALL (39)', probe: async (p) => (p.send(T.GRAB_JOB_ALL), classifyPacket(p, [T.NO_JOB, T.JOB_ASSIGN_UNIQ, T.JOB_ASSIGN_ALL])) },
  GET_STATUS_UNIQUE: { kind: 'packet', summary: 'GET_STATUS_UNIQUE (41)', probe: async (p) => (p.send(T.GET_STATUS_UNIQUE, 'gearspec-probe'), classifyPacket(p, [T.STATUS_RES_UNIQUE])) },
  'admin:prioritystatus': admin(() => 'prioritystatus', 'admin prioritystatus'),
  'admin:getpid': admin(() => 'getpid', 'admin getpid'),
  'admin:verbose': admin(() => 'verbose', 'admin verbose'),
  'admin:show-jobs': admin(() => 'show jobs', 'admin show jobs'),
  'admin:show-unique-jobs': admin(() => 'show unique jobs', 'admin show unique jobs'),
  'admin:cancel-job': admin(() => 'cancel job H:gearspec:probe', 'admin cancel job'),
  'admin:create-function': admin((fn) => `create function ${fn}`, 'admin create function'),
  'admin:drop-function': admin((fn) => `drop function ${fn}_none`, 'admin drop function'),
  'admin:jobs': admin(() => 'jobs', 'admin jobs (Perl)'),
  'admin:clients': admin(() => 'clients', 'admin clients (Perl)'),
  'admin:gladiator': admin(() => 'gladiator', 'admin gladiator (Perl)'),
} as const satisfies Record<string, FeatureSpec>;

export type FeatureName = keyof typeof FEATURES;
export const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];

/** The id of the one failure a server that died under a probe step gets (run-suite.ts); baselines may list it. */
export const probeCaseId = (feature: string): string => `probe/${feature}`;
export const PROBE_CASE_IDS: readonly string[] = FEATURE_NAMES.map(probeCaseId);
