import { anchorOf, type Anchor } from './anchors.js';
import { ALIVE_AT_LIMIT, LazyDfa, RunMemo } from './dfa.js';
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
    if (e !== ALIVE_AT_LIMIT) return e;
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
