import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fifo } from './fifo.js';

describe('Fifo', () => {
  it('behaves like an array queue under any sequence of pushes and shifts', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 5000 }), (ops) => {
        const q = new Fifo<number>();
        const model: number[] = [];
        for (const op of ops) {
          if (op === null) expect(q.shift()).toBe(model.shift());
          else {
            q.push(op);
            model.push(op);
          }
          expect(q.length).toBe(model.length);
          expect(q.peek()).toBe(model[0]);
        }
        expect([...q]).toEqual(model);
      }),
      { numRuns: 50 },
    );
  });

  it('stays fast with a long backlog (compaction keeps shift O(1) amortised)', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 200_000; i++) q.push(i);
    const t0 = performance.now();
    for (let i = 0; i < 199_000; i++) q.shift();
    expect(performance.now() - t0).toBeLessThan(500);
    expect(q.peek()).toBe(199_000);
  });
});
