/**
 * The one deadline race. Every "this, or give up after N ms" in gearspec goes through here so
 * that each race clears its timer (a forgotten timer keeps the process alive and fires late).
 * Base layer: imports nothing from gearspec, so every layer may use it.
 */

/** `work`'s outcome, or a rejection with `late()` if it has not settled within `ms`. */
export function beforeDeadline<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** `work`'s outcome, or `undefined` if it has not settled within `ms` (a bounded, optional wait). */
export function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * `work`'s outcome, or `'aborted'` once `signal` aborts. The listener goes when `work` settles, so
 * a long-lived signal raced against many short waits holds on to none of them (racing a promise
 * that never settles instead keeps one reaction, and with it each wait's closure, per race).
 */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | 'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise<T | 'aborted'>((resolve, reject) => {
    const onAbort = (): void => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
