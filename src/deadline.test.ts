import { describe, expect, it } from 'vitest';
import { beforeDeadline, within } from './deadline.js';

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
