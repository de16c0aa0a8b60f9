import { LineSplitter } from '../../src/results/line-splitter';

const texts = (lines: { content: Buffer }[]) => lines.map((l) => l.content.toString('utf8'));

describe('LineSplitter', () => {
  it('keeps raw bytes (CRLF included) while giving content without terminators', () => {
    const s = new LineSplitter(1024);
    const lines = [...s.push(Buffer.from('a\r\nb\nc')), ...s.end()];
    expect(texts(lines)).toEqual(['a', 'b', 'c']);
    expect(Buffer.concat(lines.map((l) => l.raw)).toString()).toBe('a\r\nb\nc');
  });

  it('joins a line split across many chunks', () => {
    const s = new LineSplitter(1024);
    const out = [
      ...s.push(Buffer.from('{"x"')),
      ...s.push(Buffer.from(':1')),
      ...s.push(Buffer.from('}\n{"y":2}\n')),
    ];
    expect(texts(out)).toEqual(['{"x":1}', '{"y":2}']);
    expect(s.end()).toEqual([]);
  });

  it('reports an oversized line without buffering it, then carries on', () => {
    const s = new LineSplitter(100);
    const big = Buffer.alloc(10_000, 0x61);
    const out = [...s.push(Buffer.from('ok\n')), ...s.push(big), ...s.push(Buffer.from('tail\nnext\n'))];
    expect(out).toHaveLength(3);
    expect(out[0]!.oversized).toBe(false);
    expect(out[1]!.oversized).toBe(true);
    expect(out[1]!.length).toBe(10_000 + 5);
    expect(out[1]!.content.length).toBeLessThanOrEqual(1024);
    expect(out[2]!.content.toString()).toBe('next');
  });
});
