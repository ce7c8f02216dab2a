import type { Nfa } from './program.js';

// Prefilters. Most text contains no match at all, and most of a text is far from any
// match, so the scanner only runs its DFA near an anchor: something every match of a
// pattern must contain. Anchors are derived from the NFA, not written by hand: a
// literal every match contains (found through the dominators of the accepting state,
// e.g. `-----BEGIN`, `AIza`, `@`), or else a small set of ASCII characters every
// match must use at least one of (e.g. the digits, for a card number). A pattern
// without a useful anchor is scanned in full.

export type Anchor =
  | { kind: 'literal'; text: string }
  | { kind: 'chars'; ascii: Uint8Array; nonAscii: boolean }
  | undefined;

/** Rough frequency of each ASCII character in prose, code and logs (per 100). */
export function weight(c: number): number {
  if (c === 32) return 15;
  if (c >= 97 && c <= 122) return 6;
  if (c >= 65 && c <= 90) return 0.6;
  if (c >= 48 && c <= 57) return 0.8;
  if (c === 10 || c === 9 || c === 13) return 2;
  // sentence ends, decimals, domains and member access: '.' is everywhere
  if (c === 46) return 10;
  if (c === 44) return 2;
  if ('-_:="/()\'{}[];'.includes(String.fromCharCode(c))) return 0.6;
  if (c === 64) return 0.05;
  return 0.15;
}
export const NON_ASCII_WEIGHT = 1;
/** Above this total weight an anchor set would be everywhere: scan in full instead. */
const MAX_SET_WEIGHT = 12;
const MIN_LITERAL = 3;

/** The predecessor-free structure the analysis walks: consuming nodes and their classes. */
interface Graph {
  size: number;
  succ: number[][];
  /** for a node that consumes: its class index, else -1 */
  cls: Int32Array;
  target: Int32Array;
  starts: number[];
  sink: number;
}

function graphOf(nfa: Nfa): Graph {
  const size = nfa.size + 1;
  const sink = nfa.size;
  const succ: number[][] = Array.from({ length: size }, () => []);
  const cls = new Int32Array(size).fill(-1);
  const target = new Int32Array(size).fill(-1);
  for (let n = 0; n < nfa.size; n++) {
    for (const t of nfa.eps[n]!) succ[n]!.push(t);
    for (const [, t] of nfa.asserts[n]!) succ[n]!.push(t);
    const chars = nfa.chars[n]!;
    if (chars.length === 1) {
      cls[n] = chars[0]![0];
      target[n] = chars[0]![1];
    }
    for (const [, t] of chars) succ[n]!.push(t);
    if (nfa.accept[n]! >= 0) succ[n]!.push(sink);
  }
  return { size, succ, cls, target, starts: nfa.starts, sink };
}

/** Whether `sink` is reachable from the starts without entering a node in `removed`. */
function reachable(g: Graph, removed: Uint8Array): boolean {
  const seen = new Uint8Array(g.size);
  const stack: number[] = [];
  for (const s of g.starts) if (!removed[s] && !seen[s]) {
    seen[s] = 1;
    stack.push(s);
  }
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n === g.sink) return true;
    for (const t of g.succ[n]!) if (!removed[t] && !seen[t]) {
      seen[t] = 1;
      stack.push(t);
    }
  }
  return false;
}

/** Dominators of the sink, in path order (Cooper, Harvey & Kennedy's iteration). */
function sinkDominators(g: Graph): number[] {
  const root = g.size; // virtual root before all starts
  const succ = (n: number) => (n === root ? g.starts : g.succ[n]!);
  // reverse postorder from the root
  const order: number[] = [];
  const seen = new Uint8Array(g.size + 1);
  const stack: Array<[number, number]> = [[root, 0]];
  seen[root] = 1;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const next = succ(top[0]);
    if (top[1] < next.length) {
      const t = next[top[1]++]!;
      if (!seen[t]) {
        seen[t] = 1;
        stack.push([t, 0]);
      }
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  order.reverse();
  if (!seen[g.sink]) return [];
  const rpo = new Int32Array(g.size + 1).fill(-1);
  order.forEach((n, i) => (rpo[n] = i));
  const preds: number[][] = Array.from({ length: g.size + 1 }, () => []);
  for (const n of order) for (const t of succ(n)) preds[t]!.push(n);
  const idom = new Int32Array(g.size + 1).fill(-1);
  idom[root] = root;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (rpo[a]! > rpo[b]!) a = idom[a]!;
      while (rpo[b]! > rpo[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true, rounds = 0; changed && rounds < 1000; rounds++) {
    changed = false;
    for (const n of order) {
      if (n === root) continue;
      let d = -1;
      for (const p of preds[n]!) if (idom[p] !== -1) d = d === -1 ? p : intersect(p, d);
      if (d !== -1 && idom[n] !== d) {
        idom[n] = d;
        changed = true;
      }
    }
  }
  const chain: number[] = [];
  for (let n = idom[g.sink]!; n !== root && n !== -1; n = idom[n]!) chain.push(n);
  return chain.reverse();
}

function singleAscii(nfa: Nfa, cls: number): number {
  const r = nfa.classes[cls]!;
  return r.length === 2 && r[0] === r[1] && r[0]! < 128 ? r[0]! : -1;
}

/** The only consuming node reachable from `n` without consuming, or -1. */
function nextConsumer(g: Graph, n: number): number {
  const seen = new Set<number>([n]);
  const stack = [n];
  let found = -1;
  while (stack.length > 0) {
    const m = stack.pop()!;
    if (g.cls[m]! >= 0) {
      if (found !== -1 && found !== m) return -1;
      found = m;
      continue;
    }
    if (m === g.sink) return -1;
    for (const t of g.succ[m]!) if (!seen.has(t)) {
      seen.add(t);
      stack.push(t);
    }
  }
  return found;
}

/** The longest literal every match contains, from runs of single-character dominators. */
function requiredLiteral(nfa: Nfa, g: Graph, doms: number[]): string {
  let best = '';
  let run = '';
  let prev = -1;
  for (const d of doms) {
    if (g.cls[d]! < 0) continue;
    const ch = singleAscii(nfa, g.cls[d]!);
    if (ch < 0) {
      run = '';
      prev = -1;
      continue;
    }
    run = prev !== -1 && nextConsumer(g, g.target[prev]!) === d ? run + String.fromCharCode(ch) : String.fromCharCode(ch);
    prev = d;
    if (run.length > best.length) best = run;
  }
  return best;
}

function classWeight(nfa: Nfa, cls: number, covered: Uint8Array, nonAsciiCovered: boolean): number {
  const r = nfa.classes[cls]!;
  let w = 0;
  for (let k = 0; k < r.length; k += 2) {
    for (let c = r[k]!; c <= Math.min(r[k + 1]!, 127); c++) if (!covered[c]) w += weight(c);
    if (r[k + 1]! >= 128 && !nonAsciiCovered) w += NON_ASCII_WEIGHT;
  }
  return w;
}

/**
 * The cheapest set of characters every match must use one of: consuming nodes are
 * removed greedily, rarest class first, until no path reaches an accept.
 */
function requiredChars(nfa: Nfa, g: Graph): Anchor {
  const candidates: number[] = [];
  for (let n = 0; n < g.size; n++) if (g.cls[n]! >= 0) candidates.push(n);
  const removed = new Uint8Array(g.size);
  const ascii = new Uint8Array(128);
  let nonAscii = false;
  let total = 0;
  for (let round = 0; round < 64 && reachable(g, removed); round++) {
    let best = -1;
    let bestW = Infinity;
    for (const n of candidates) {
      if (removed[n]) continue;
      const w = classWeight(nfa, g.cls[n]!, ascii, nonAscii);
      if (w < bestW) {
        bestW = w;
        best = n;
      }
    }
    if (best < 0) return undefined;
    total += bestW;
    if (total > MAX_SET_WEIGHT) return undefined;
    // take every node of the same class at once: it costs nothing more
    const r = nfa.classes[g.cls[best]!]!;
    for (let k = 0; k < r.length; k += 2) {
      for (let c = r[k]!; c <= Math.min(r[k + 1]!, 127); c++) ascii[c] = 1;
      if (r[k + 1]! >= 128) nonAscii = true;
    }
    // every node whose class is now covered costs nothing more: take them all
    for (const n of candidates) if (classWeight(nfa, g.cls[n]!, ascii, nonAscii) === 0) removed[n] = 1;
    removed[best] = 1;
  }
  if (reachable(g, removed)) return undefined;
  // the greedy choice may have taken characters that later ones made unnecessary
  for (let c = 127; c >= 0; c--) {
    if (!ascii[c]) continue;
    ascii[c] = 0;
    if (reachable(g, coveredNodes(nfa, g, ascii, nonAscii))) ascii[c] = 1;
  }
  return { kind: 'chars', ascii, nonAscii };
}

/** The consuming nodes whose whole class lies in the character set. */
function coveredNodes(nfa: Nfa, g: Graph, ascii: Uint8Array, nonAscii: boolean): Uint8Array {
  const removed = new Uint8Array(g.size);
  for (let n = 0; n < g.size; n++) if (g.cls[n]! >= 0 && classWeight(nfa, g.cls[n]!, ascii, nonAscii) === 0) removed[n] = 1;
  return removed;
}

/** An anchor for the pattern, or undefined when it must be scanned everywhere. */
export function anchorOf(nfa: Nfa): Anchor {
  const g = graphOf(nfa);
  const literal = requiredLiteral(nfa, g, sinkDominators(g));
  if (literal.length >= MIN_LITERAL) return { kind: 'literal', text: literal };
  return requiredChars(nfa, g);
}
