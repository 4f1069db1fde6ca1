/**
 * What the model expects a connection to receive after a step, and matching of the packets a
 * server really sent against it. Handles are opaque: an expectation names a model job, and the
 * first packet carrying it binds the job to the server's handle string.
 */
import { packetName, T } from '../protocol/constants.js';

type ArgMatch =
  | { readonly lit: string }
  /** The handle of model job `job`, optionally followed by a NUL (gearmand's exception WORK_FAIL). */
  | { readonly job: number; readonly nul?: 'no' | 'yes' | 'either' }
  | { readonly any: true };

export interface ExpectedPacket {
  readonly type: number;
  readonly args: readonly ArgMatch[];
}

/** A received packet, arguments as latin1 strings. */
export interface SeenPacket {
  readonly type: number;
  readonly args: readonly string[];
}

export type Expectation = Readonly<Record<number, readonly ExpectedPacket[]>>;

export const lit = (s: string): ArgMatch => ({ lit: s });
export const handleOf = (job: number, nul: 'no' | 'yes' | 'either' = 'no'): ArgMatch => ({ job, nul });
const anyArg: ArgMatch = { any: true };
export const pkt = (type: number, ...args: ArgMatch[]): ExpectedPacket => ({ type, args });
export const errorPkt = (code: string | undefined): ExpectedPacket => pkt(T.ERROR, code === undefined ? anyArg : lit(code), anyArg);

function matchArg(m: ArgMatch, seen: string, handles: Record<string, string>): Record<string, string> | undefined {
  if ('any' in m) return handles;
  if ('lit' in m) return m.lit === seen ? handles : undefined;
  const candidates = m.nul === 'yes' ? [seen.endsWith('\0') ? seen.slice(0, -1) : undefined] : m.nul === 'either' ? [seen, seen.endsWith('\0') ? seen.slice(0, -1) : undefined] : [seen];
  for (const h of candidates) {
    if (h === undefined || h.length === 0) continue;
    const bound = handles[m.job];
    if (bound !== undefined) {
      if (bound === h) return handles;
      continue;
    }
    // A fresh job must get a handle no other live binding uses.
    if (Object.values(handles).includes(h)) continue;
    return { ...handles, [m.job]: h };
  }
  return undefined;
}

function matchPacket(e: ExpectedPacket, s: SeenPacket, handles: Record<string, string>): Record<string, string> | undefined {
  if (e.type !== s.type || e.args.length !== s.args.length) return undefined;
  let h: Record<string, string> | undefined = handles;
  for (let i = 0; i < e.args.length && h; i++) h = matchArg(e.args[i]!, s.args[i]!, h);
  return h;
}

/**
 * Match one connection's packets against its expectation as a multiset (servers may order the
 * relays of one step differently), returning the extended handle bindings or undefined.
 */
function matchConn(expected: readonly ExpectedPacket[], seen: readonly SeenPacket[], handles: Record<string, string>): Record<string, string> | undefined {
  if (expected.length !== seen.length) return undefined;
  const used = new Array<boolean>(seen.length).fill(false);
  const go = (i: number, h: Record<string, string>): Record<string, string> | undefined => {
    if (i === expected.length) return h;
    for (let k = 0; k < seen.length; k++) {
      if (used[k]) continue;
      const h2 = matchPacket(expected[i]!, seen[k]!, h);
      if (!h2) continue;
      used[k] = true;
      const r = go(i + 1, h2);
      if (r) return r;
      used[k] = false;
    }
    return undefined;
  };
  return go(0, handles);
}

export function matchAll(expected: Expectation, seen: Readonly<Record<number, readonly SeenPacket[]>>, handles: Record<string, string>): Record<string, string> | undefined {
  let h: Record<string, string> | undefined = handles;
  const conns = new Set([...Object.keys(expected), ...Object.keys(seen)].map(Number));
  for (const c of conns) {
    h = matchConn(expected[c] ?? [], seen[c] ?? [], h);
    if (!h) return undefined;
  }
  return h;
}

/** How a model job is named to a reader ("job#1": the second job the scenario created). */
export type JobNamer = (job: number) => string | undefined;

const showArg = (m: ArgMatch, handles: Record<string, string>, jobName?: JobNamer): string => {
  if ('any' in m) return '*';
  if ('lit' in m) return /^[\x20-\x7e]*$/.test(m.lit) && m.lit.length <= 32 ? JSON.stringify(m.lit) : `<${m.lit.length}B>`;
  const h = handles[m.job];
  const name = jobName?.(m.job);
  const nul = m.nul === 'yes' ? '+NUL' : m.nul === 'either' ? '[+NUL]' : '';
  if (h === undefined) return jobName ? `<a new job's handle>${nul}` : `handle(job ${m.job})${nul}`;
  return `${JSON.stringify(h)}${nul}${name ? ` (${name})` : ''}`;
};

export function describeExpected(e: ExpectedPacket, handles: Record<string, string>, jobName?: JobNamer): string {
  return `${packetName(e.type)}(${e.args.map((a) => showArg(a, handles, jobName)).join(', ')})`;
}

const printable = (a: string): boolean => /^[\x20-\x7e]*$/.test(a) && a.length <= 32;

/** A received packet; `names` labels known handles ("H:x:3" → "job#0"). */
export function describeSeen(s: SeenPacket, names?: Readonly<Record<string, string>>): string {
  const arg = (a: string): string => {
    const nul = a.endsWith('\0') && printable(a.slice(0, -1));
    const body = nul ? a.slice(0, -1) : a;
    if (!printable(body)) return `<${a.length}B>`;
    const name = names?.[body];
    return `${JSON.stringify(body)}${nul ? '+NUL' : ''}${name ? ` (${name})` : ''}`;
  };
  return `${packetName(s.type)}(${s.args.map(arg).join(', ')})`;
}
