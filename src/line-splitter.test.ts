import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

describe('LineSplitter', () => {
  it('gives each line once, whatever the chunking, with CRLF and empty lines', () => {
    const text = 'one\r\ntwo\n\nthree\nfour-without-newline';
    for (const size of [1, 2, 3, 5, 7, text.length]) {
      const s = new LineSplitter();
      const lines: string[] = [];
      for (let i = 0; i < text.length; i += size) lines.push(...s.push(text.slice(i, i + size)));
      expect(lines, `chunks of ${size}`).toEqual(['one', 'two', '', 'three']);
      expect(s.push('\n')).toEqual(['four-without-newline']);
    }
  });

  it('a 1.4 MB line in 64 KiB chunks arrives whole', () => {
    const line = 'x'.repeat(1_400_000);
    const s = new LineSplitter();
    const out: string[] = [];
    const text = `${line}\nnext\n`;
    for (let i = 0; i < text.length; i += 65_536) out.push(...s.push(text.slice(i, i + 65_536)));
    expect(out).toEqual([line, 'next']);
  });
});
