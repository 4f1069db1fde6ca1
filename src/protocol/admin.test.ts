import { describe, expect, it } from 'vitest';
import { parsePriorityStatusRows, parseStatusRows } from './admin.js';

describe('admin listing rows', () => {
  it('parses an ordinary status row', () => {
    expect(parseStatusRows(['f\t2\t1\t3'])).toEqual([{ function: 'f', total: 2, running: 1, workers: 3 }]);
  });

  it('keeps a function name with a TAB whole when the server prints it raw', () => {
    expect(parseStatusRows(['pre\tf\t1\t0\t1'])).toEqual([{ function: 'pre\tf', total: 1, running: 0, workers: 1 }]);
    expect(parsePriorityStatusRows(['pre\tf\t0\t1\t0\t2'])).toEqual([{ function: 'pre\tf', high: 0, normal: 1, low: 0, workers: 2 }]);
  });

  it('reports counts a short or malformed row lacks as NaN', () => {
    const [short] = parseStatusRows(['f\t1']);
    expect(short?.function).toBe('f');
    expect(short?.total).toBe(1);
    expect(short?.running).toBeNaN();
    expect(parseStatusRows(['f\tx\t1\t2'])[0]?.total).toBeNaN();
  });
});
