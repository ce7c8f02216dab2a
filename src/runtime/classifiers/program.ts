import { RE2JS } from 're2js';

// A classifier pattern as an NFA our own matcher runs (see dfa.ts). The pattern is
// parsed and compiled by re2js, the reference RE2 port, and its instruction program is
// translated here: syntax, case folding, Unicode classes and repetition expansion are
// then RE2's by construction, and only the matching engine is ours. re2js keeps its
// program on an undocumented field, so the translation checks every instruction's
// shape and fails with a clear error instead of mis-matching if that ever changes.

/** Empty-width assertion bits, as in RE2. */
export const BEGIN_LINE = 1;
export const END_LINE = 2;
export const BEGIN_TEXT = 4;
export const END_TEXT = 8;
export const WORD_BOUNDARY = 16;
export const NO_WORD_BOUNDARY = 32;

/** Sorted, non-overlapping inclusive code point ranges: [lo0, hi0, lo1, hi1, ...]. */
export type Ranges = readonly number[];

export const MAX_RUNE = 0x10ffff;

/**
 * An NFA with labelled edges. Nodes are numbers; `accept[n]` is the index of the
 * pattern that node n accepts for, or -1. Assertion edges carry RE2's empty-width bits.
 */
export interface Nfa {
  size: number;
  starts: number[];
  accept: Int32Array;
  eps: number[][];
  asserts: Array<Array<[number, number]>>;
  /** [index into classes, target] */
  chars: Array<Array<[number, number]>>;
  classes: Ranges[];
}

/** A pattern that failed to compile: the RE2 reason, safe to show (it is the pattern's text). */
export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

// re2js instruction opcodes (Inst.*)
const ALT = 1;
const ALT_MATCH = 2;
const CAPTURE = 3;
const EMPTY_WIDTH = 4;
const FAIL = 5;
const MATCH = 6;
const NOP = 7;
const RUNE = 8;
const RUNE1 = 9;
const RUNE_ANY = 10;
const RUNE_ANY_NOT_NL = 11;
const FOLD_CASE = 1;

interface Re2Inst {
  op: number;
  out: number;
  arg: number;
  runes: Int32Array;
}

/**
 * For a pattern RE2 rejected: the feature it uses that RE2 lacks, named plainly
 * (re2js reports lookbehind as an "invalid named capture", for instance).
 */
function unsupportedFeature(pattern: string): string | undefined {
  if (/(^|[^\\])(\\\\)*\(\?<?[=!]/.test(pattern)) return 'lookahead and lookbehind assertions are not supported (RE2 semantics)';
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(pattern)) return 'backreferences are not supported (RE2 semantics)';
  return undefined;
}

/** Compiles one pattern with re2js and returns its instruction program. Throws PatternError. */
function re2Program(pattern: string): { inst: Re2Inst[]; start: number } {
  let compiled: unknown;
  try {
    compiled = RE2JS.compile(pattern, RE2JS.LONGEST_MATCH);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new PatternError(unsupportedFeature(pattern) ?? msg.replace(/^error parsing regexp: /, ''));
  }
  const prog = (compiled as { re2Input?: { prog?: { inst?: unknown; start?: unknown } } }).re2Input?.prog;
  if (!prog || !Array.isArray(prog.inst) || typeof prog.start !== 'number') {
    throw new PatternError('internal: the installed re2js does not expose its compiled program');
  }
  return { inst: prog.inst as Re2Inst[], start: prog.start };
}

const foldCache = new Map<number, Ranges>();

/** Every code point equal to `r` under RE2's simple case folding (its fold orbit). */
function foldOrbit(r: number): Ranges {
  let cached = foldCache.get(r);
  if (cached) return cached;
  // re2js expands a folded character class into the whole orbit; read it back. (A
  // second member keeps the class from being simplified to a folded literal again.)
  const { inst, start } = re2Program(`(?i)[\\x{${r.toString(16)}}\\x{10ffff}]`);
  const i = inst[start];
  if (i && i.op === RUNE && i.runes.length % 2 === 0) {
    const runes = Array.from(i.runes);
    if (r !== MAX_RUNE && runes[runes.length - 1] === MAX_RUNE) {
      if (runes[runes.length - 2] === MAX_RUNE) runes.length -= 2;
      else runes[runes.length - 1] = MAX_RUNE - 1;
    }
    cached = normalize(runes.concat(r, r));
  } else cached = [r, r];
  foldCache.set(r, cached);
  return cached;
}

function instRanges(i: Re2Inst): Ranges {
  switch (i.op) {
    case RUNE_ANY:
      return [0, MAX_RUNE];
    case RUNE_ANY_NOT_NL:
      return [0, 9, 11, MAX_RUNE];
    case RUNE1:
      return [i.runes[0]!, i.runes[0]!];
    default: {
      if (i.runes.length === 1) {
        const r = i.runes[0]!;
        return (i.arg & FOLD_CASE) !== 0 ? foldOrbit(r) : [r, r];
      }
      return normalize(Array.from(i.runes));
    }
  }
}

/** Sorts and merges ranges. */
export function normalize(ranges: number[]): Ranges {
  const pairs: Array<[number, number]> = [];
  for (let k = 0; k + 1 < ranges.length; k += 2) pairs.push([ranges[k]!, ranges[k + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** Translates one pattern into an NFA whose accepting node reports pattern index `id`. */
export function compilePattern(pattern: string, id = 0): Nfa {
  const { inst, start } = re2Program(pattern);
  const size = inst.length;
  const nfa: Nfa = {
    size,
    starts: [start],
    accept: new Int32Array(size).fill(-1),
    eps: Array.from({ length: size }, () => []),
    asserts: Array.from({ length: size }, () => []),
    chars: Array.from({ length: size }, () => []),
    classes: [],
  };
  const classIds = new Map<string, number>();
  for (let pc = 0; pc < size; pc++) {
    const i = inst[pc]!;
    if (typeof i?.op !== 'number' || typeof i.out !== 'number') throw new PatternError('internal: unexpected re2js instruction');
    switch (i.op) {
      case ALT:
      case ALT_MATCH:
        nfa.eps[pc]!.push(i.out, i.arg);
        break;
      case CAPTURE:
      case NOP:
        nfa.eps[pc]!.push(i.out);
        break;
      case EMPTY_WIDTH:
        nfa.asserts[pc]!.push([i.arg, i.out]);
        break;
      case MATCH:
        nfa.accept[pc] = id;
        break;
      case FAIL:
        break;
      case RUNE:
      case RUNE1:
      case RUNE_ANY:
      case RUNE_ANY_NOT_NL: {
        const ranges = instRanges(i);
        const key = ranges.join(',');
        let c = classIds.get(key);
        if (c === undefined) {
          c = nfa.classes.length;
          nfa.classes.push(ranges);
          classIds.set(key, c);
        }
        nfa.chars[pc]!.push([c, i.out]);
        break;
      }
      default:
        throw new PatternError(`internal: unsupported re2js instruction ${i.op} (lookbehind?)`);
    }
  }
  return nfa;
}

/** The union of several NFAs: one machine that reports which patterns match. */
export function unionNfa(parts: readonly Nfa[]): Nfa {
  const out: Nfa = { size: 0, starts: [], accept: new Int32Array(0), eps: [], asserts: [], chars: [], classes: [] };
  const accept: number[] = [];
  for (const p of parts) {
    const base = out.size;
    const cbase = out.classes.length;
    out.classes.push(...p.classes);
    for (let n = 0; n < p.size; n++) {
      out.eps.push(p.eps[n]!.map((t) => t + base));
      out.asserts.push(p.asserts[n]!.map(([f, t]) => [f, t + base] as [number, number]));
      out.chars.push(p.chars[n]!.map(([c, t]) => [c + cbase, t + base] as [number, number]));
      accept.push(p.accept[n]!);
    }
    out.starts.push(...p.starts.map((s) => s + base));
    out.size += p.size;
  }
  out.accept = Int32Array.from(accept);
  return out;
}

/** Assertion bits as seen when the text is read backwards. */
function mirrorAssert(f: number): number {
  let m = f & (WORD_BOUNDARY | NO_WORD_BOUNDARY);
  if (f & BEGIN_LINE) m |= END_LINE;
  if (f & END_LINE) m |= BEGIN_LINE;
  if (f & BEGIN_TEXT) m |= END_TEXT;
  if (f & END_TEXT) m |= BEGIN_TEXT;
  return m;
}

/**
 * The NFA of the reversed language: every edge flipped, starts and accepts swapped.
 * Run over the text backwards from its end, it accepts at exactly the positions where
 * a match of the original begins. Takes a single pattern's NFA (reverse each pattern,
 * then take the union) and keeps its pattern index.
 */
export function reverseNfa(nfa: Nfa): Nfa {
  const size = nfa.size;
  const out: Nfa = {
    size,
    starts: [],
    accept: new Int32Array(size).fill(-1),
    eps: Array.from({ length: size }, () => []),
    asserts: Array.from({ length: size }, () => []),
    chars: Array.from({ length: size }, () => []),
    classes: nfa.classes,
  };
  for (let n = 0; n < size; n++) {
    for (const t of nfa.eps[n]!) out.eps[t]!.push(n);
    for (const [f, t] of nfa.asserts[n]!) out.asserts[t]!.push([mirrorAssert(f), n]);
    for (const [c, t] of nfa.chars[n]!) out.chars[t]!.push([c, n]);
    if (nfa.accept[n]! >= 0) out.starts.push(n);
  }
  let id = 0;
  for (let n = 0; n < size; n++) if (nfa.accept[n]! >= 0) id = nfa.accept[n]!;
  for (const s of nfa.starts) out.accept[s] = id;
  return out;
}

/**
 * The longest match in UTF-16 code units, or Infinity when a repetition is unbounded.
 * Also reports whether the pattern can match the empty string (useless for a classifier).
 */
export function analyze(nfa: Nfa): { maxLength: number; matchesEmpty: boolean } {
  const { size } = nfa;
  const succ: Array<Array<[number, number]>> = Array.from({ length: size }, () => []);
  for (let n = 0; n < size; n++) {
    for (const t of nfa.eps[n]!) succ[n]!.push([t, 0]);
    for (const [, t] of nfa.asserts[n]!) succ[n]!.push([t, 0]);
    for (const [c, t] of nfa.chars[n]!) {
      const r = nfa.classes[c]!;
      succ[n]!.push([t, r.length > 0 && r[r.length - 1]! > 0xffff ? 2 : 1]);
    }
  }
  // Only nodes on some path from a start to an accept matter.
  const fwd = reach(size, nfa.starts, (n) => succ[n]!.map(([t]) => t));
  const pred: number[][] = Array.from({ length: size }, () => []);
  for (let n = 0; n < size; n++) for (const [t] of succ[n]!) pred[t]!.push(n);
  const accepts: number[] = [];
  for (let n = 0; n < size; n++) if (nfa.accept[n]! >= 0) accepts.push(n);
  const bwd = reach(size, accepts, (n) => pred[n]!);
  const useful = (n: number) => fwd[n] === 1 && bwd[n] === 1;

  const emptyReach = reach(size, nfa.starts, (n) => succ[n]!.filter(([, w]) => w === 0).map(([t]) => t));
  const matchesEmpty = accepts.some((a) => emptyReach[a] === 1);

  // Longest path by memoised DFS; a useful cycle through a consuming edge is unbounded.
  // Zero-width cycles are harmless but must not recurse forever: the colouring below
  // treats any back edge as a cycle and then checks whether it consumed input.
  const { comp, count } = sccs(size, (n) => succ[n]!.filter(([t]) => useful(t)).map(([t]) => t), useful);
  for (let n = 0; n < size; n++) {
    if (!useful(n)) continue;
    for (const [t, w] of succ[n]!) if (w > 0 && useful(t) && comp[t] === comp[n]) return { maxLength: Infinity, matchesEmpty };
  }
  // Components come out of Tarjan in reverse topological order.
  const best = new Float64Array(count).fill(-Infinity);
  const order: number[][] = Array.from({ length: count }, () => []);
  for (let n = 0; n < size; n++) if (useful(n)) order[comp[n]!]!.push(n);
  for (let c = 0; c < count; c++) {
    for (const n of order[c]!) if (nfa.accept[n]! >= 0) best[c] = Math.max(best[c]!, 0);
    for (const n of order[c]!) {
      for (const [t, w] of succ[n]!) {
        if (!useful(t) || comp[t] === c) continue;
        best[c] = Math.max(best[c]!, best[comp[t]!]! + w);
      }
    }
  }
  let maxLength = 0;
  for (const s of nfa.starts) if (useful(s)) maxLength = Math.max(maxLength, best[comp[s]!]!);
  return { maxLength, matchesEmpty };
}

function reach(size: number, from: readonly number[], next: (n: number) => readonly number[]): Uint8Array {
  const seen = new Uint8Array(size);
  const stack = [...from];
  for (const s of from) seen[s] = 1;
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const t of next(n)) {
      if (!seen[t]) {
        seen[t] = 1;
        stack.push(t);
      }
    }
  }
  return seen;
}

/** Iterative Tarjan: components numbered in reverse topological order. */
export function sccs(size: number, next: (n: number) => number[], include: (n: number) => boolean): { comp: Int32Array; count: number } {
  const index = new Int32Array(size).fill(-1);
  const low = new Int32Array(size);
  const comp = new Int32Array(size).fill(-1);
  const onStack = new Uint8Array(size);
  const stack: number[] = [];
  let counter = 0;
  let count = 0;
  for (let root = 0; root < size; root++) {
    if (!include(root) || index[root] !== -1) continue;
    const work: Array<[number, number[], number]> = [[root, next(root), 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [n, succ] = frame;
      if (frame[2] < succ.length) {
        const t = succ[frame[2]++]!;
        if (index[t] === -1) {
          index[t] = low[t] = counter++;
          stack.push(t);
          onStack[t] = 1;
          work.push([t, next(t), 0]);
        } else if (onStack[t]) low[n] = Math.min(low[n]!, index[t]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[n]!);
      }
      if (low[n] === index[n]) {
        let m: number;
        do {
          m = stack.pop()!;
          onStack[m] = 0;
          comp[m] = count;
        } while (m !== n);
        count++;
      }
    }
  }
  return { comp, count };
}
