import { weight, type Anchor } from './anchors.js';

// Where in a text the scanner must look: around each anchor hit, as far as the
// pattern's matches reach on either side of it. Every match contains one of its
// pattern's anchors, so every match lies inside a window, and text outside all
// windows cannot hold a match.
//
// Hits are found with native searches only: String.prototype.indexOf for characters
// and literals, and for non-ASCII anchors a RegExp that is a single character class
// (no quantifier, no alternation: linear by construction). They skip ordinary text
// far faster than any per-character loop in JavaScript, so even common anchor
// characters (digits, `:`) are worth trying: where they turn out to be everywhere,
// the search gives up early and the caller scans the whole text.
//
// A search for one character is a memchr; a literal is found through its rarest
// character, so literals and anchor characters that share it share one search
// (`AKIA`, `ASIA`, `AIza` through `A`; `sk-`, `xapp-` through `-`). A literal made
// only of common letters (`orion`) is searched as itself.

/** Once windows cover this share of the text, scanning it all is cheaper. */
const FULL_SHARE = 0.5;
/** A window's length must fit below this (see the sort key in find). */
const MAX_WINDOW = 1 << 24;
/** Longer texts are scanned whole (start * MAX_WINDOW must stay below 2^53). */
const MAX_TEXT = 1 << 28;
const NON_ASCII = /[\u0080-\uffff]/g;
const BLOCK_BITS = 6;
const BLOCK = 1 << BLOCK_BITS;
/** A character rarer than this (per 100) is searched alone, and literals verified. */
const RARE = 1;

/** Letter frequencies in English text, per 100 letters. */
const LETTERS: Record<string, number> = {
  e: 12.7, t: 9.1, a: 8.2, o: 7.5, i: 7, n: 6.7, s: 6.3, h: 6.1, r: 6, d: 4.3, l: 4, c: 2.8, u: 2.8,
  m: 2.4, w: 2.4, f: 2.2, g: 2, y: 2, p: 1.9, b: 1.5, v: 1, k: 0.8, j: 0.15, x: 0.15, q: 0.1, z: 0.07,
};

/** How often a character occurs in text (per 100 characters, roughly). */
function frequency(c: string): number {
  return LETTERS[c] !== undefined ? LETTERS[c]! * 0.8 : weight(c.charCodeAt(0));
}

/** A literal found through one of its characters: text[at - offset, ...) is the literal. */
interface Verified {
  text: string;
  offset: number;
  before: number;
  after: number;
}

/** One native search per scan: a character (with what it anchors), or a literal. */
interface Search {
  needle: string;
  /** searched in the lower-cased text (case-insensitive literals) */
  folded: boolean;
  /** when the needle is an anchor character itself: its window */
  reach: { before: number; after: number } | undefined;
  /** literals that start `offset` characters before a hit of the needle */
  literals: Verified[];
  /** the widest window it makes, to order the searches */
  widest: number;
}

export class WindowFinder {
  private readonly searches: Search[] = [];
  private nonAscii: { before: number; after: number } | undefined;
  /** true when some pattern has no anchor: always scan everything */
  readonly full: boolean;
  private spans = new Int32Array(64);
  private keys = new Float64Array(64);
  private blocks = new Uint8Array(64);

  /**
   * Pattern i's matches lie within [hit - before, hit + after) of one of its anchor's
   * hits. Where that is unbounded (Infinity), `caps[i]` bounds it instead when finite;
   * otherwise the pattern cannot be windowed.
   */
  constructor(anchors: readonly Anchor[], caps: readonly number[]) {
    let full = false;
    const bound = (x: number, cap: number) => (Number.isFinite(x) ? x : cap);
    const search = (needle: string, folded: boolean): Search => {
      let s = this.searches.find((x) => x.needle === needle && x.folded === folded);
      if (!s) {
        s = { needle, folded, reach: undefined, literals: [], widest: 0 };
        this.searches.push(s);
      }
      return s;
    };
    const window = (s: Search, before: number, after: number, literal?: { text: string; offset: number }) => {
      s.widest = Math.max(s.widest, before + after);
      if (!literal) {
        s.reach = { before: Math.max(s.reach?.before ?? 0, before), after: Math.max(s.reach?.after ?? 0, after) };
        return;
      }
      const same = s.literals.find((l) => l.text === literal.text);
      if (same) {
        same.before = Math.max(same.before, before);
        same.after = Math.max(same.after, after);
      } else s.literals.push({ text: literal.text, offset: literal.offset, before, after });
    };
    anchors.forEach((a, i) => {
      const cap = caps[i]!;
      if (!a) {
        full = true;
        return;
      }
      if (a.kind === 'literals') {
        for (const item of a.items) {
          const b = bound(item.before, cap);
          const f = bound(item.after, cap + item.text.length);
          if (!Number.isFinite(b + f) || b + f >= MAX_WINDOW) {
            full = true;
            continue;
          }
          // a rare character is searched alone (the literal verified at each hit);
          // otherwise the literal's rest from its rarest character (but two at least)
          const rarest = (end: number) => {
            let at = 0;
            for (let k = 1; k < end; k++) if (frequency(item.text[k]!) < frequency(item.text[at]!)) at = k;
            return at;
          };
          let offset = rarest(item.text.length);
          let needle = item.text[offset]!;
          if (frequency(needle) >= RARE) {
            offset = rarest(item.text.length - 1);
            needle = item.text.slice(offset);
          }
          window(search(needle, item.folded), b, f, { text: item.text, offset });
        }
        return;
      }
      const b = bound(a.before, cap);
      const f = bound(a.after, cap + 1);
      if (!Number.isFinite(b + f) || b + f >= MAX_WINDOW) {
        full = true;
        return;
      }
      for (let c = 0; c < 128; c++) if (a.ascii[c]) window(search(String.fromCharCode(c), false), b, f);
      if (a.nonAscii) this.nonAscii = { before: Math.max(this.nonAscii?.before ?? 0, b), after: Math.max(this.nonAscii?.after ?? 0, f) };
    });
    // widest windows first: where the text is dense with anchors, they give up soonest
    this.searches.sort((x, y) => y.widest - x.widest);
    this.full = full;
  }

  /**
   * The merged windows as [from, to) pairs in increasing order, in a buffer reused
   * between calls; returns the number of entries (twice the number of windows), or -1
   * when the whole text should be scanned.
   */
  find(text: string): number {
    const n = text.length;
    // (window starts must stay exact in the sort keys below)
    if (this.full || n >= MAX_TEXT) return -1;
    // past this many hits, windows would cover most of the text anyway
    const budget = (n >> 5) + 32;
    const limit = FULL_SHARE * n;
    // a running lower bound on the coverage: blocks of the text wholly inside some
    // window. It tells early when common characters (digits in a log) are everywhere.
    const blocks = (n >> BLOCK_BITS) + 1;
    if (this.blocks.length < blocks) this.blocks = new Uint8Array(blocks * 2);
    else this.blocks.fill(0, 0, blocks);
    this.blockLimit = limit / BLOCK;
    this.fullBlocks = 0;
    let hits = 0;
    let lower: string | undefined;
    for (const { needle, folded, reach, literals } of this.searches) {
      let hay = text;
      if (folded) {
        // case-insensitive literals are found in the lower-cased text, where positions
        // are the same unless lower-casing changed a length (İ): then scan it all
        hay = lower ??= text.toLowerCase();
        if (hay.length !== n) return -1;
      }
      for (let j = hay.indexOf(needle); j >= 0; j = hay.indexOf(needle, j + 1)) {
        if (reach) {
          hits = this.add(hits, budget, n, j - reach.before, j + reach.after);
          if (hits < 0) return -1;
        }
        for (const { text: lit, offset, before, after } of literals) {
          const i = j - offset;
          if (i < 0 || (lit.length > needle.length && !hay.startsWith(lit, i))) continue;
          hits = this.add(hits, budget, n, i - before, i + after);
          if (hits < 0) return -1;
        }
      }
    }
    if (this.nonAscii) {
      const re = NON_ASCII;
      re.lastIndex = 0;
      const { before, after } = this.nonAscii;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        hits = this.add(hits, budget, n, m.index - before, m.index + after);
        if (hits < 0) return -1;
      }
    }
    if (hits === 0) return 0;
    const keys = this.keys;
    if (hits > 32) keys.subarray(0, hits).sort();
    else {
      // a few windows: insertion sort beats the native sort's setup
      for (let k = 1; k < hits; k++) {
        const key = keys[k]!;
        let m = k - 1;
        for (; m >= 0 && keys[m]! > key; m--) keys[m + 1] = keys[m]!;
        keys[m + 1] = key;
      }
    }
    let count = 0;
    let covered = 0;
    let curFrom = -1;
    let curTo = -1;
    for (let k = 0; k < hits; k++) {
      const key = keys[k]!;
      const from = Math.floor(key / MAX_WINDOW);
      const to = from + (key - from * MAX_WINDOW);
      if (from <= curTo) {
        if (to > curTo) curTo = to;
        continue;
      }
      if (curFrom >= 0) {
        count = this.emit(count, curFrom, curTo);
        covered += curTo - curFrom;
        if (covered > limit) return -1;
      }
      curFrom = from;
      curTo = to;
    }
    count = this.emit(count, curFrom, curTo);
    covered += curTo - curFrom;
    return covered > limit ? -1 : count;
  }

  /** The buffer find() filled. */
  get windows(): Int32Array {
    return this.spans;
  }

  private blockLimit = 0;
  private fullBlocks = 0;

  /**
   * Records the window [from, to) clipped to the text; returns the new number of
   * windows, or -1 once they are sure to cover most of the text.
   */
  private add(hits: number, budget: number, n: number, from: number, to: number): number {
    if (hits >= budget) return -1;
    if (from < 0) from = 0;
    if (to > n) to = n;
    for (let b = (from + BLOCK - 1) >> BLOCK_BITS, last = to >> BLOCK_BITS; b < last; b++) {
      if (this.blocks[b]) continue;
      this.blocks[b] = 1;
      if (++this.fullBlocks > this.blockLimit) return -1;
    }
    if (hits >= this.keys.length) {
      const grown = new Float64Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    // one number per window, sorting by start: start * 2^24 + length
    this.keys[hits] = from * MAX_WINDOW + (to - from);
    return hits + 1;
  }

  private emit(count: number, from: number, to: number): number {
    if (count + 2 > this.spans.length) {
      const grown = new Int32Array(this.spans.length * 2);
      grown.set(this.spans);
      this.spans = grown;
    }
    this.spans[count] = from;
    this.spans[count + 1] = to;
    return count + 2;
  }
}
