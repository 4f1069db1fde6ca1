import { describe, expect, it } from 'vitest';
import { Wakeup } from './wakeup.js';

describe('Wakeup', () => {
  it('a sleep ends at its time when no one wakes it', async () => {
    const w = new Wakeup();
    const t0 = performance.now();
    await w.sleep(30);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('wake() ends the sleep early, and a wake with no sleeper does nothing', async () => {
    const w = new Wakeup();
    w.wake();
    const t0 = performance.now();
    const slept = w.sleep(10_000);
    w.wake();
    await slept;
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
