import {
  BEGIN_LINE,
  BEGIN_TEXT,
  END_LINE,
  END_TEXT,
  MAX_RUNE,
  NO_WORD_BOUNDARY,
  WORD_BOUNDARY,
  type Nfa,
} from './program.js';

// A lazily built DFA over an NFA (the subset construction, one state at a time, as
// the text asks for it). Every input character costs one table lookup once its
// transition is cached; a miss costs one NFA step. The cache is bounded: when it is
// full it is flushed and rebuilt from the current state, so memory is bounded and the
// worst case degrades to NFA simulation speed, never worse: matching is linear in the
// text whatever the pattern.
//
// Input is read as code points (UTF-16 surrogate pairs combined, as RE2 does), and
// code points are mapped to a few equivalence classes so rows stay short. Empty-width
// assertions (\b, ^, $) need the characters on both sides, so a state remembers what
// it has just read (flags) and a match is reported on the transition that reads the
// character after it (or the end of text), as in RE2's DFA.

/** State flags: what the machine read just before this state. */
const AT_BEGIN = 1;
const PREV_NL = 2;
const PREV_WORD = 4;

/**
 * A table entry is the next state's row offset (>= 0), or -(offset) - 2 when a match
 * ends before the character read, or UNKNOWN when not computed yet.
 */
const UNKNOWN = -1;

/** Results of `longest` besides a match end. */
export const NO_MATCH = -1;
export const ALIVE_AT_LIMIT = -2;

/** The path of the last anchored run of one pattern over one text (see `longest`). */
export class RunMemo {
  /** state row offset by position, modulo the ring size (a power of two) */
  readonly ring: Int32Array;
  valid = false;
  generation = -1;
  start = 0;
  end = -1;
  endBase = 0;
  endAlive = false;
  last = -1;

  constructor(span: number) {
    let size = 16;
    while (size < span + 4) size *= 2;
    this.ring = new Int32Array(size);
  }
}

/** Entries per DFA before the cache is flushed (a row per state, 4 bytes each). */
const MAX_TABLE_ENTRIES = 1 << 18;
/** States per backward DFA at most, so that its ASCII table (128 entries a state) stays at 1 MB. */
const MAX_FAST_STATES = 1 << 11;

export function isWordUnit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** The state flags for a scan that starts at `pos` (forward) in `text`. */
export function flagsBefore(text: string, pos: number): number {
  if (pos <= 0) return AT_BEGIN;
  const c = text.charCodeAt(pos - 1);
  return (c === 10 ? PREV_NL : 0) | (isWordUnit(c) ? PREV_WORD : 0);
}

/** The state flags for a backward scan that starts at `pos` (reads text[pos-1] first). */
function flagsAfter(text: string, pos: number): number {
  if (pos >= text.length) return AT_BEGIN;
  const c = text.charCodeAt(pos);
  return (c === 10 ? PREV_NL : 0) | (isWordUnit(c) ? PREV_WORD : 0);
}

export class LazyDfa {
  /** number of character classes; column `eot` is the end of text */
  readonly eot: number;
  readonly stride: number;
  private readonly ascii: Uint16Array;
  private readonly bmp: Uint16Array;
  private readonly astralStart: Int32Array;
  private readonly astralClass: Uint16Array;
  private readonly classWord: Uint8Array;
  private readonly classNl: Uint8Array;
  /** member[nfaClass * eot + dfaClass] */
  private readonly member: Uint8Array;

  private trans: Int32Array;
  /**
   * The backward scan's table for ASCII input, indexed by [state * 128 + char]: the
   * next state * 128, or -(that) - 2 where a match is reported, or UNKNOWN. It saves
   * the class lookup on the hot path; a miss falls back to `trans`.
   */
  private fast: Int32Array;
  /** for entries that report a match: table slot → index into matchSets */
  private matchIdx = new Map<number, number>();
  private kernels: Int32Array[] = [];
  private flags: number[] = [];
  /** state ids by a hash of (flags, kernel) */
  private index = new Map<number, number[]>();
  private startBase = new Int32Array(8).fill(-1);
  /** start states of open-ended backward scans, by flags (see scanBackward) */
  private openBase = new Int32Array(8).fill(-1);
  /** every node with a character edge: the kernel of an open-ended scan's start */
  private openKernel: Int32Array | undefined;
  private generation = 0;
  private readonly maxStates: number;

  /** pattern index lists reported by match transitions */
  readonly matchSets: Int32Array[] = [];
  private readonly matchSetIndex = new Map<string, number>();

  // the NFA's edges in flat arrays, and scratch for closures
  private readonly flat: FlatNfa;
  private readonly mark: Int32Array;
  private stamp = 0;
  private readonly stack: Int32Array;
  private readonly closure: Int32Array;

  constructor(
    private readonly nfa: Nfa,
    private readonly unanchored: boolean,
    /** cache size in states; the default bounds the table to about 1 MB */
    maxStates?: number,
  ) {
    const part = partition(nfa);
    this.eot = part.count;
    this.stride = part.count + 1;
    this.ascii = part.bmp.subarray(0, 128);
    this.bmp = part.bmp;
    this.astralStart = part.astralStart;
    this.astralClass = part.astralClass;
    this.classWord = part.word;
    this.classNl = part.nl;
    this.member = part.member;
    // only the backward (unanchored) scan reads the ASCII table
    const cap = Math.floor(MAX_TABLE_ENTRIES / this.stride);
    this.maxStates = Math.max(2, Math.min(unanchored ? MAX_FAST_STATES : cap, maxStates ?? cap));
    this.trans = new Int32Array(this.stride * 16);
    this.fast = new Int32Array(128 * 16);
    this.flat = flatten(nfa);
    this.mark = new Int32Array(nfa.size);
    this.stack = new Int32Array(nfa.size + 1);
    this.closure = new Int32Array(nfa.size + 1);
    this.reset();
  }

  private reset(): void {
    this.kernels = [];
    this.flags = [];
    this.index.clear();
    this.startBase.fill(-1);
    this.openBase.fill(-1);
    this.generation++;
    this.trans.fill(UNKNOWN);
    this.fast.fill(UNKNOWN);
    this.matchIdx.clear();
    // state 0 is dead: every transition stays there without a match
    this.kernels.push(new Int32Array(0));
    this.flags.push(0);
    for (let k = 0; k < this.stride; k++) this.trans[k] = 0;
  }

  private classOf(cp: number): number {
    if (cp < 0x10000) return this.bmp[cp]!;
    const starts = this.astralStart;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= cp) lo = mid;
      else hi = mid - 1;
    }
    return this.astralClass[lo]!;
  }

  private intern(kernel: Int32Array, flags: number): number {
    if (kernel.length === 0 && !this.unanchored) return 0;
    let h = (flags + 1) * 0x9e3779b1;
    for (let j = 0; j < kernel.length; j++) h = Math.imul(h ^ kernel[j]!, 0x01000193);
    const bucket = this.index.get(h);
    if (bucket) {
      for (const id of bucket) if (this.flags[id] === flags && sameKernel(this.kernels[id]!, kernel)) return id;
    }
    if (this.kernels.length >= this.maxStates) this.reset();
    const s = this.kernels.length;
    this.kernels.push(kernel);
    this.flags.push(flags);
    const b = this.index.get(h);
    if (b) b.push(s);
    else this.index.set(h, [s]);
    const need = (s + 1) * this.stride;
    if (need > this.trans.length) {
      const size = Math.min(Math.max(need, this.trans.length * 2), this.maxStates * this.stride);
      const t = new Int32Array(size).fill(UNKNOWN);
      t.set(this.trans);
      this.trans = t;
      if (this.unanchored) {
        const f = new Int32Array((size / this.stride) * 128).fill(UNKNOWN);
        f.set(this.fast);
        this.fast = f;
      }
    }
    return s;
  }

  /** Base offset of the start state for the given flags. */
  private start(flags: number): number {
    const cached = this.startBase[flags]!;
    if (cached >= 0) return cached;
    const kernel = this.unanchored ? new Int32Array(0) : Int32Array.from(new Set(this.nfa.starts)).sort();
    const base = this.intern(kernel, flags) * this.stride;
    this.startBase[flags] = base;
    return base;
  }

  /**
   * Base offset of the start state of an open-ended backward scan: every node that
   * reads a character at once. Reversed, that is every state a forward run can be in
   * right after reading a character, so the scan also reports each position from which
   * a forward run is still alive at the scan's end (see scanBackward).
   */
  private openStart(flags: number): number {
    const cached = this.openBase[flags]!;
    if (cached >= 0) return cached;
    if (!this.openKernel) {
      const nodes: number[] = [];
      for (let n = 0; n < this.nfa.size; n++) if (this.nfa.chars[n]!.length > 0) nodes.push(n);
      this.openKernel = Int32Array.from(nodes);
    }
    const base = this.intern(this.openKernel, flags) * this.stride;
    this.openBase[flags] = base;
    return base;
  }

  /**
   * Computes (and caches) the transition of the state at `base` on class `k`, as an
   * encoded table entry (see UNKNOWN).
   */
  private step(base: number, k: number): number {
    const s = base / this.stride;
    const before = this.flags[s]!;
    const nfa = this.nfa;
    let sat = 0;
    if (before & AT_BEGIN) sat |= BEGIN_TEXT | BEGIN_LINE;
    if (before & PREV_NL) sat |= BEGIN_LINE;
    let nextWord = false;
    if (k === this.eot) sat |= END_TEXT | END_LINE;
    else {
      if (this.classNl[k]) sat |= END_LINE;
      nextWord = this.classWord[k] === 1;
    }
    sat |= (before & PREV_WORD) !== 0 !== nextWord ? WORD_BOUNDARY : NO_WORD_BOUNDARY;

    // epsilon closure under the assertions that hold between the two characters
    const g = this.flat;
    const mark = this.mark;
    const stack = this.stack;
    const closure = this.closure;
    const stamp = this.nextStamp();
    let sp = 0;
    let size = 0;
    const kernel0 = this.kernels[s]!;
    for (let j = 0; j < kernel0.length; j++) {
      const n = kernel0[j]!;
      if (mark[n] !== stamp) {
        mark[n] = stamp;
        stack[sp++] = n;
      }
    }
    if (this.unanchored) {
      for (const n of nfa.starts) {
        if (mark[n] !== stamp) {
          mark[n] = stamp;
          stack[sp++] = n;
        }
      }
    }
    let matched: number[] | undefined;
    while (sp > 0) {
      const n = stack[--sp]!;
      closure[size++] = n;
      const a = nfa.accept[n]!;
      if (a >= 0) (matched ??= []).push(a);
      for (let e = g.epsStart[n]!, end = g.epsStart[n + 1]!; e < end; e++) {
        const t = g.epsTarget[e]!;
        if (mark[t] !== stamp) {
          mark[t] = stamp;
          stack[sp++] = t;
        }
      }
      for (let e = g.assertStart[n]!, end = g.assertStart[n + 1]!; e < end; e++) {
        const t = g.assertTarget[e]!;
        if ((g.assertFlags[e]! & ~sat) === 0 && mark[t] !== stamp) {
          mark[t] = stamp;
          stack[sp++] = t;
        }
      }
    }

    let next = 0;
    if (k !== this.eot) {
      const stamp2 = this.nextStamp();
      const eot = this.eot;
      const member = this.member;
      let kn = 0;
      for (let j = 0; j < size; j++) {
        const n = closure[j]!;
        for (let e = g.charStart[n]!, end = g.charStart[n + 1]!; e < end; e++) {
          const t = g.charTarget[e]!;
          if (member[g.charClass[e]! * eot + k] && mark[t] !== stamp2) {
            mark[t] = stamp2;
            stack[kn++] = t;
          }
        }
      }
      const kernel = stack.slice(0, kn).sort();
      const flags = (this.classNl[k] ? PREV_NL : 0) | (nextWord ? PREV_WORD : 0);
      const gen = this.generation;
      next = this.intern(kernel, flags);
      if (gen !== this.generation) return this.encode(next, matched, -1);
    }
    return this.encode(next, matched, base + k);
  }

  /** A fresh mark for the closure scratch (restarting before the Int32 marks overflow). */
  private nextStamp(): number {
    if (this.stamp >= 0x3fffffff) {
      this.mark.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  private encode(next: number, matched: number[] | undefined, slot: number): number {
    let v = next * this.stride;
    let mi = -1;
    if (matched) {
      matched.sort((x, y) => x - y);
      const key = matched.join(',');
      mi = this.matchSetIndex.get(key) ?? -1;
      if (mi < 0) {
        mi = this.matchSets.length;
        this.matchSets.push(Int32Array.from(new Set(matched)));
        this.matchSetIndex.set(key, mi);
      }
      v = -v - 2;
    }
    if (slot >= 0) {
      this.trans[slot] = v;
      if (mi >= 0) this.matchIdx.set(slot, mi);
    }
    this.lastMatch = mi;
    return v;
  }

  /** match set of the last computed or looked-up transition (slow path only) */
  private lastMatch = -1;

  /**
   * Anchored at `pos`: the end of the longest match that ends at or before `limit`;
   * or NO_MATCH; or ALIVE_AT_LIMIT when none ends by then but the machine could still
   * match further. Reads until no match can extend further, or to the limit.
   *
   * With a memo, the run also records its path (the state at each position) and
   * stops as soon as it reaches a state the previous run had at the same position:
   * a DFA's future depends only on its state and position, so the rest is known. Runs
   * from nearby starts (`a|a+b` over "aaaa…") then share their reading instead of
   * each re-reading up to the limit (after Reps, "Maximal-munch tokenization in
   * linear time").
   */
  longest(text: string, pos: number, limit: number, memo?: RunMemo): number {
    const n = text.length;
    const eot = this.eot;
    if (limit > n) limit = n;
    this.readEnd = false;
    let base = this.start(flagsBefore(text, pos));
    let last = -1;
    let i = pos;
    let alive = true;
    let ring: Int32Array | undefined;
    let mask = 0;
    let merging = false;
    if (memo) {
      if (memo.generation !== this.generation || limit - pos >= memo.ring.length - 2) memo.valid = false;
      merging = memo.valid && pos >= memo.start && pos <= memo.end;
      ring = memo.ring;
      mask = ring.length - 1;
      memo.generation = this.generation;
    }
    for (;;) {
      if (ring) {
        if (merging && i <= memo!.end) {
          if (ring[i & mask] === base) {
            // the previous run was here in this state: its future is ours
            const m = memo!;
            if (m.last >= i) last = m.last;
            m.start = pos;
            m.last = last;
            if (!m.endAlive || m.end >= limit) return last >= 0 ? last : m.endAlive ? ALIVE_AT_LIMIT : NO_MATCH;
            i = m.end;
            base = m.endBase;
            merging = false;
          }
        } else merging = false;
        ring[i & mask] = base;
      }
      let k: number;
      let width = 1;
      if (i >= n) k = eot;
      else {
        const c = text.charCodeAt(i);
        if (c < 128) k = this.ascii[c]!;
        else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
          const d = text.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            k = this.classOf(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
            width = 2;
          } else k = this.bmp[c]!;
        } else k = this.bmp[c]!;
      }
      let v = this.trans[base + k]!;
      if (v === UNKNOWN) {
        const gen = this.generation;
        v = this.step(base, k);
        // a flushed cache renumbers states: the recorded path means nothing now
        if (gen !== this.generation && memo) {
          memo.valid = false;
          ring = undefined;
          merging = false;
        }
      }
      if (v < 0) {
        last = i;
        v = -v - 2;
      }
      if (k === eot) {
        alive = false;
        this.readEnd = true;
        break;
      }
      if (i >= limit) break;
      if (v === 0) {
        alive = false;
        break;
      }
      base = v;
      i += width;
      if (i > limit) break;
    }
    if (memo && ring) {
      ring[i & mask] = base;
      memo.valid = true;
      memo.start = pos;
      memo.end = i;
      memo.endBase = base;
      memo.endAlive = alive;
      memo.last = last;
    }
    return last >= 0 ? last : alive ? ALIVE_AT_LIMIT : NO_MATCH;
  }

  /**
   * Whether the last `longest` run (without a memo) was still alive at the end of the
   * text: its outcome then depends on what may follow the text (stream masking).
   */
  readEnd = false;

  /**
   * Events of the last scanBackward: pairs (position, index into matchSets). Reused
   * between scans so a scan allocates nothing once its states are built.
   */
  events = new Int32Array(64);

  private pushEvent(count: number, pos: number, set: number): number {
    if (count + 2 > this.events.length) {
      const grown = new Int32Array(this.events.length * 2);
      grown.set(this.events);
      this.events = grown;
    }
    this.events[count] = pos;
    this.events[count + 1] = set;
    return count + 2;
  }

  /**
   * Unanchored, reading text[from, to) backwards: appends to `events` (from entry
   * `count` on) every position where the reversed patterns accept, i.e. where a match
   * of the original patterns begins, in decreasing order of position. The characters
   * just outside the window count as context (for \b, ^, $). Returns the new count.
   *
   * `open`: the text may continue after `to` (a stream). The scan then also reports
   * every position from which a forward run is still alive at `to` — where a match
   * may begin that ends in text not seen yet — besides those where a match ends
   * within the window. (It may report a few more; callers run the forward matcher from
   * each position anyway.)
   */
  scanBackward(text: string, from = 0, to = text.length, count = 0, open = false): number {
    const n = text.length;
    // never split a surrogate pair at a window edge
    if (to < n && to > 0 && (text.charCodeAt(to) & 0xfc00) === 0xdc00 && (text.charCodeAt(to - 1) & 0xfc00) === 0xd800) to++;
    if (from > 0 && (text.charCodeAt(from) & 0xfc00) === 0xdc00 && (text.charCodeAt(from - 1) & 0xfc00) === 0xd800) from--;
    // the state as an offset into `fast` (state * 128)
    let off = ((open ? this.openStart(flagsAfter(text, to)) : this.start(flagsAfter(text, to))) / this.stride) << 7;
    let i = to - 1;
    const cursor = CURSOR;
    for (;;) {
      runAscii(this.fast, text, i, from, off, cursor);
      i = cursor[0]!;
      off = cursor[1]!;
      if (i < from) break;
      // one character off the fast path: an uncached or matching transition, or
      // a character outside ASCII
      const c = text.charCodeAt(i);
      if (c < 128) {
        const r = this.asciiMiss(off, c);
        if (r < 0) {
          count = this.pushEvent(count, i + 1, this.lastMatch);
          off = -r - 2;
        } else off = r;
        i--;
        continue;
      }
      const end = i + 1;
      let k: number;
      if (c >= 0xdc00 && c <= 0xdfff && i > from) {
        const h = text.charCodeAt(i - 1);
        if (h >= 0xd800 && h <= 0xdbff) {
          k = this.classOf(((h - 0xd800) << 10) + (c - 0xdc00) + 0x10000);
          i--;
        } else k = this.bmp[c]!;
      } else k = this.bmp[c]!;
      i--;
      const r = this.classStep(off, k);
      if (r < 0) {
        count = this.pushEvent(count, end, this.lastMatch);
        off = -r - 2;
      } else off = r;
    }
    // a match may begin at `from`: that depends on the character before it (or none)
    const r = this.classStep(off, from > 0 ? this.classBefore(text, from) : this.eot);
    if (r < 0) count = this.pushEvent(count, from, this.lastMatch);
    return count;
  }

  /**
   * The transition of the state at `fast` offset `off` on class `k`, in `fast`
   * coordinates; sets lastMatch when it reports a match.
   */
  private classStep(off: number, k: number): number {
    const base = (off >> 7) * this.stride;
    let v = this.trans[base + k]!;
    if (v === UNKNOWN) v = this.step(base, k);
    else if (v < 0) this.lastMatch = this.matchIdx.get(base + k)!;
    return v >= 0 ? (v / this.stride) << 7 : -((((-v - 2) / this.stride) << 7)) - 2;
  }

  /** A `fast` table miss: the transition through the class table, then cached. */
  private asciiMiss(off: number, c: number): number {
    const gen = this.generation;
    const r = this.classStep(off, this.ascii[c]!);
    // a flushed cache renumbered the states: `off` is stale, do not record
    if (gen === this.generation) this.fast[off + c] = r;
    return r;
  }

  /** The class of the code point that ends at `pos`. */
  private classBefore(text: string, pos: number): number {
    const c = text.charCodeAt(pos - 1);
    if (c < 128) return this.ascii[c]!;
    if (c >= 0xdc00 && c <= 0xdfff && pos > 1) {
      const h = text.charCodeAt(pos - 2);
      if (h >= 0xd800 && h <= 0xdbff) return this.classOf(((h - 0xd800) << 10) + (c - 0xdc00) + 0x10000);
    }
    return this.bmp[c]!;
  }
}

/** Scratch for runAscii's two results. */
const CURSOR = new Int32Array(2);

/**
 * The hot loop of the backward scan, kept small and apart so that its compiled code
 * stays tight: reads text[i], text[i-1], ... down to `from` while the characters are
 * ASCII and their transitions are cached and report no match (two loads a
 * character). Leaves in `out` the position it stopped at and the state there.
 */
function runAscii(fast: Int32Array, text: string, i: number, from: number, off: number, out: Int32Array): void {
  while (i >= from) {
    const c = text.charCodeAt(i);
    if (c >= 128) break;
    const v = fast[off + c]!;
    if (v < 0) break;
    off = v;
    i--;
  }
  out[0] = i;
  out[1] = off;
}

function sameKernel(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  return true;
}

/** An NFA's edges as offset-indexed typed arrays (edges of node n: start[n] to start[n+1]). */
interface FlatNfa {
  epsStart: Int32Array;
  epsTarget: Int32Array;
  assertStart: Int32Array;
  assertFlags: Int32Array;
  assertTarget: Int32Array;
  charStart: Int32Array;
  charClass: Int32Array;
  charTarget: Int32Array;
}

function flatten(nfa: Nfa): FlatNfa {
  const pack = <T>(lists: T[][], fields: Array<(x: T) => number>) => {
    const start = new Int32Array(nfa.size + 1);
    for (let n = 0; n < nfa.size; n++) start[n + 1] = start[n]! + lists[n]!.length;
    const cols = fields.map(() => new Int32Array(start[nfa.size]!));
    for (let n = 0; n < nfa.size; n++) lists[n]!.forEach((x, j) => fields.forEach((f, c) => (cols[c]![start[n]! + j] = f(x))));
    return { start, cols };
  };
  const eps = pack(nfa.eps, [(t) => t]);
  const asserts = pack(nfa.asserts, [([f]) => f, ([, t]) => t]);
  const chars = pack(nfa.chars, [([c]) => c, ([, t]) => t]);
  return {
    epsStart: eps.start,
    epsTarget: eps.cols[0]!,
    assertStart: asserts.start,
    assertFlags: asserts.cols[0]!,
    assertTarget: asserts.cols[1]!,
    charStart: chars.start,
    charClass: chars.cols[0]!,
    charTarget: chars.cols[1]!,
  };
}

interface Partition {
  count: number;
  bmp: Uint16Array;
  astralStart: Int32Array;
  astralClass: Uint16Array;
  word: Uint8Array;
  nl: Uint8Array;
  member: Uint8Array;
}

/**
 * Splits the code points into classes that no NFA character class, word boundary or
 * line boundary can tell apart.
 */
function partition(nfa: Nfa): Partition {
  const word = [48, 57, 65, 90, 95, 95, 97, 122];
  const nl = [10, 10];
  const sets: number[][] = [...nfa.classes.map((r) => [...r]), word, nl];
  const cuts = new Set<number>([0, 0x10000]);
  for (const r of sets) for (let k = 0; k < r.length; k += 2) {
    cuts.add(r[k]!);
    if (r[k + 1]! < MAX_RUNE) cuts.add(r[k + 1]! + 1);
  }
  const starts = [...cuts].sort((a, b) => a - b);
  const pos = new Map<number, number>();
  starts.forEach((s, i) => pos.set(s, i));
  const sig: number[][] = starts.map(() => []);
  sets.forEach((r, id) => {
    for (let k = 0; k < r.length; k += 2) {
      const from = pos.get(r[k]!)!;
      const to = r[k + 1]! >= MAX_RUNE ? starts.length : pos.get(r[k + 1]! + 1)!;
      for (let j = from; j < to; j++) sig[j]!.push(id);
    }
  });
  const classOfSig = new Map<string, number>();
  const intervalClass = sig.map((s) => {
    const key = s.join(',');
    let c = classOfSig.get(key);
    if (c === undefined) {
      c = classOfSig.size;
      classOfSig.set(key, c);
    }
    return c;
  });
  const count = classOfSig.size;
  const bmp = new Uint16Array(0x10000);
  const astralStart: number[] = [];
  const astralClass: number[] = [];
  for (let j = 0; j < starts.length; j++) {
    const lo = starts[j]!;
    const hi = j + 1 < starts.length ? starts[j + 1]! : MAX_RUNE + 1;
    if (lo < 0x10000) bmp.fill(intervalClass[j]!, lo, Math.min(hi, 0x10000));
    else {
      astralStart.push(lo);
      astralClass.push(intervalClass[j]!);
    }
  }
  const member = new Uint8Array(nfa.classes.length * count);
  const wordOf = new Uint8Array(count);
  const nlOf = new Uint8Array(count);
  for (let j = 0; j < starts.length; j++) {
    const c = intervalClass[j]!;
    for (const id of sig[j]!) {
      if (id < nfa.classes.length) member[id * count + c] = 1;
      else if (id === nfa.classes.length) wordOf[c] = 1;
      else nlOf[c] = 1;
    }
  }
  return {
    count,
    bmp,
    astralStart: Int32Array.from(astralStart),
    astralClass: Uint16Array.from(astralClass),
    word: wordOf,
    nl: nlOf,
    member,
  };
}
