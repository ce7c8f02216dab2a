import { MultiRegex, OPEN, Regex } from './engine.js';
import { ClassifierError, type ClassifierSet, type Match, type PartialScan, type PartialScanOptions } from './types.js';
import type { Check } from './validators.js';

// A classifier is a pattern plus what a raw match must also satisfy. The set scans a
// text for any subset of its classifiers with one shared engine pass (engine.ts).

/**
 * Narrows or rejects a raw match: returns the span that counts (within [start, end)),
 * or undefined. The library uses it to report only the key in `api_key = "…"`, or to
 * fall back to a shorter valid prefix (a card number followed by a CVV).
 */
export type Refine = (text: string, start: number, end: number) => readonly [number, number] | undefined;

export interface ClassifierDef {
  name: string;
  /** one line, for the docs */
  description: string;
  /** RE2 syntax */
  pattern: string;
  /** the longest match looked for, in UTF-16 code units */
  maxLength: number;
  checks: readonly Check[];
  /** the match counts only with one of these words (lower case) nearby */
  context?: readonly string[];
  refine?: Refine;
  /**
   * How many characters before a raw match's start and after its end the refinement
   * and checks read at most (0 when they read only the match). Stream masking relies
   * on it: a match is judged only once that much text follows it.
   */
  reach?: number;
  /** where it comes from: the built-in library or a policy declaration */
  origin: 'library' | 'policy';
}

/** How far around a match context words are looked for, in UTF-16 code units. */
export const CONTEXT_WINDOW = 64;

export interface CompiledClassifier {
  def: ClassifierDef;
  regex: Regex;
}

/** Compiles a definition's pattern (throws PatternError). */
export function compileDef(def: ClassifierDef): CompiledClassifier {
  return { def, regex: new Regex(def.pattern) };
}

/** scanners kept per set, one per distinct list of classifiers asked for */
const MAX_SCANNERS = 16;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** `word` occurs in `hay` (both lower case) not preceded by a letter or digit. */
function hasWordStart(hay: string, word: string): boolean {
  for (let i = hay.indexOf(word); i >= 0; i = hay.indexOf(word, i + 1)) {
    if (i === 0 || !isAlnum(hay.charCodeAt(i - 1))) return true;
  }
  return false;
}

export function hasContext(text: string, start: number, end: number, words: readonly string[]): boolean {
  const before = text.slice(Math.max(0, start - CONTEXT_WINDOW), start).toLowerCase();
  const after = text.slice(end, end + CONTEXT_WINDOW).toLowerCase();
  return words.some((w) => hasWordStart(before, w) || hasWordStart(after, w));
}

export class CompiledClassifierSet implements ClassifierSet {
  private readonly byName: ReadonlyMap<string, CompiledClassifier>;
  private readonly sorted: string[];
  private readonly allKey: string;
  private readonly scanners = new Map<string, { scanner: MultiRegex; members: CompiledClassifier[] }>();
  private readonly partials = new WeakMap<
    readonly string[],
    { scanner: MultiRegex | undefined; members: CompiledClassifier[]; around: number[]; force: number[]; index: Map<string, number>; resume: Int32Array }
  >();

  constructor(classifiers: Iterable<CompiledClassifier>) {
    const m = new Map<string, CompiledClassifier>();
    for (const c of classifiers) m.set(c.def.name, c);
    this.byName = m;
    this.sorted = [...m.keys()].sort();
    this.allKey = this.sorted.join('\n');
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.sorted];
  }

  maxLength(name: string): number {
    const c = this.byName.get(name);
    if (!c) throw new ClassifierError(`unknown classifier "${name}"`);
    return c.def.maxLength;
  }

  lookaround(name: string): number {
    const c = this.byName.get(name);
    if (!c) throw new ClassifierError(`unknown classifier "${name}"`);
    return lookaround(c.def);
  }

  /** The definition of a classifier (for docs and diagnostics), or undefined. */
  definition(name: string): ClassifierDef | undefined {
    return this.byName.get(name)?.def;
  }

  scan(text: string, names?: readonly string[]): Match[] {
    const selected = names === undefined ? this.sorted : [...new Set(names)].sort();
    if (names !== undefined) for (const n of selected) if (!this.byName.has(n)) throw new ClassifierError(`unknown classifier "${n}"`);
    if (selected.length === 0 || text.length === 0) return [];
    // no memo across calls: a scan shares nothing between requests (the guardrail
    // builtins memoise within one evaluation instead)
    return this.run(text, names === undefined ? this.allKey : selected.join('\n'), selected);
  }

  scanPartial(text: string, names: readonly string[], opts: PartialScanOptions): PartialScan {
    // a stream scans with the same names array at every chunk: prepare it once
    let prep = this.partials.get(names);
    if (!prep) {
      const selected = [...new Set(names)].sort();
      for (const n of selected) if (!this.byName.has(n)) throw new ClassifierError(`unknown classifier "${n}"`);
      const { scanner, members } = selected.length > 0 ? this.scannerFor(selected.join('\n'), selected) : { scanner: undefined, members: [] };
      const around = members.map((c) => lookaround(c.def));
      prep = {
        scanner,
        members,
        around,
        force: members.map((c, i) => c.def.maxLength + around[i]!),
        index: new Map(members.map((c, i) => [c.def.name, i])),
        resume: new Int32Array(members.length),
      };
      this.partials.set(names, prep);
    }
    const { scanner, members, around, force, index } = prep;
    const from = Math.max(0, opts.from);
    if (!scanner || from >= text.length) return { matches: [], pending: Math.max(from, text.length) };
    const resume = prep.resume.fill(from);
    if (opts.resume) for (const [name, end] of opts.resume) {
      const i = index.get(name);
      if (i !== undefined && end > from) resume[i] = end;
    }
    const final = opts.final === true;
    const n = text.length;
    const found: Array<{ candidate: number; match: Match }> = [];
    const pending = scanner.findPartial(text, from, resume, final, force, (p, s, e) => {
      if (!final && e + around[p]! > n) return OPEN;
      const def = members[p]!.def;
      const span = judge(def, text, s, e);
      if (!span) return -1;
      found.push({ candidate: s, match: Object.freeze({ classifier: def.name, start: span[0], end: span[1] }) });
      return span[1];
    });
    if (found.length === 0) return { matches: [], pending };
    const matches = found.filter((f) => f.candidate < pending).map((f) => f.match);
    matches.sort(byPosition);
    return { matches, pending };
  }

  private scannerFor(key: string, selected: readonly string[]): { scanner: MultiRegex; members: CompiledClassifier[] } {
    let entry = this.scanners.get(key);
    if (entry) return entry;
    const members = selected.map((n) => this.byName.get(n)!);
    // the library's refinements reject a match cut at its cap, so its unbounded
    // patterns may be searched only near their anchors (see MultiRegex)
    const scanner = new MultiRegex(
      members.map((c) => c.regex),
      members.map((c) => c.def.maxLength),
      undefined,
      members.map((c) => c.def.origin === 'library'),
    );
    entry = { scanner, members };
    if (this.scanners.size >= MAX_SCANNERS) this.scanners.delete(this.scanners.keys().next().value!);
    this.scanners.set(key, entry);
    return entry;
  }

  private run(text: string, key: string, selected: readonly string[]): Match[] {
    const { scanner, members } = this.scannerFor(key, selected);
    const out: Match[] = [];
    scanner.findAll(text, (p, s, e) => {
      const { def } = members[p]!;
      const span = judge(def, text, s, e);
      if (!span) return -1;
      out.push(Object.freeze({ classifier: def.name, start: span[0], end: span[1] }));
      return span[1];
    });
    out.sort(byPosition);
    return out;
  }
}

function byPosition(a: Match, b: Match): number {
  return a.start - b.start || a.end - b.end || (a.classifier < b.classifier ? -1 : a.classifier > b.classifier ? 1 : 0);
}

/** The span of a raw match that counts (refined, checked, with context), or undefined. */
function judge(def: ClassifierDef, text: string, s: number, e: number): readonly [number, number] | undefined {
  let span: readonly [number, number] | undefined = [s, e];
  if (def.refine) span = def.refine(text, s, e);
  if (!span) return undefined;
  const [vs, ve] = span;
  if (def.checks.length > 0) {
    const value = text.slice(vs, ve);
    for (const check of def.checks) if (!check(value, text, vs, ve)) return undefined;
  }
  if (def.context && !hasContext(text, vs, ve, def.context)) return undefined;
  return span;
}

/**
 * How far around a raw match judging it reads: the refinement's reach, the context
 * window, and at least the character on each side (word boundaries).
 */
function lookaround(def: ClassifierDef): number {
  return Math.max(1, def.reach ?? 0, def.context ? CONTEXT_WINDOW : 0);
}

/**
 * `text` with each group of overlapping matches (sorted by start, as scan returns
 * them) replaced by `replace(lead, group)`: overlapping matches merge into one span,
 * led by the match that starts first (the longest on a tie).
 */
export function spliceMatches(text: string, matches: readonly Match[], replace: (lead: Match, group: readonly Match[]) => string): string {
  if (matches.length === 0) return text;
  const parts: string[] = [];
  let pos = 0;
  let i = 0;
  while (i < matches.length) {
    const first = matches[i]!;
    let lead = first;
    let end = first.end;
    let j = i + 1;
    for (; j < matches.length && matches[j]!.start < end; j++) {
      const m = matches[j]!;
      if (m.start === first.start && m.end > lead.end) lead = m;
      end = Math.max(end, m.end);
    }
    parts.push(text.slice(pos, first.start), replace(lead, matches.slice(i, j)));
    pos = end;
    i = j;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

/**
 * `text` with every match of the named classifiers replaced by `replacement`, where
 * `{name}` stands for the classifier's name (merged as spliceMatches does).
 */
export function redactText(set: ClassifierSet, text: string, names: readonly string[], replacement: string): string {
  return spliceMatches(text, set.scan(text, names), (lead) => replacement.split('{name}').join(lead.classifier));
}
