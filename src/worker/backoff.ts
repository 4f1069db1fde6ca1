/** Bounded exponential backoff for reconnects: initial, doubling, capped. */
export interface Backoff {
  /** Delay before attempt `n` (1-based). */
  delayMs(attempt: number): number;
  readonly maxAttempts: number;
}

export function makeBackoff(o: { initialMs?: number; maxMs?: number; maxAttempts?: number } = {}): Backoff {
  const initial = Math.max(1, o.initialMs ?? 50);
  const max = Math.max(initial, o.maxMs ?? 2000);
  return {
    delayMs: (attempt) => Math.min(max, initial * 2 ** Math.min(30, Math.max(0, attempt - 1))),
    maxAttempts: o.maxAttempts ?? Number.POSITIVE_INFINITY,
  };
}
