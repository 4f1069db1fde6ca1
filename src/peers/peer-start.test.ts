import { describe, expect, it } from 'vitest';
import { ERROR_CODES, PeerError, TimeoutError } from '../errors.js';
import { type ProcessExit, raceReady, withLogTail } from './peer-start.js';
import { StopOnce } from './stop-once.js';

const never = new Promise<ProcessExit>(() => undefined);

describe('peer start - raceReady', () => {
  it('resolves when ready resolves, then aborts its signal so pollers stop', async () => {
    let seen: AbortSignal | undefined;
    await raceReady({ name: 'p', exited: never }, 1000, async (signal) => {
      seen = signal;
    });
    expect(seen?.aborted).toBe(true);
  });

  it('the deadline wins over a ready that never settles, and aborts with the TimeoutError', async () => {
    let seen: AbortSignal | undefined;
    const err = await raceReady({ name: 'p', exited: never }, 30, (signal) => {
      seen = signal;
      return new Promise<void>(() => undefined);
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(seen?.reason).toBe(err);
  });

  it('an early exit fails at once, naming the subject, even when ready rejects in reaction', async () => {
    const exited = Promise.resolve<ProcessExit>({ code: 3, signal: null });
    const err = await raceReady(
      { name: 'gearmand', exited, subject: 'container' },
      5000,
      (signal) => new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(new Error('poll aborted')))),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PeerError);
    expect((err as PeerError).code).toBe(ERROR_CODES.PEER_EXITED);
    expect((err as Error).message).toContain('container exited with code 3 before it was ready');
  });

  it('without a subject the early-exit message describes the exit alone', async () => {
    const err = await raceReady({ name: 'p', exited: Promise.resolve({ code: null, signal: 'SIGKILL' }) }, 5000, () => new Promise<void>(() => undefined)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/: was killed by SIGKILL before it was ready$/);
  });
});

describe('peer start - withLogTail', () => {
  it('appends the last 20 log lines and keeps the whole log and the cause', () => {
    const log = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const cause = new Error('root');
    const e = withLogTail(ERROR_CODES.PEER_START_FAILED, 'gearmand', 'did not start', log, cause);
    expect(e.code).toBe(ERROR_CODES.PEER_START_FAILED);
    expect(e.message).toContain('did not start\n--- last output of gearmand ---\nline 10\n');
    expect(e.message).not.toContain('line 9\n');
    expect(e.cause).toBe(cause);
  });

  it('says so when the peer printed nothing', () => {
    expect(withLogTail(ERROR_CODES.PEER_START_FAILED, 'p', 'failed', '  \n', undefined).message).toMatch(/failed \(no output\)$/);
  });
});

describe('peer handles - StopOnce', () => {
  class Counting extends StopOnce<number> {
    calls = 0;
    protected async stopNow(): Promise<number> {
      this.calls++;
      return this.calls;
    }
  }

  it('stop is idempotent and serialised: one teardown, the same promise every time', async () => {
    const h = new Counting();
    const [a, b] = [h.stop(), h.stop()];
    expect(a).toBe(b);
    expect(await a).toBe(1);
    expect(await h.stop()).toBe(1);
    expect(h.calls).toBe(1);
  });

  it('await using stops the handle', async () => {
    const h = new Counting();
    {
      await using _ = h;
    }
    expect(h.calls).toBe(1);
  });
});
