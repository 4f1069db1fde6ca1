/**
 * State shared by the client steps, and the side worker that sees uniques: the reference
 * driver's worker grabs with GRAB_JOB and never learns a job's unique, so a plain reference worker
 * that grabs with GRAB_JOB_UNIQ serves the one function where the unique matters.
 */
import type { CheckContext } from './context.js';
import { FN } from './client-setup.js';

/** What later client steps need from earlier ones. */
export interface ClientState {
  backgroundHandle?: string;
  /** Job handle → the unique its worker received (GRAB_JOB_UNIQ), once the unique worker runs. */
  uniques?: Map<string, string | undefined>;
}

/** Start (once) the side worker for FN.unique; its map records each job's unique by handle. */
export async function uniqueSeen(ctx: CheckContext, state: ClientState): Promise<Map<string, string | undefined>> {
  if (state.uniques) return state.uniques;
  const seen = new Map<string, string | undefined>();
  const w = await ctx.lab.worker('GRAB_JOB_UNIQ');
  w.register(FN.unique, (job) => {
    seen.set(job.handle, job.unique);
    return job.data;
  });
  w.work();
  state.uniques = seen;
  return seen;
}
