import { describe, expect, it } from 'vitest';
import { WaitQueue } from './wait-queue.js';

type Ev = { kind: 'data'; n: number } | { kind: 'closed' };
const busy = (): Error => new Error('busy');
const queue = (): WaitQueue<Ev> => new WaitQueue<Ev>((e) => e.kind === 'closed');

describe('WaitQueue', () => {
  it('returns queued events in order, then the timeout value', async () => {
    const q = queue();
    q.push({ kind: 'data', n: 1 });
    q.push({ kind: 'data', n: 2 });
    expect(await q.next(100, () => 'late', busy)).toEqual({ kind: 'data', n: 1 });
    expect(await q.next(100, () => 'late', busy)).toEqual({ kind: 'data', n: 2 });
    expect(await q.next(10, () => 'late', busy)).toBe('late');
  });

  it('hands a pushed event to the waiting reader', async () => {
    const q = queue();
    const read = q.next(1000, () => 'late', busy);
    q.push({ kind: 'data', n: 7 });
    expect(await read).toEqual({ kind: 'data', n: 7 });
    expect(q.queued).toEqual([]);
  });

  it('keeps a sticky event at the head, whether it was queued or awaited', async () => {
    const q = queue();
    const read = q.next(1000, () => 'late', busy);
    q.push({ kind: 'closed' });
    expect(await read).toEqual({ kind: 'closed' });
    expect(await q.next(10, () => 'late', busy)).toEqual({ kind: 'closed' });
    expect(await q.next(10, () => 'late', busy)).toEqual({ kind: 'closed' });
  });

  it('throws busy() on a second read while one waits, and frees the reader at its deadline', async () => {
    const q = queue();
    const first = q.next(20, () => 'late', busy);
    expect(() => q.next(20, () => 'late', busy)).toThrow('busy');
    expect(await first).toBe('late');
    q.push({ kind: 'data', n: 3 });
    expect(await q.next(20, () => 'late', busy)).toEqual({ kind: 'data', n: 3 });
  });

  it('unshift puts an event back in front; drain empties the queue', () => {
    const q = queue();
    q.push({ kind: 'data', n: 2 });
    q.unshift({ kind: 'data', n: 1 });
    expect(q.drain()).toEqual([
      { kind: 'data', n: 1 },
      { kind: 'data', n: 2 },
    ]);
    expect(q.queued).toEqual([]);
  });
});
