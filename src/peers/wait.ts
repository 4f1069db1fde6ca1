/** Small timing helpers: every wait in the peers layer has a deadline and can be abandoned. */
import { beforeDeadline } from '../deadline.js';
import { TimeoutError } from '../errors.js';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `work` with an AbortSignal that fires at the deadline (or when `outer` aborts); rejects
 * with TimeoutError at the deadline even if `work` ignores the signal.
 */
export async function withDeadline<T>(what: string, timeoutMs: number, work: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  const onOuter = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  const late = (): Error => {
    const err = new TimeoutError(what, timeoutMs);
    controller.abort(err);
    return err;
  };
  try {
    return await beforeDeadline(work(controller.signal), timeoutMs, late);
  } finally {
    outer?.removeEventListener('abort', onOuter);
    if (!controller.signal.aborted) controller.abort(new Error('done'));
  }
}
