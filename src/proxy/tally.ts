import { countTokens } from '../runtime/tokens.js';

// Counting the tokens of streamed text as it is delivered, exactly as counting the
// whole text at the end would (countTokens over each stream's concatenated text),
// without recounting everything on every event.
//
// Exactness: the tokenizers split text into words before merging bytes into tokens,
// and never merge across a word boundary; in front of a space that follows a letter
// and precedes a letter ("…o w…") there is always one, as after a line feed that
// precedes a letter. The text before such a point is counted once and dropped;
// only the tail after the last one is recounted. test/proxy/tally.test.ts checks the
// sum against whole-text counts.
//
// Cheapness: a recount is needed only when the text might exceed the limit. Every
// token is at least one UTF-8 byte, so the count of a tail grown by n bytes is at
// most its last count plus n (plus a little for the word re-merged at the seam):
// while that bound stays within the limit, nothing is recounted.

/** Tails longer than this are split at their last safe point. */
const COMPACT_CHARS = 1024;
/** Leave this much of a tail unsplit, so the word the next delta continues stays whole. */
const KEEP_CHARS = 64;
/** Tokens a seam between the counted tail and new text can add, at most in practice. */
const SEAM_SLACK = 16;

interface Text {
  /** tokens of the text before the tail, counted and dropped */
  stable: number;
  tail: string;
  /** tokens of `tail` as last counted, and the UTF-8 bytes appended since */
  counted: number;
  pending: number;
}

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The last index in `s` (below `before`) where the text can be split without changing its token count; 0 when none. */
export function safeSplit(s: string, before: number): number {
  for (let i = Math.min(before, s.length - 1); i >= 1; i--) {
    const c = s.charCodeAt(i);
    if (c === 32 && i + 1 < s.length && isLetter(s.charCodeAt(i - 1)) && isLetter(s.charCodeAt(i + 1))) return i;
    if (isLetter(c) && s.charCodeAt(i - 1) === 10) return i;
  }
  return 0;
}

export class TokenTally {
  private readonly texts = new Map<string, Text>();

  constructor(private readonly model: string | undefined) {}

  /**
   * Adds the texts if the total stays within `limit` (all of them, or none when it
   * would exceed it); without a limit, always. Returns whether they were added.
   */
  tryAdd(deltas: ReadonlyArray<{ key: string; text: string }>, limit = Infinity): boolean {
    if (deltas.length === 0) return true;
    let exactTails: Map<string, { tail: string; tokens: number }> | undefined;
    if (limit !== Infinity) {
      let bound = 0;
      const touched = new Set(deltas.map((d) => d.key));
      let added = 0;
      for (const d of deltas) added += Buffer.byteLength(d.text, 'utf8');
      for (const [key, t] of this.texts) bound += t.stable + t.counted + t.pending + (t.pending > 0 || touched.has(key) ? SEAM_SLACK : 0);
      if (bound + added + SEAM_SLACK > limit) {
        // near the limit: count exactly what the texts would be
        const next = new Map<string, string>();
        for (const d of deltas) next.set(d.key, (next.get(d.key) ?? this.texts.get(d.key)?.tail ?? '') + d.text);
        let exact = 0;
        exactTails = new Map();
        for (const [key, t] of this.texts) if (!next.has(key)) exact += t.stable + this.counted(t);
        for (const [key, tail] of next) {
          const tokens = this.count(tail);
          exactTails.set(key, { tail, tokens });
          exact += (this.texts.get(key)?.stable ?? 0) + tokens;
        }
        if (exact > limit) return false;
      }
    }
    for (const d of deltas) this.append(d.key, d.text);
    // what was just counted need not be counted again (unless a split moved the tail)
    for (const [key, x] of exactTails ?? []) {
      const t = this.texts.get(key);
      if (t && t.tail === x.tail) {
        t.counted = x.tokens;
        t.pending = 0;
      }
    }
    return true;
  }

  /** Tokens of everything added, exactly as counting each stream's whole text. */
  total(): number {
    let n = 0;
    for (const t of this.texts.values()) n += t.stable + this.counted(t);
    return n;
  }

  private append(key: string, text: string): void {
    if (text === '') return;
    let t = this.texts.get(key);
    if (!t) {
      t = { stable: 0, tail: '', counted: 0, pending: 0 };
      this.texts.set(key, t);
    }
    t.tail += text;
    t.pending += Buffer.byteLength(text, 'utf8');
    if (t.tail.length > COMPACT_CHARS) {
      const at = safeSplit(t.tail, t.tail.length - KEEP_CHARS);
      if (at > 0) {
        t.stable += this.count(t.tail.slice(0, at));
        t.tail = t.tail.slice(at);
        t.counted = 0;
        t.pending = Buffer.byteLength(t.tail, 'utf8');
      }
    }
  }

  /** The exact count of a text's tail, recounted if it grew. */
  private counted(t: Text): number {
    if (t.pending > 0) {
      t.counted = this.count(t.tail);
      t.pending = 0;
    }
    return t.counted;
  }

  private count(text: string): number {
    return text === '' ? 0 : countTokens(text, this.model);
  }
}
