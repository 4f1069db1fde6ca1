import { describe, expect, it } from 'vitest';
import { LogRing } from './log-ring.js';

describe('LogRing', () => {
  it('keeps everything under the limit, prefixed per line with the source', () => {
    const ring = new LogRing(4096);
    ring.append('stderr', 'a\nb\n');
    ring.append('stdout', Buffer.from('c\n'));
    expect(ring.text()).toBe('[stderr] a\n[stderr] b\n[stdout] c\n');
  });

  it('drops the oldest output past the limit and says so', () => {
    const ring = new LogRing(1024);
    for (let i = 0; i < 500; i++) ring.append('', `line ${i}\n`);
    const text = ring.text();
    expect(text.length).toBeLessThan(1024 + 100);
    expect(text).toMatch(/^\[… \d+ earlier characters dropped\]/);
    expect(text).toContain('line 499\n');
    expect(text).not.toContain('line 0\n');
  });

  it('keeps the tail of one chunk larger than the limit', () => {
    const ring = new LogRing(1024);
    ring.append('', `${'x'.repeat(5000)}END`);
    expect(ring.text().endsWith('END')).toBe(true);
    expect(ring.tail(1).length).toBeLessThanOrEqual(1024);
  });

  it('tail returns the last lines only', () => {
    const ring = new LogRing();
    ring.append('', '1\n2\n3\n4\n');
    expect(ring.tail(2)).toBe('3\n4');
  });
});
