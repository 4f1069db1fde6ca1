/**
 * The verdicts, drawn once the run is over from the ledger's books (ledger.ts): every submitted job
 * gets exactly one (types.ts SoakVerdict), and every job that did not complete exactly once with
 * its own bytes becomes a finding with its transcript. A job a worker ran more than once is a rerun
 * after a kill when the instance that ran it before had gone away (the server requeued it, as it
 * should), or after a restart of the server in between; with neither it is duplicated. A job out
 * when the server restarted that the restart ended is dropped (types.ts), not a deviation.
 */
import { ALTERNATIVES } from '../protocol/alternatives.js';
import type { JobRecord, Ledger, Line, Run } from './ledger.js';
import { jobId, uniqueGroup } from './plan.js';
import type { Deviation, JobFinding, PairCounts, SoakCounts, SoakVerdict } from './types.js';

interface Judged {
  readonly verdict: SoakVerdict | 'unfinished';
  readonly detail: string;
  readonly reruns: number;
}

export interface Judgement {
  readonly totals: SoakCounts;
  readonly pairs: readonly PairCounts[];
  readonly findings: readonly JobFinding[];
  readonly rerunJobs: readonly string[];
  readonly coalescing: { readonly pairs: number; readonly joined: number; readonly reused: number };
  /** Handles a worker ran that no job of the run can be tied to. */
  readonly unattributed: readonly string[];
}

const ZERO: SoakCounts = { submitted: 0, completed: 0, corrupted: 0, failed: 0, refused: 0, lost: 0, duplicated: 0, dropped: 0, rerunsAfterKills: 0, unfinished: 0 };

/**
 * `endT` is when the run stopped waiting (ms since it began); with `interrupted`, a job whose
 * deadline was still ahead then is unfinished, not lost. `pairOrder` lists the client × worker
 * pairs in the order of the table; `loadMs` is what jobs/s are per.
 */
export function judge(ledger: Ledger, endT: number, interrupted: boolean, pairOrder: readonly { client: string; worker: string }[], loadMs: number): Judgement {
  // Runs no `created` named are tied to a job by the unique the worker saw, if it saw one.
  const byUnique = new Map<JobRecord, Run[]>();
  const unattributed: string[] = [];
  for (const [handle, runs] of ledger.runs) {
    if (ledger.hasHandle(handle)) continue;
    const group = uniqueGroup(runs[0]?.unique);
    const owners = group === undefined ? [] : ledger.jobsOfGroup(group).filter((r) => r.handles.length === 0);
    if (owners.length === 0) {
      unattributed.push(handle);
      continue;
    }
    for (const run of runs) ledger.checkByGroup(run, group!);
    for (const rec of owners) byUnique.set(rec, [...(byUnique.get(rec) ?? []), ...runs]);
  }

  const counts = new Map<string, Record<keyof SoakCounts, number>>(pairOrder.map((p) => [pairKey(p), { ...ZERO }]));
  const totals: Record<keyof SoakCounts, number> = { ...ZERO };
  const findings: JobFinding[] = [];
  const rerunJobs: string[] = [];
  const groups = new Map<number, Set<string>>();
  const reused = reusedHandles(ledger);
  for (const rec of ledger.records) {
    const runs = reused.get(rec) ?? [...rec.handles.flatMap((h) => ledger.runsOf(h)), ...(byUnique.get(rec) ?? [])].sort((a, b) => a.t - b.t);
    const j = judgeJob(rec, runs, ledger, endT, interrupted);
    const pair = counts.get(pairKey(rec.job)) ?? { ...ZERO };
    counts.set(pairKey(rec.job), pair);
    for (const c of [pair, totals]) {
      if (j.verdict !== 'unfinished') c.submitted++;
      c[j.verdict]++;
      if (j.reruns > 0) c.rerunsAfterKills++;
    }
    if (j.reruns > 0 && j.verdict === 'completed') rerunJobs.push(rec.job.id);
    if (rec.job.partner !== undefined) {
      const handles = groups.get(rec.job.group) ?? new Set<string>();
      for (const h of rec.handles) handles.add(h);
      groups.set(rec.job.group, handles);
    }
    if (j.verdict !== 'completed' && j.verdict !== 'unfinished' && j.verdict !== 'dropped') findings.push(finding(rec, j.verdict, j.detail, runs, ledger));
  }
  const pairs: PairCounts[] = [...counts].map(([key, c]) => {
    const [client, worker] = key.split('\0') as [string, string];
    return { client, worker, ...c, jobsPerSecond: loadMs > 0 ? Math.round((c.completed / loadMs) * 10_000) / 10 : 0 };
  });
  // A pair of jobs sharing one handle: the server joined the second submit to the first job.
  const submittedPairs = [...groups.keys()].filter((g) => ledger.jobsOfGroup(g).length === 2);
  const joined = submittedPairs.filter((g) => {
    const [a, b] = ledger.jobsOfGroup(g);
    return !reused.has(a!) && a!.handles.some((h) => b!.handles.includes(h));
  }).length;
  findings.sort((a, b) => Number(a.job.slice(1)) - Number(b.job.slice(1)));
  return { totals, pairs, findings, rerunJobs, coalescing: { pairs: submittedPairs.length, joined, reused: reused.size / 2 }, unattributed };
}

/**
 * A coalescing pair whose second job got the first job's handle after the first had ended: a
 * server that derives handles from the unique (abraxas: `unique:<unique>`) hands the same handle
 * to a new job once the old one is gone, which spec §4.1 allows (distinct handles only among live
 * jobs). Two runs of one handle, one after the other, each client with one correct result, are
 * then two jobs. The only sign of one joined job run twice instead is that both clients had their
 * result before the second run began (they heard the first run's result together); the times come
 * from different driver processes, so nothing stricter can be asked of them under load. A server
 * that ran a joined job again and sent the second result to no one looks the same as a reuse: it
 * is counted under `reused`, which a server with counter handles should never show.
 */
function reusedHandles(ledger: Ledger): Map<JobRecord, Run[]> {
  const own = new Map<JobRecord, Run[]>();
  const seen = new Set<number>();
  for (const rec of ledger.records) {
    const group = rec.job.group;
    if (rec.job.partner === undefined || seen.has(group)) continue;
    seen.add(group);
    const jobs = ledger.jobsOfGroup(group);
    if (jobs.length !== 2) continue;
    const [a, b] = jobs as [JobRecord, JobRecord];
    const handle = a.handles.length === 1 && b.handles.length === 1 && a.handles[0] === b.handles[0] ? a.handles[0]! : undefined;
    if (handle === undefined || a.ends.length !== 1 || b.ends.length !== 1) continue;
    const runs = [...ledger.runsOf(handle)].sort((x, y) => x.t - y.t);
    if (runs.length !== 2) continue;
    const [r1, r2] = runs as [Run, Run];
    if (r1.finished === undefined || r2.finished === undefined || r2.t < r1.finished) continue;
    if (a.ends[0]!.kind !== 'complete' || b.ends[0]!.kind !== 'complete' || a.ends[0]!.mismatch || b.ends[0]!.mismatch) continue;
    const [first, second] = a.ends[0]!.t <= b.ends[0]!.t ? [a, b] : [b, a];
    if (second.ends[0]!.t < r2.t) continue;
    own.set(first, [r1]);
    own.set(second, [r2]);
  }
  return own;
}

const pairKey = (p: { client: string; worker: string }): string => `${p.client}\0${p.worker}`;

function judgeJob(rec: JobRecord, runs: readonly Run[], ledger: Ledger, endT: number, interrupted: boolean): Judged {
  let reruns = 0;
  const doubles: string[] = [];
  for (let i = 1; i < runs.length; i++) {
    const before = runs[i - 1]!;
    if (ledger.gone(before.instance) || ledger.restartBetween(before.t, runs[i]!.t) !== undefined) reruns++;
    else doubles.push(`${before.instance} at +${before.t} ms, then ${runs[i]!.instance} at +${runs[i]!.t} ms`);
  }
  const j = (verdict: SoakVerdict | 'unfinished', detail: string): Judged => ({ verdict, detail, reruns });
  const errors = rec.errors.length > 0 ? `; the client library reported: ${rec.errors.join(' | ')}` : '';
  // A restart (--restart-every) while the job was out: the server forgot what it held.
  const endedAt = rec.job.background ? runs.find((r) => r.finished !== undefined)?.finished : rec.ends[0]?.t;
  const restart = ledger.restartBetween(rec.sentAt, endedAt ?? rec.deadline);
  const restarted = restart !== undefined ? `the server restarted at +${restart} ms while it was out` : '';
  if (rec.handles.length === 0 && rec.ends.length === 0 && rec.errors.length > 0 && restart !== undefined) return j('dropped', `${restarted}${errors}`);
  if (rec.handles.length === 0 && rec.ends.length === 0 && rec.errors.length > 0) return j('refused', `the client library reported an error instead of a handle: ${rec.errors.join(' | ')}`);
  const badEnd = rec.ends.find((e) => e.mismatch);
  if (badEnd?.mismatch) {
    const m = badEnd.mismatch;
    return j('corrupted', `the result its client got was wrong: ${m.words}${m.sameAs ? ` — it is ${m.sameAs}'s payload` : ''}`);
  }
  const badRun = runs.find((r) => r.mismatch);
  if (badRun?.mismatch) return j('corrupted', `the worker ${badRun.instance} was given the wrong bytes: ${badRun.mismatch.words}`);
  if (rec.ends.length > 1) return j('duplicated', `its client reported ${rec.ends.length} ends (${rec.ends.map((e) => e.kind).join(', ')})`);
  if (doubles.length > 0) {
    const shown = doubles.slice(0, SHOWN_DOUBLES).join('; ');
    const more = doubles.length > SHOWN_DOUBLES ? `; … ${runs.length} runs in all` : '';
    const noResult = !rec.job.background && rec.ends.length === 0 ? `; its client got no result by its deadline (+${rec.deadline} ms)` : '';
    return j('duplicated', `a worker ran it again with no worker lost in between: ${shown}${more}${noResult}`);
  }
  const last = runs.at(-1);
  // The job's last run was on a worker that went away before finishing it: the server either
  // requeues it (and a later run shows) or ends it (alternative worker-death: fail).
  const lastGone = last && last.finished === undefined ? ledger.gone(last.instance) : undefined;
  const whyGone = lastGone && last ? `its worker ${last.instance} ${lastGone.killed ? 'was killed' : 'exited on its own'} while running it` : undefined;
  const deathChoice = lastGone?.killed ? ` (the server's choice "${ALTERNATIVES['worker-death'].choices.fail}": alternative worker-death: fail)` : '';
  const open = interrupted && rec.deadline > endT;
  if (!rec.job.background) {
    const end = rec.ends[0];
    if (!end) {
      if (open && rec.errors.length === 0) return j('unfinished', 'still running when the run was interrupted');
      if (restart !== undefined && rec.errors.length > 0) return j('dropped', `${restarted}${errors}`);
      if (restart !== undefined) return j('lost', `${restarted}, and its client reported neither a result nor an error by its deadline (+${rec.deadline} ms)`);
      const where = whyGone
        ? `${whyGone}, and no worker ran it again`
        : runs.length === 0
          ? 'no worker took it'
          : last?.finished !== undefined
            ? `the worker ${last.instance} finished it at +${last.finished} ms`
            : `the worker ${last!.instance} took it at +${last!.t} ms and never finished it`;
      return j('lost', `no result by its deadline (+${rec.deadline} ms)${rec.handles.length === 0 ? ', and no handle' : ''}: ${where}${errors}`);
    }
    if (end.kind !== 'complete' && restart !== undefined) return j('dropped', `${restarted}; its client got ${end.kind === 'fail' ? 'WORK_FAIL' : 'WORK_EXCEPTION'}`);
    if (end.kind !== 'complete') return j('failed', `its client got ${end.kind === 'fail' ? 'WORK_FAIL' : 'WORK_EXCEPTION'}${whyGone ? `; ${whyGone}${deathChoice}` : ''}`);
    return j('completed', '');
  }
  if (runs.some((r) => r.finished !== undefined)) return j('completed', '');
  if (open && rec.errors.length === 0) return j('unfinished', 'still running when the run was interrupted');
  if (restart !== undefined) return j('dropped', `${restarted}, and no worker finished it${errors}`);
  if (rec.handles.length === 0) return j('lost', `its client reported no handle by its deadline (+${rec.deadline} ms)${errors}`);
  const where = whyGone
    ? `${whyGone}, and no worker ran it again${deathChoice}`
    : runs.length === 0
      ? 'no worker took it'
      : `the worker ${last!.instance} took it at +${last!.t} ms and never finished it`;
  return j('lost', `no worker finished it by its deadline (+${rec.deadline} ms): ${where}${errors}`);
}

/** Runs again named in a duplicate's detail; a storm of reruns is counted, not listed. */
const SHOWN_DOUBLES = 3;
/** Transcript lines kept at each end of a finding's transcript (a job run thousands of times). */
const TRANSCRIPT_ENDS = 100;

function shortened(lines: string[]): string[] {
  if (lines.length <= 2 * TRANSCRIPT_ENDS) return lines;
  return [...lines.slice(0, TRANSCRIPT_ENDS), `… ${lines.length - 2 * TRANSCRIPT_ENDS} lines left out …`, ...lines.slice(-TRANSCRIPT_ENDS)];
}

function finding(rec: JobRecord, verdict: Deviation, detail: string, runs: readonly Run[], ledger: Ledger): JobFinding {
  const handles = new Set([...rec.handles, ...runs.map((r) => r.handle)]);
  const lines: Line[] = [...rec.lines, ...[...handles].flatMap((h) => ledger.workerLines(h))].sort((a, b) => a.t - b.t);
  const m = rec.ends.find((e) => e.mismatch)?.mismatch ?? runs.find((r) => r.mismatch)?.mismatch;
  const job = rec.job;
  return {
    job: job.id,
    client: job.client,
    worker: job.worker,
    priority: job.priority,
    background: job.background,
    size: job.size,
    unique: rec.unique,
    ...(job.partner !== undefined ? { partner: jobId(job.partner) } : {}),
    verdict,
    detail,
    handles: rec.handles,
    ...(m
      ? { mismatch: { expectedLength: m.expectedLength, length: m.length, firstDifference: m.firstDifference, ...('sameAs' in m && typeof m.sameAs === 'string' ? { sameAs: m.sameAs } : {}) } }
      : {}),
    transcript: shortened(lines.map((l) => `+${String(l.t).padStart(6)}ms ${l.text}`)),
  };
}
