import { anchorOf, type Anchor } from './anchors.js';
import { ALIVE_AT_LIMIT, LazyDfa, NO_MATCH, RunMemo } from './dfa.js';
import { analyze, compilePattern, reverseNfa, unionNfa, type Nfa } from './program.js';
import { WindowFinder } from './windows.js';

// Finding every match of several patterns in one text, in time linear in the text.
//
// Semantics: leftmost-longest (POSIX), non-overlapping per pattern. A match is the
// longest one that starts at the leftmost position where any match starts; the next
// is searched from its end. Lazy and greedy quantifiers are therefore the same here.
// Each pattern has a cap (its longest possible match, or a classifier's max_length):
// the longest match within the cap counts, and where every match from a start is
// longer than the cap, the match is cut at the cap (so it is still reported).
//
// How: prefilters (anchors.ts, windows.ts) mark the parts of the text that can hold a
// match at all: windows around native indexOf hits of what every match contains. One
// backward pass of a DFA for the union of the reversed patterns over those windows
// finds every position where some pattern's match begins (usually none, and then that
// is all the work). Patterns that cannot be windowed get a pass over the whole text
// of their own; where windows would cover most of the text, one pass of the DFA for
// all patterns reads it all instead. From each such start, in order, the pattern's own
// forward DFA runs anchored to find the longest match, reading at most the cap; runs
// from nearby starts share what they read (RunMemo), so a long cap does not turn into
// cap × text. No step ever backtracks: the cost is the text's length times a factor
// that depends on the patterns, never on the text.

export class Regex {
  readonly nfa: Nfa;
  readonly reversed: Nfa;
  /** longest possible match in UTF-16 units, Infinity when unbounded */
  readonly maxLength: number;
  readonly matchesEmpty: boolean;
  private fwd: LazyDfa | undefined;
  private anchorCache: { value: Anchor } | undefined;
  private runMemo: RunMemo | undefined;
  private memoScan = -1;
  private runsThisScan = 0;

  constructor(
    readonly pattern: string,
    /** DFA cache size in states (tests force tiny caches to exercise flushing) */
    private readonly maxStates?: number,
  ) {
    this.nfa = compilePattern(pattern);
    this.reversed = reverseNfa(this.nfa);
    const a = analyze(this.nfa);
    this.maxLength = a.maxLength;
    this.matchesEmpty = a.matchesEmpty;
  }

  /** The forward matcher, built on first use. */
  get forward(): LazyDfa {
    return (this.fwd ??= new LazyDfa(this.nfa, false, this.maxStates));
  }

  /** What every match contains (see anchors.ts), computed on first use. */
  get anchor(): Anchor {
    return (this.anchorCache ??= { value: anchorOf(this.nfa) }).value;
  }

  /**
   * End of the longest match starting at `start` and no longer than `cap`, or -1.
   * `start` must be a position where a match begins (as the backward scan reports):
   * when every match from there is longer than the cap, the match is cut at the cap.
   */
  longestAt(text: string, start: number, cap: number, memo?: RunMemo): number {
    const e = this.forward.longest(text, start, start + cap, memo);
    return e === ALIVE_AT_LIMIT ? this.cutEnd(text, start, cap) : e;
  }

  /** Where a match from `start` longer than the cap is cut (never inside a surrogate pair). */
  cutEnd(text: string, start: number, cap: number): number {
    let end = Math.min(start + cap, text.length);
    if (end < text.length && (text.charCodeAt(end) & 0xfc00) === 0xdc00 && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
    return end;
  }

  /**
   * A memo for this pattern's runs within one text (reset when `scan` changes), for
   * caps between MEMO_MIN and MEMO_MAX (below, a run is short anyway), and only once
   * a text has asked for a few runs: most texts need one or two, and recording costs.
   */
  memo(cap: number, scan: number): RunMemo | undefined {
    if (!(cap > MEMO_MIN && cap <= MEMO_MAX)) return undefined;
    if (this.memoScan !== scan) {
      this.memoScan = scan;
      this.runsThisScan = 0;
      if (this.runMemo) this.runMemo.valid = false;
    }
    if (++this.runsThisScan <= MEMO_AFTER) return undefined;
    if (!this.runMemo || this.runMemo.ring.length < cap + 4) this.runMemo = new RunMemo(cap);
    return this.runMemo;
  }
}

const MEMO_MIN = 64;
const MEMO_AFTER = 4;
/** The largest cap whose runs share a memo (a ring of states as long as the cap). */
const MEMO_MAX = 1 << 17;
let scans = 0;

/**
 * Judges a raw match (validators, context) and reports it if it counts. Returns where
 * the pattern's next match may start (the end of what was reported), or -1 when the
 * match does not count. May not throw.
 */
export type OnMatch = (pattern: number, start: number, end: number) => number;

/** What an OnMatch returns in findPartial for a match it cannot judge before more text arrives. */
export const OPEN = -2;

/** Patterns scanned together by one backward DFA, over windows around their anchors. */
class Group {
  private dfa: LazyDfa | undefined;
  readonly windows: WindowFinder;

  constructor(
    /** global pattern indexes */
    readonly members: readonly number[],
    private readonly regexes: readonly Regex[],
    bounds: readonly number[],
    private readonly maxStates: number | undefined,
  ) {
    this.windows = new WindowFinder(
      members.map((p) => regexes[p]!.anchor),
      members.map((p) => bounds[p]!),
    );
  }

  /** The backward DFA for the union of the members' reversed patterns, built on first use. */
  get backward(): LazyDfa {
    return (this.dfa ??= new LazyDfa(unionNfa(this.members.map((p) => relabel(this.regexes[p]!.reversed, p))), true, this.maxStates));
  }
}

/** Several patterns scanned together. */
export class MultiRegex {
  /** every pattern in one group: used when most of the text must be read anyway */
  private readonly all: Group;
  /** patterns that can be windowed, and those that cannot */
  private readonly windowed: Group | undefined;
  private readonly rest: Group | undefined;
  /** per pattern: where its next match may start (scratch for findAll) */
  private readonly from: Int32Array;

  constructor(
    private readonly regexes: readonly Regex[],
    /** per pattern: the longest match searched for, in UTF-16 units */
    private readonly caps: readonly number[],
    maxStates?: number,
    /**
     * Per pattern: may a pattern of unbounded length be windowed by its cap? Only
     * when a match longer than the cap is rejected anyway (the library's refinements
     * check the character after a match): far from its anchor, such a match's start
     * may be missed where a full scan would report it cut at the cap. Patterns of
     * bounded length are always windowed by their longest match, which is exact.
     */
    capWindows?: readonly boolean[],
  ) {
    // how far a window may reach where a pattern is unbounded (Infinity: nowhere)
    const bounds = regexes.map((_, i) => (capWindows?.[i] ? caps[i]! : Infinity));
    const everyone = regexes.map((_, i) => i);
    this.all = new Group(everyone, regexes, bounds, maxStates);
    const win = everyone.filter((i) => !new WindowFinder([regexes[i]!.anchor], [bounds[i]!]).full);
    const rest = everyone.filter((i) => !win.includes(i));
    if (win.length > 0) {
      this.windowed = new Group(win, regexes, bounds, maxStates);
      if (rest.length > 0) this.rest = new Group(rest, regexes, bounds, maxStates);
    }
    this.from = new Int32Array(regexes.length);
  }

  /**
   * Offers `onMatch` every leftmost-longest match of each pattern, in text order for
   * each pattern (patterns may interleave in any order). After an accepted match the
   * pattern's search resumes at the end `onMatch` returned; after a rejected one, at
   * the next start.
   */
  findAll(text: string, onMatch: OnMatch): void {
    this.from.fill(0);
    const scan = ++scans;
    const win = this.windowed;
    const w = win ? win.windows.find(text) : -1;
    if (w < 0) {
      // most of the text is near an anchor (or nothing can be windowed): one pass for all
      const dfa = this.all.backward;
      this.matches(text, dfa, dfa.scanBackward(text), scan, onMatch);
      return;
    }
    if (this.rest) {
      const dfa = this.rest.backward;
      this.matches(text, dfa, dfa.scanBackward(text), scan, onMatch);
    }
    if (w === 0) return;
    const dfa = win!.backward;
    // right to left, so that events stay in decreasing order of position
    const spans = win!.windows.windows;
    let count = 0;
    for (let k = w - 2; k >= 0; k -= 2) count = dfa.scanBackward(text, spans[k]!, spans[k + 1]!, count);
    this.matches(text, dfa, count, scan, onMatch);
  }

  /**
   * The matching of findAll for a text that may still grow at its end (a stream
   * being masked), restricted to candidate starts at or after `from`: the text before
   * it is context only. `resume[p]` is where pattern p's next match may start (the
   * end of its last match before `from`, or `from`).
   *
   * Each candidate start is offered to `onMatch` in text order (as findAll does, with
   * the same end, cut at the cap when every match from there is longer), but only
   * when its outcome no longer depends on text beyond the end. The first start whose
   * outcome does, and everything after it, is left for a later call with more text:
   * the return value is that position (the text's length when there is none). A start
   * is open while the forward matcher run from it reaches the end of the text alive,
   * and while a match from it would be cut at the cap but none has completed yet
   * (the whole text reports such a start only if some match from it completes); the
   * latter is bounded by `force[p]`: that many characters after the start, the start
   * counts, as if a match had completed. With `final`, the text is complete and
   * nothing is open.
   *
   * `onMatch` may return OPEN for a candidate it cannot judge yet (it needs text
   * beyond the end); the scan then stops there. Given the same `resume` positions, the
   * matches offered before the returned position are those findAll offers for the
   * whole text, whatever follows (except for forced starts, see above).
   */
  findPartial(text: string, from: number, resume: Int32Array, final: boolean, force: readonly number[], onMatch: OnMatch): number {
    // a stream cut inside a surrogate pair: its first half is not a character yet
    if (!final && text.length > 0 && (text.charCodeAt(text.length - 1) & 0xfc00) === 0xd800) text = text.slice(0, -1);
    const n = text.length;
    this.from.set(resume);
    const dfa = this.all.backward;
    // one pass over everything after `from`: windows are for long texts, and near the
    // end of a stream a window would not reach a match whose anchor is not there yet
    const count = dfa.scanBackward(text, from, n, 0, !final);
    if (count === 0) return n;
    const events = dfa.events;
    const sets = dfa.matchSets;
    const fromP = this.from;
    let pending = n;
    for (let j = count - 2; j >= 0; j -= 2) {
      const s = events[j]!;
      if (s >= pending) break;
      const set = sets[events[j + 1]!]!;
      for (let q = 0; q < set.length; q++) {
        const p = set[q]!;
        if (s < fromP[p]!) continue;
        const re = this.regexes[p]!;
        const cap = this.caps[p]!;
        const fwd = re.forward;
        let e = fwd.longest(text, s, s + cap);
        if (!final && fwd.readEnd) {
          pending = s;
          break;
        }
        if (e === ALIVE_AT_LIMIT) {
          // every match from here is longer than the cap: the whole text reports this
          // start only if one of them completes; so far none has, in a stream
          if (!final) {
            const r = fwd.longest(text, s, n - 1);
            if (r === NO_MATCH) continue;
            if (r === ALIVE_AT_LIMIT && n - s < force[p]!) {
              pending = s;
              break;
            }
          }
          e = re.cutEnd(text, s, cap);
        }
        if (e <= s) continue;
        const next = onMatch(p, s, e);
        if (next === OPEN) {
          pending = s;
          break;
        }
        if (next >= 0) fromP[p] = next;
      }
    }
    return pending;
  }

  /** Runs the forward matches from the starts a backward scan found. */
  private matches(text: string, dfa: LazyDfa, count: number, scan: number, onMatch: OnMatch): void {
    if (count === 0) return;
    const events = dfa.events;
    const sets = dfa.matchSets;
    const from = this.from;
    // events run backwards: walk them from the last (leftmost) entry
    for (let j = count - 2; j >= 0; j -= 2) {
      const s = events[j]!;
      const set = sets[events[j + 1]!]!;
      for (let q = 0; q < set.length; q++) {
        const p = set[q]!;
        if (s < from[p]!) continue;
        const re = this.regexes[p]!;
        const cap = this.caps[p]!;
        const e = re.longestAt(text, s, cap, re.memo(cap, scan));
        if (e <= s) continue;
        const next = onMatch(p, s, e);
        if (next >= 0) from[p] = next;
      }
    }
  }
}

function relabel(nfa: Nfa, id: number): Nfa {
  const accept = nfa.accept.map((a) => (a >= 0 ? id : -1));
  return { ...nfa, accept };
}
