import { describe, expect, it } from 'vitest';
import { beforeDeadline, unlessAborted, within } from './deadline.js';

const never = new Promise<string>(() => undefined);

describe('beforeDeadline', () => {
  it('passes the value through when the work settles in time', async () => {
    await expect(beforeDeadline(Promise.resolve('ok'), 1000, () => new Error('late'))).resolves.toBe('ok');
  });
  it('passes a rejection through unchanged', async () => {
    await expect(beforeDeadline(Promise.reject(new Error('boom')), 1000, () => new Error('late'))).rejects.toThrow('boom');
  });
  it('rejects with the late error at the deadline', async () => {
    await expect(beforeDeadline(never, 10, () => new Error('too slow'))).rejects.toThrow('too slow');
  });
});

describe('within', () => {
  it('is the value when the work settles in time', async () => {
    await expect(within(Promise.resolve(3), 1000)).resolves.toBe(3);
  });
  it('is undefined when the work is still running at the deadline', async () => {
    await expect(within(never, 10)).resolves.toBeUndefined();
  });
  it('passes a rejection through', async () => {
    await expect(within(Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom');
  });
});

describe('unlessAborted', () => {
  it('is the work’s value, or "aborted" once the signal aborts', async () => {
    const ctl = new AbortController();
    expect(await unlessAborted(Promise.resolve(7), ctl.signal)).toBe(7);
    const pending = unlessAborted(new Promise<number>(() => undefined), ctl.signal);
    ctl.abort();
    expect(await pending).toBe('aborted');
    expect(await unlessAborted(Promise.resolve(7), ctl.signal)).toBe('aborted');
  });

  it('leaves no listener on the signal once the work has settled', async () => {
    const ctl = new AbortController();
    let listeners = 0;
    const add = ctl.signal.addEventListener.bind(ctl.signal);
    const remove = ctl.signal.removeEventListener.bind(ctl.signal);
    ctl.signal.addEventListener = ((...a: Parameters<typeof add>) => (listeners++, add(...a))) as typeof add;
    ctl.signal.removeEventListener = ((...a: Parameters<typeof remove>) => (listeners--, remove(...a))) as typeof remove;
    for (let i = 0; i < 100; i++) await unlessAborted(Promise.resolve(i), ctl.signal);
    await expect(unlessAborted(Promise.reject(new Error('x')), ctl.signal)).rejects.toThrow('x');
    expect(listeners).toBe(0);
  });
});
