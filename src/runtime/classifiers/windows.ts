import { NON_ASCII_WEIGHT, weight, type Anchor } from './anchors.js';

// Where in a text the scanner must look: around each anchor hit, as far as the
// pattern's longest match reaches on either side. Every match contains one of its
// pattern's anchors, so every match lies inside a window, and text outside all
// windows cannot hold a match.

/** Once windows cover this share of the text, scanning it all is cheaper. */
const FULL_SHARE = 0.5;
/**
 * Finding character anchors costs a pass over the text, about half of what the DFA
 * pass costs: only worth it when the characters are rare (`@`, `:`), not for digits.
 */
const MAX_CHAR_WEIGHT = 2;

export class WindowFinder {
  /** per ASCII character: the widest reach of a pattern anchored on it (0: none) */
  private readonly charReach = new Int32Array(128);
  private nonAsciiReach = 0;
  private readonly literals: Array<{ text: string; reach: number }> = [];
  /** true when some pattern has no anchor: always scan everything */
  readonly full: boolean;
  private readonly hasChars: boolean;
  private spans = new Int32Array(64);

  constructor(anchors: readonly Anchor[], reaches: readonly number[]) {
    let full = false;
    anchors.forEach((a, i) => {
      const reach = reaches[i]!;
      if (!a || !Number.isFinite(reach)) full = true;
      else if (a.kind === 'literal') {
        const same = this.literals.find((l) => l.text === a.text);
        if (same) same.reach = Math.max(same.reach, reach);
        else this.literals.push({ text: a.text, reach });
      } else {
        for (let c = 0; c < 128; c++) if (a.ascii[c]) this.charReach[c] = Math.max(this.charReach[c]!, reach);
        if (a.nonAscii) this.nonAsciiReach = Math.max(this.nonAsciiReach, reach);
      }
    });
    let w = this.nonAsciiReach > 0 ? NON_ASCII_WEIGHT : 0;
    for (let c = 0; c < 128; c++) if (this.charReach[c]! > 0) w += weight(c);
    this.full = full || w > MAX_CHAR_WEIGHT;
    this.hasChars = w > 0;
  }

  /**
   * The merged windows as [from, to) pairs in increasing order, in a buffer reused
   * between calls; returns the number of entries (twice the number of windows), or -1
   * when the whole text should be scanned.
   */
  find(text: string): number {
    const n = text.length;
    if (this.full) return -1;
    const limit = FULL_SHARE * n;
    let count = 0;
    let covered = 0;
    if (this.hasChars) {
      // one pass, extending the current window while hits overlap it; give up as
      // soon as the windows cover most of the text
      const reach = this.charReach;
      const nonAscii = this.nonAsciiReach;
      let curFrom = -1;
      let curTo = -1;
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        const r = c < 128 ? reach[c]! : nonAscii;
        if (r === 0) continue;
        const to = i + 1 + r;
        if (i - r <= curTo) {
          if (to > curTo) {
            covered += to - curTo;
            curTo = to;
            if (covered > limit) return -1;
          }
          continue;
        }
        if (curFrom >= 0) count = this.emit(count, curFrom, curTo);
        curFrom = i - r;
        curTo = to;
        covered += to - curFrom;
        if (covered > limit) return -1;
      }
      if (curFrom >= 0) count = this.emit(count, curFrom, curTo);
    }
    if (this.literals.length > 0) {
      let hits: Array<[number, number]> | undefined;
      for (const { text: lit, reach } of this.literals) {
        for (let i = text.indexOf(lit); i >= 0; i = text.indexOf(lit, i + 1)) {
          (hits ??= []).push([i - reach, i + lit.length + reach]);
          if (hits.length > 4096) return -1;
        }
      }
      if (hits) {
        for (let k = 0; k < count; k += 2) hits.push([this.spans[k]!, this.spans[k + 1]!]);
        hits.sort((a, b) => a[0] - b[0]);
        count = 0;
        let curFrom = -1;
        let curTo = -1;
        for (const [f, t] of hits) {
          if (f <= curTo) {
            if (t > curTo) curTo = t;
            continue;
          }
          if (curFrom >= 0) count = this.emit(count, curFrom, curTo);
          curFrom = f;
          curTo = t;
        }
        count = this.emit(count, curFrom, curTo);
      }
    }
    // clip to the text
    for (let k = 0; k < count; k += 2) {
      if (this.spans[k]! < 0) this.spans[k] = 0;
      if (this.spans[k + 1]! > n) this.spans[k + 1] = n;
    }
    return count;
  }

  /** The buffer find() filled. */
  get windows(): Int32Array {
    return this.spans;
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
