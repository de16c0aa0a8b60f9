/**
 * Splits a byte stream into lines without decoding it, so what is written is byte-for-byte what
 * was served (CRLF, odd bytes and all). Lines longer than `maxLineBytes` are not buffered: they are
 * reported as oversized with a short preview and skipped to the next newline, so one huge line
 * cannot exhaust memory. With `streamOversized`, such a line is instead handed over in fragments
 * as its bytes arrive (for copying a line through whole without holding it).
 */
export interface Line {
  /** The line's bytes including its terminator (`\n`, `\r\n`, or none for a last unterminated line). */
  raw: Buffer;
  /** The line's content without its terminator. For an oversized line, only a preview. */
  content: Buffer;
  /** True when the line exceeded maxLineBytes and was cut. */
  oversized: boolean;
  /** Full length of the line in bytes, terminator included. */
  length: number;
  /**
   * Only with `streamOversized`: this is a piece of an oversized line, `raw` holds its bytes, in
   * order: 'first' (with the preview as content), then 'more' pieces, then 'last' (whose `length`
   * is the whole line's). A line that arrives whole is one 'whole' piece.
   */
  fragment?: 'first' | 'more' | 'last' | 'whole';
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const PREVIEW_BYTES = 1024;

function contentOf(raw: Buffer): Buffer {
  let end = raw.length;
  if (end > 0 && raw[end - 1] === NEWLINE) end--;
  if (end > 0 && raw[end - 1] === CR) end--;
  return raw.subarray(0, end);
}

export class LineSplitter {
  private carry: Buffer[] = [];
  private carryLength = 0;
  private skipping: { preview: Buffer; length: number } | null = null;
  private fragments: Line[] = [];

  constructor(
    private readonly maxLineBytes: number,
    private readonly opts: { streamOversized?: boolean } = {},
  ) {}

  /** Feeds one chunk; returns the lines it completed. Returned buffers may share the chunk's memory. */
  push(chunk: Buffer): Line[] {
    const lines: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl + 1);
      start = nl + 1;
      if (this.skipping) {
        lines.push(this.finishOversized(piece));
      } else if (this.carryLength === 0) {
        lines.push({ raw: piece, content: contentOf(piece), oversized: false, length: piece.length });
      } else {
        const raw = Buffer.concat([...this.carry, piece], this.carryLength + piece.length);
        this.carry = [];
        this.carryLength = 0;
        lines.push(this.lineOrOversized(raw));
      }
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
    if (this.fragments.length > 0) {
      lines.push(...this.fragments);
      this.fragments = [];
    }
    return lines;
  }

  /** Ends the stream; returns the last line when it had no terminator. */
  end(): Line[] {
    if (this.skipping) return [this.finishOversized(Buffer.alloc(0))];
    if (this.carryLength === 0) return [];
    const raw = Buffer.concat(this.carry, this.carryLength);
    this.carry = [];
    this.carryLength = 0;
    return [this.lineOrOversized(raw)];
  }

  private lineOrOversized(raw: Buffer): Line {
    if (raw.length <= this.maxLineBytes)
      return { raw, content: contentOf(raw), oversized: false, length: raw.length };
    if (this.opts.streamOversized)
      return {
        raw,
        content: raw.subarray(0, PREVIEW_BYTES),
        oversized: true,
        length: raw.length,
        fragment: 'whole',
      };
    return {
      raw: Buffer.alloc(0),
      content: raw.subarray(0, PREVIEW_BYTES),
      oversized: true,
      length: raw.length,
    };
  }

  private hold(rest: Buffer): void {
    if (this.skipping) {
      this.skipping.length += rest.length;
      if (this.opts.streamOversized)
        this.fragments.push({ ...this.fragment('more', Buffer.from(rest)), length: this.skipping.length });
      return;
    }
    // Copy: the caller's chunk may be reused once push returns.
    this.carry.push(Buffer.from(rest));
    this.carryLength += rest.length;
    if (this.carryLength > this.maxLineBytes) {
      const joined = Buffer.concat(this.carry, this.carryLength);
      this.skipping = { preview: Buffer.from(joined.subarray(0, PREVIEW_BYTES)), length: joined.length };
      this.carry = [];
      this.carryLength = 0;
      if (this.opts.streamOversized)
        this.fragments.push({ ...this.fragment('first', joined), length: joined.length });
    }
  }

  private fragment(fragment: NonNullable<Line['fragment']>, raw: Buffer): Line {
    return { raw, content: this.skipping!.preview, oversized: true, length: raw.length, fragment };
  }

  private finishOversized(tail: Buffer): Line {
    const tailLength = tail.length;
    const skipped = this.skipping!;
    this.skipping = null;
    return {
      raw: this.opts.streamOversized ? tail : Buffer.alloc(0),
      ...(this.opts.streamOversized ? { fragment: 'last' as const } : {}),
      content: skipped.preview,
      oversized: true,
      length: skipped.length + tailLength,
    };
  }
}
