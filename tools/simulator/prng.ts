/**
 * Counter-based randomness: every decision is a pure hash of (seed, what, index), so a decision
 * about line 900 000 costs the same as one about line 0 and never depends on what was asked before.
 */

// Module-level aliases: under jest every lookup of a global (Math, JSON, ...) goes through the vm
// context's interceptors and costs ~100x more, which made rendering a large file take minutes.
const { imul, floor } = Math;

/** murmur3's 32-bit finaliser: a cheap, well-mixed bijection on uint32. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uint32 hash of a list of integers (each taken modulo 2^32, plus its high part for large ones). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const low = part >>> 0;
    const high = floor(part / 0x1_0000_0000) >>> 0;
    h = fmix32(h ^ low);
    h = fmix32((h + high + 0x6a09e667) >>> 0);
  }
  return h;
}

/** A float in [0, 1) from the same inputs as {@link hash32}. */
export function unitFloat(...parts: number[]): number {
  return hash32(...parts) / 0x1_0000_0000;
}

/** A stable uint32 for a string (FNV-1a), to feed strings such as ids into {@link hash32}. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `length` lowercase hex characters derived from the parts. */
export function hexFrom(length: number, ...parts: number[]): string {
  let out = '';
  for (let block = 0; out.length < length; block++) {
    out += hash32(...parts, block)
      .toString(16)
      .padStart(8, '0');
  }
  return out.slice(0, length);
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A chain of hashes for line `index` under `base`: the first is a bijection of the index, so ids
 * built from it never collide within a batch; the rest extend it cheaply. This is the hot path of
 * rendering a million lines.
 */
export function lineHashes(base: number, index: number, count: number): number[] {
  let h = fmix32((base ^ index) >>> 0);
  const out = [h];
  for (let i = 1; i < count; i++) {
    h = fmix32((h + 0x9e3779b9) >>> 0);
    out.push(h);
  }
  return out;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hexOf(words: readonly number[], length: number): string {
  let out = '';
  // Table lookups: Number#toString(16) + padStart dominated the rendering profile.
  for (const word of words) {
    out += `${HEX_BYTES[word >>> 24]}${HEX_BYTES[(word >>> 16) & 0xff]}${HEX_BYTES[(word >>> 8) & 0xff]}${HEX_BYTES[word & 0xff]}`;
  }
  return out.slice(0, length);
}

export function alnumOf(words: readonly number[], length: number): string {
  let out = '';
  for (let word of words) {
    for (let i = 0; i < 5; i++) {
      out += ALNUM[word % 62];
      word = floor(word / 62);
    }
  }
  return out.slice(0, length);
}

/** `length` alphanumeric characters derived from the parts, like OpenAI's file ids. */
export function alnumFrom(length: number, ...parts: number[]): string {
  let out = '';
  // 62^5 < 2^32, so one hash yields five characters.
  for (let block = 0; out.length < length; block++) {
    let h = hash32(...parts, block);
    for (let i = 0; i < 5; i++) {
      out += ALNUM[h % 62];
      h = floor(h / 62);
    }
  }
  return out.slice(0, length);
}
