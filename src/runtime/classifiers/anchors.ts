import { sccs, type Nfa } from './program.js';

// Prefilters. Most text contains no match at all, and most of a text is far from any
// match, so the scanner only runs its DFA near an anchor: something every match of a
// pattern must contain. Anchors are derived from the NFA, not written by hand: a
// literal every match contains (found through the dominators of the accepting state,
// e.g. `-----BEGIN`, `AIza`, `@`), or else a small set of ASCII characters every
// match must use at least one of (e.g. the digits, for a card number). A pattern
// without a useful anchor is scanned in full.

/**
 * `before`: how far a match can start before the anchor hit (the literal's start, or
 * the anchor character); `after`: how far it can end after the hit's start. Infinity
 * when a repetition makes it unbounded. A window [hit - before, hit + after) around
 * every hit then holds every match.
 */
export type Anchor =
  | { kind: 'literals'; items: readonly LiteralItem[] }
  | { kind: 'chars'; ascii: Uint8Array; nonAscii: boolean; before: number; after: number }
  | undefined;

/**
 * A literal every match (of one alternative) contains. A `folded` one is matched
 * ignoring ASCII case (its letters are in lower case).
 */
export interface LiteralItem {
  text: string;
  folded: boolean;
  before: number;
  after: number;
}

/** A character anchor this rare (total weight) is preferred to case-insensitive literals. */
const CHEAP_CHARS = 2;

function charsWeight(a: { ascii: Uint8Array; nonAscii: boolean }): number {
  let w = a.nonAscii ? NON_ASCII_WEIGHT : 0;
  for (let c = 0; c < 128; c++) if (a.ascii[c]) w += weight(c);
  return w;
}

/** At most this many literals in one anchor (each is one native search per scan). */
const MAX_LITERALS = 8;

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

/**
 * The ASCII character a class stands for: its code, or for a letter with its other
 * case (`(?i)o`) the lower case code + 128; -1 for any other class. (`k` and `s` fold
 * with non-ASCII letters too, the Kelvin sign and the long s, so they never count as
 * case-insensitive literal characters: an ASCII-case comparison would miss those.)
 */
function litChar(nfa: Nfa, cls: number): number {
  const r = nfa.classes[cls]!;
  if (r.length === 2 && r[0] === r[1] && r[0]! < 128) return r[0]!;
  if (r.length === 4 && r[0] === r[1] && r[2] === r[3] && r[0]! >= 65 && r[0]! <= 90 && r[2] === r[0]! + 32) return r[2]! + 128;
  return -1;
}

/** A literal from litChar codes: case-insensitive (and lower case) if any code is. */
function literalOf(codes: readonly number[]): { text: string; folded: boolean } {
  const folded = codes.some((c) => c >= 128);
  const text = String.fromCharCode(...codes.map((c) => c & 127));
  return { text: folded ? text.toLowerCase() : text, folded };
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

/**
 * The longest literal every match contains, from runs of single-character dominators,
 * and the node that reads its first character.
 */
function requiredLiteral(nfa: Nfa, g: Graph, doms: number[]): { codes: number[]; first: number } {
  let best: number[] = [];
  let bestFirst = -1;
  let run: number[] = [];
  let runFirst = -1;
  let prev = -1;
  for (const d of doms) {
    if (g.cls[d]! < 0) continue;
    const ch = litChar(nfa, g.cls[d]!);
    if (ch < 0) {
      run = [];
      prev = -1;
      continue;
    }
    if (prev !== -1 && nextConsumer(g, g.target[prev]!) === d) run.push(ch);
    else {
      run = [ch];
      runFirst = d;
    }
    prev = d;
    if (run.length > best.length) {
      best = [...run];
      bestFirst = runFirst;
    }
  }
  return { codes: best, first: bestFirst };
}

/** UTF-16 units a consuming node reads (2 when its class reaches astral planes). */
function width(nfa: Nfa, cls: number): number {
  const r = nfa.classes[cls]!;
  return r.length > 0 && r[r.length - 1]! > 0xffff ? 2 : 1;
}

/**
 * Longest path (in UTF-16 units read) from any of `from` to every node, not going
 * past `blocked` nodes (they get a distance but are not expanded): -Infinity where
 * unreachable, Infinity past a cycle that reads input.
 */
function longest(nfa: Nfa, g: Graph, from: readonly number[], blocked: Uint8Array): Float64Array {
  const edges = (n: number): Array<[number, number]> => {
    if (n === g.sink || blocked[n]) return [];
    const out: Array<[number, number]> = [];
    for (const t of nfa.eps[n]!) out.push([t, 0]);
    for (const [, t] of nfa.asserts[n]!) out.push([t, 0]);
    for (const [c, t] of nfa.chars[n]!) out.push([t, width(nfa, c)]);
    if (nfa.accept[n]! >= 0) out.push([g.sink, 0]);
    return out;
  };
  const adj = Array.from({ length: g.size }, (_, n) => edges(n));
  const reached = new Uint8Array(g.size);
  const stack = [...from];
  for (const s of from) reached[s] = 1;
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const [t] of adj[n]!) if (!reached[t]) {
      reached[t] = 1;
      stack.push(t);
    }
  }
  const { comp, count } = sccs(g.size, (n) => adj[n]!.map(([t]) => t), (n) => reached[n] === 1);
  const members: number[][] = Array.from({ length: count }, () => []);
  const cyclic = new Uint8Array(count);
  for (let n = 0; n < g.size; n++) {
    if (!reached[n]) continue;
    members[comp[n]!]!.push(n);
    for (const [t, w] of adj[n]!) if (w > 0 && comp[t] === comp[n]) cyclic[comp[n]!] = 1;
  }
  const best = new Float64Array(count).fill(-Infinity);
  for (const s of from) best[comp[s]!] = 0;
  // Tarjan numbers components in reverse topological order
  for (let c = count - 1; c >= 0; c--) {
    if (best[c] === -Infinity) continue;
    if (cyclic[c]) best[c] = Infinity;
    for (const n of members[c]!) {
      for (const [t, w] of adj[n]!) {
        const tc = comp[t]!;
        if (tc !== c) best[tc] = Math.max(best[tc]!, best[c]! + w);
      }
    }
  }
  const dist = new Float64Array(g.size).fill(-Infinity);
  for (let n = 0; n < g.size; n++) if (reached[n]) dist[n] = best[comp[n]!]!;
  return dist;
}

/**
 * How far matches reach around their anchor, measured from the first anchor node on
 * each path: the longest way from a start to it, and from it to an accept.
 */
function reachAround(nfa: Nfa, g: Graph, anchorNodes: Uint8Array): { before: number; after: number } {
  const toAnchor = longest(nfa, g, g.starts, anchorNodes);
  let before = 0;
  const first: number[] = [];
  for (let n = 0; n < nfa.size; n++) {
    if (anchorNodes[n] && toAnchor[n]! > -Infinity) {
      first.push(n);
      before = Math.max(before, toAnchor[n]!);
    }
  }
  if (first.length === 0) return { before: Infinity, after: Infinity };
  const after = longest(nfa, g, first, new Uint8Array(g.size))[g.sink]!;
  return { before, after: after === -Infinity ? Infinity : after };
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
  return { kind: 'chars', ascii, nonAscii, ...reachAround(nfa, g, coveredNodes(nfa, g, ascii, nonAscii)) };
}

/** The consuming nodes whose whole class lies in the character set. */
function coveredNodes(nfa: Nfa, g: Graph, ascii: Uint8Array, nonAscii: boolean): Uint8Array {
  const removed = new Uint8Array(g.size);
  for (let n = 0; n < g.size; n++) if (g.cls[n]! >= 0 && classWeight(nfa, g.cls[n]!, ascii, nonAscii) === 0) removed[n] = 1;
  return removed;
}

/**
 * The only consuming node that every path into `n` reads just before it (no start in
 * between), or -1.
 */
function prevConsumer(g: Graph, pred: number[][], starts: Uint8Array, n: number): number {
  const seen = new Set<number>([n]);
  const stack = [n];
  let found = -1;
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (starts[x]) return -1;
    for (const p of pred[x]!) {
      if (g.cls[p]! >= 0) {
        if (g.target[p] !== x) continue;
        if (found !== -1 && found !== p) return -1;
        found = p;
      } else if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return found;
}

/**
 * A set of literals such that every match contains one of them (`AKIA`, `ASIA`, …, or
 * `xox`, `xapp-`, `https://hooks.slack.com/`), or undefined. Each literal is the
 * forced run of single characters around one node: every path through the node reads
 * it. Nodes are taken greedily, longest literal first, until no path reaches an
 * accept without passing one; then the ones made unnecessary are dropped.
 */
function requiredLiterals(nfa: Nfa, g: Graph): Literal[] | undefined {
  const pred: number[][] = Array.from({ length: g.size }, () => []);
  for (let n = 0; n < g.size; n++) for (const t of g.succ[n]!) pred[t]!.push(n);
  const starts = new Uint8Array(g.size);
  for (const s of g.starts) starts[s] = 1;
  const lit: Literal[] = [];
  for (let n = 0; n < nfa.size; n++) {
    if (g.cls[n]! < 0) continue;
    const ch = litChar(nfa, g.cls[n]!);
    if (ch < 0) continue;
    const codes = [ch];
    let offset = 0;
    const seen = new Set<number>([n]);
    for (let m = n, guard = 0; guard < 64; guard++) {
      const d = nextConsumer(g, g.target[m]!);
      if (d < 0 || seen.has(d) || litChar(nfa, g.cls[d]!) < 0) break;
      seen.add(d);
      codes.push(litChar(nfa, g.cls[d]!));
      m = d;
    }
    for (let m = n, guard = 0; guard < 64; guard++) {
      const q = prevConsumer(g, pred, starts, m);
      if (q < 0 || seen.has(q) || litChar(nfa, g.cls[q]!) < 0) break;
      seen.add(q);
      codes.unshift(litChar(nfa, g.cls[q]!));
      offset++;
      m = q;
    }
    if (codes.length >= MIN_LITERAL) lit.push({ node: n, ...literalOf(codes), offset });
  }
  lit.sort((a, b) => b.text.length - a.text.length);
  const removed = new Uint8Array(g.size);
  const chosen: typeof lit = [];
  for (const l of lit) {
    if (!reachable(g, removed)) break;
    removed[l.node] = 1;
    chosen.push(l);
  }
  if (reachable(g, removed)) return undefined;
  // drop the ones the later choices made unnecessary, shortest first
  for (let k = chosen.length - 1; k >= 0; k--) {
    removed[chosen[k]!.node] = 0;
    if (reachable(g, removed)) removed[chosen[k]!.node] = 1;
    else chosen.splice(k, 1);
  }
  return chosen.length <= MAX_LITERALS ? chosen : undefined;
}

/** A literal around `node`, which reads its character at `offset`. */
interface Literal {
  node: number;
  text: string;
  folded: boolean;
  offset: number;
}

/** Window reach for each literal, measured from where it starts in the text. */
function literalAnchor(nfa: Nfa, g: Graph, chosen: Literal[]): Anchor {
  const blocked = new Uint8Array(g.size);
  for (const c of chosen) blocked[c.node] = 1;
  // a path's first chosen node is where its window must hold it
  const toNode = longest(nfa, g, g.starts, blocked);
  const items: LiteralItem[] = [];
  for (const c of chosen) {
    if (toNode[c.node] === -Infinity) continue;
    const before = toNode[c.node]! - c.offset;
    const out = longest(nfa, g, [c.node], new Uint8Array(g.size))[g.sink]!;
    const after = out === -Infinity ? Infinity : c.offset + out;
    const same = items.find((x) => x.text === c.text && x.folded === c.folded);
    if (same) {
      same.before = Math.max(same.before, before);
      same.after = Math.max(same.after, after);
    } else items.push({ text: c.text, folded: c.folded, before, after });
  }
  return { kind: 'literals', items };
}

/** An anchor for the pattern, or undefined when it must be scanned everywhere. */
export function anchorOf(nfa: Nfa): Anchor {
  const g = graphOf(nfa);
  const literal = requiredLiteral(nfa, g, sinkDominators(g));
  if (literal.codes.length >= MIN_LITERAL) {
    const only = new Uint8Array(g.size);
    only[literal.first] = 1;
    return { kind: 'literals', items: [{ ...literalOf(literal.codes), ...reachAround(nfa, g, only) }] };
  }
  const chosen = requiredLiterals(nfa, g);
  if (chosen && chosen.length > 0) {
    // case-insensitive literals cost a search for both cases of a letter, or a RegExp
    // pass: a few rare characters (`:` or `=`) are cheaper to find
    if (chosen.some((c) => c.folded)) {
      const chars = requiredChars(nfa, g);
      if (chars?.kind === 'chars' && charsWeight(chars) <= CHEAP_CHARS) return chars;
    }
    return literalAnchor(nfa, g, chosen);
  }
  return requiredChars(nfa, g);
}
