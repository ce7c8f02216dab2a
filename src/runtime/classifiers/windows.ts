import { weight, type Anchor } from './anchors.js';

// Where in a text the scanner must look: around each anchor hit, as far as the
// pattern's matches reach on either side of it. Every match contains one of its
// pattern's anchors, so every match lies inside a window, and text outside all
// windows cannot hold a match.
//
// Hits are found with native searches only: String.prototype.indexOf for characters
// and literals, and RegExps without quantifiers (a single character class, or an
// alternation of literals: linear by construction). They skip ordinary text
// far faster than any per-character loop in JavaScript, so even common anchor
// characters (digits, `:`) are worth trying: where they turn out to be everywhere,
// the search gives up early and the caller scans the whole text.
//
// A search for one character is a memchr; a literal is found through its rarest
// character, so literals and anchor characters that share it share one search
// (`AKIA`, `ASIA`, `AIza` through `A`; `sk-`, `xapp-` through `-`). A literal made
// only of common letters is searched as itself.
//
// A case-insensitive literal (a keyword) is found through a rare character of it,
// searched in both cases (`nightjar` through `j` and `J`). Those made of common letters
// only (`orion`) are found together by one RegExp, an alternation of them with the
// `i` flag: a string search for a common letter stops at every occurrence, which costs
// far more than one pass of compiled code over the text.
//
// A short text costs little to read but each native search has a fixed cost, so
// there one RegExp that is a single class of all anchor characters replaces the
// per-character searches (measured: about 40% less for a 69-character prompt).

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
/**
 * A case-insensitive literal with a character this rare is found through it (a search
 * for each case); one of only common letters by a RegExp (measured: for `bluebird`,
 * two searches for `b` cost a third of what the literal adds to the RegExp).
 */
const FOLDED_RARE = 2;

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

/** The window around a hit of an anchor character: [hit - before, hit + after). */
interface Reach {
  before: number;
  after: number;
}

/** What a hit of one character means in a short text. */
interface Trigger {
  reach: Reach | undefined;
  /** case-sensitive literals, `offset` characters before the hit */
  literals: Verified[];
  /** case-insensitive literals, `offset` characters before the hit */
  folded: Verified[];
}

/** An ASCII character's code as two hex digits (for a RegExp's `\x`). */
function hex(c: string): string {
  return c.charCodeAt(0).toString(16).padStart(2, '0');
}

/** Whether the lower-case ASCII literal `lit` occurs at `i` in `text`, ignoring ASCII case. */
function foldedAt(text: string, i: number, lit: string): boolean {
  if (i < 0 || i + lit.length > text.length) return false;
  for (let k = 0; k < lit.length; k++) {
    const l = lit.charCodeAt(k);
    const c = text.charCodeAt(i + k);
    if (c !== l && !(l >= 97 && l <= 122 && c + 32 === l)) return false;
  }
  return true;
}

/** Up to this length, a text is searched for all anchor characters at once. */
const SHORT = 160;

/** One native search per scan: a character (with what it anchors), or a literal. */
interface Search {
  needle: string;
  /** when the needle is an anchor character itself: its window */
  reach: Reach | undefined;
  /** literals that start `offset` characters before a hit of the needle */
  literals: Verified[];
  /** case-insensitive literals that start `offset` characters before a hit */
  folded: Verified[];
  /** the widest window it makes, to order the searches */
  widest: number;
}

export class WindowFinder {
  private readonly searches: Search[] = [];
  private nonAscii: Reach | undefined;
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
    const search = (needle: string): Search => {
      let s = this.searches.find((x) => x.needle === needle);
      if (!s) {
        s = { needle, reach: undefined, literals: [], folded: [], widest: 0 };
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
          if (item.folded) this.collectFolded({ text: item.text, offset, before: b, after: f });
          else window(search(needle), b, f, { text: item.text, offset });
        }
        return;
      }
      const b = bound(a.before, cap);
      const f = bound(a.after, cap + 1);
      if (!Number.isFinite(b + f) || b + f >= MAX_WINDOW) {
        full = true;
        return;
      }
      for (let c = 0; c < 128; c++) if (a.ascii[c]) window(search(String.fromCharCode(c)), b, f);
      if (a.nonAscii) this.nonAscii = { before: Math.max(this.nonAscii?.before ?? 0, b), after: Math.max(this.nonAscii?.after ?? 0, f) };
    });
    // a case-insensitive literal with a rare character is found through it, in both
    // cases; the others together by one RegExp
    for (const l of this.folded) {
      let at = 0;
      for (let k = 1; k < l.text.length; k++) if (frequency(l.text[k]!) < frequency(l.text[at]!)) at = k;
      const c = l.text[at]!;
      if (frequency(c) > FOLDED_RARE) {
        this.common.push(l);
        continue;
      }
      const v = { ...l, offset: at };
      for (const x of c >= 'a' && c <= 'z' ? [c, c.toUpperCase()] : [c]) {
        const s = search(x);
        s.folded.push(v);
        s.widest = Math.max(s.widest, l.before + l.after);
      }
    }
    if (this.common.length > 0) {
      // no quantifier: at most the literals' total length of work per position. (Without
      // the `u` flag, `i` pairs an ASCII letter only with its other ASCII case, exactly
      // the classes the literals stand for: see litChar in anchors.ts.)
      const alternatives = this.common.map((l) => l.text.replace(/[^a-z0-9]/g, (c) => `\\x${hex(c)}`));
      this.foldedRe = new RegExp(alternatives.join('|'), 'gi');
    }
    // widest windows first: where the text is dense with anchors, they give up soonest
    this.searches.sort((x, y) => y.widest - x.widest);
    this.full = full;
    this.buildTable();
  }

  /** Case-insensitive literals (lower case). */
  private readonly folded: Verified[] = [];
  /** Those made of common characters only, found together by one RegExp. */
  private readonly common: Verified[] = [];
  private foldedRe: RegExp | undefined;

  /** Adds the windows of the case-insensitive literals found through a hit at `j`. */
  private addFolded(text: string, budget: number, hits: number, j: number, folded: readonly Verified[]): number {
    for (let q = 0; q < folded.length && hits >= 0; q++) {
      const { text: lit, offset, before, after } = folded[q]!;
      const i = j - offset;
      if (foldedAt(text, i, lit)) hits = this.add(hits, budget, text.length, i - before, i + after);
    }
    return hits;
  }

  private collectFolded(l: Verified): void {
    const same = this.folded.find((x) => x.text === l.text);
    if (same) {
      same.before = Math.max(same.before, l.before);
      same.after = Math.max(same.after, l.after);
    } else this.folded.push({ ...l });
  }

  /** For short texts: per ASCII character, what a hit of it means (index + 1 into `triggers`, 0: nothing). */
  private readonly table = new Uint8Array(128);
  private readonly triggers: Trigger[] = [];

  private buildTable(): void {
    const at = (c: number): Trigger => {
      let k = this.table[c]!;
      if (k === 0) {
        this.triggers.push({ reach: undefined, literals: [], folded: [] });
        k = this.table[c] = this.triggers.length;
      }
      return this.triggers[k - 1]!;
    };
    for (const s of this.searches) {
      const t = at(s.needle.charCodeAt(0));
      if (s.reach && s.needle.length === 1) t.reach = s.reach;
      // the literal is found through the needle's first character, `offset` into it
      t.literals.push(...s.literals);
      t.folded.push(...s.folded);
    }
    let chars = '';
    for (let c = 0; c < 128; c++) if (this.table[c]) chars += `\\x${hex(String.fromCharCode(c))}`;
    if (this.nonAscii) chars += '\\u0080-\\uffff';
    // one character class (linear), read with test(): no match array per hit
    this.charRe = chars ? new RegExp(`[${chars}]`, 'g') : undefined;
  }

  private charRe: RegExp | undefined;

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
    let hits = n <= SHORT ? this.scanShort(text, budget) : this.scanLong(text, budget);
    if (hits < 0) return -1;
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

  /** Adds the windows of every hit, by native searches; returns their number or -1. */
  private scanLong(text: string, budget: number): number {
    const n = text.length;
    let hits = 0;
    for (const { needle, reach, literals, folded } of this.searches) {
      for (let j = text.indexOf(needle); j >= 0; j = text.indexOf(needle, j + 1)) {
        if (reach) {
          hits = this.add(hits, budget, n, j - reach.before, j + reach.after);
          if (hits < 0) return -1;
        }
        for (const { text: lit, offset, before, after } of literals) {
          const i = j - offset;
          if (i < 0 || (lit.length > needle.length && !text.startsWith(lit, i))) continue;
          hits = this.add(hits, budget, n, i - before, i + after);
          if (hits < 0) return -1;
        }
        hits = this.addFolded(text, budget, hits, j, folded);
        if (hits < 0) return -1;
      }
    }
    return this.scanRest(text, budget, hits, true);
  }

  /** Adds the windows of case-insensitive literals (and of non-ASCII characters when asked). */
  private scanRest(text: string, budget: number, hits: number, nonAscii: boolean): number {
    const n = text.length;
    const re = this.foldedRe;
    if (re) {
      // a hit is where some literal starts: every literal starting there counts, and
      // the search resumes one character later (literals may overlap)
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const i = m.index;
        for (const { text: lit, before, after } of this.common) {
          if (!foldedAt(text, i, lit)) continue;
          hits = this.add(hits, budget, n, i - before, i + after);
          if (hits < 0) return -1;
        }
        re.lastIndex = i + 1;
      }
    }
    if (nonAscii && this.nonAscii) {
      const re = NON_ASCII;
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        hits = this.add(hits, budget, n, m.index - this.nonAscii.before, m.index + this.nonAscii.after);
        if (hits < 0) return -1;
      }
    }
    return hits;
  }

  /** The same windows as scanLong, by one search for all anchor characters at once. */
  private scanShort(text: string, budget: number): number {
    const n = text.length;
    const table = this.table;
    const nonAscii = this.nonAscii;
    let hits = 0;
    const re = this.charRe;
    if (re) {
      re.lastIndex = 0;
      while (re.test(text)) {
        const j = re.lastIndex - 1;
        const c = text.charCodeAt(j);
        if (c >= 128) {
          hits = this.add(hits, budget, n, j - nonAscii!.before, j + nonAscii!.after);
          if (hits < 0) return -1;
          continue;
        }
        const { reach, literals, folded } = this.triggers[table[c]! - 1]!;
        if (reach) {
          hits = this.add(hits, budget, n, j - reach.before, j + reach.after);
          if (hits < 0) return -1;
        }
        for (let q = 0; q < literals.length; q++) {
          const { text: lit, offset, before, after } = literals[q]!;
          const i = j - offset;
          if (i < 0 || !text.startsWith(lit, i)) continue;
          hits = this.add(hits, budget, n, i - before, i + after);
          if (hits < 0) return -1;
        }
        hits = this.addFolded(text, budget, hits, j, folded);
        if (hits < 0) return -1;
      }
    }
    return this.scanRest(text, budget, hits, false);
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
