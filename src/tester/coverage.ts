import type { Body, Literal, Module, Rule, Term } from '../lang/ast.js';
import type { TraceHooks } from './types.js';

// Line coverage in the manner of `opa test --coverage`: the lines that can be
// covered are rule heads and body literals (nested bodies included); a head is
// covered when its rule succeeded, a literal when it was evaluated at all. The
// evaluator does not trace `default` rules, so a default counts as covered when
// any definition of its rule was evaluated (the default was then in play).

export interface FileCoverage {
  file: string;
  covered: number[];
  notCovered: number[];
  /** 0..100; 100 when nothing on the file can be covered */
  percent: number;
}

export interface CoverageReport {
  files: FileCoverage[];
  covered: number;
  coverable: number;
  percent: number;
}

export interface CoverageCollector {
  hooks: TraceHooks;
  /** file → lines that evaluated */
  hits: Map<string, Set<number>>;
  /** paths (joined by NUL) of the rules that were entered */
  entered: Set<string>;
}

const pathKey = (path: readonly string[]): string => path.join('\u0000');

export function createCoverageCollector(): CoverageCollector {
  const hits = new Map<string, Set<number>>();
  const entered = new Set<string>();
  const mark = (file: string, line: number): void => {
    let lines = hits.get(file);
    if (!lines) hits.set(file, (lines = new Set()));
    lines.add(line);
  };
  return {
    hits,
    entered,
    hooks: {
      enterRule(_rule: Rule, path: readonly string[]) {
        entered.add(pathKey(path));
      },
      ruleSucceeded(rule: Rule) {
        mark(rule.loc.file, rule.loc.line);
      },
      literal(lit: Literal) {
        mark(lit.loc.file, lit.loc.line);
      },
    },
  };
}

/** Chains several tracers into one (e.g. coverage and --explain). */
export function combineHooks(...all: Array<TraceHooks | undefined>): TraceHooks | undefined {
  const hooks = all.filter((h): h is TraceHooks => h !== undefined);
  if (hooks.length === 0) return undefined;
  if (hooks.length === 1) return hooks[0];
  return {
    enterRule: (rule, path) => hooks.forEach((h) => h.enterRule?.(rule, path)),
    ruleSucceeded: (rule, path, value) => hooks.forEach((h) => h.ruleSucceeded?.(rule, path, value)),
    literal: (lit, ok) => hooks.forEach((h) => h.literal?.(lit, ok)),
  };
}

/** The lines of a module that coverage can speak about. */
export function coverableLines(module: Module): Set<number> {
  const lines = new Set<number>();
  const bodies: Body[] = [];
  const terms: Term[] = [];
  for (const rule of module.rules) {
    lines.add(rule.loc.line);
    bodies.push(rule.body);
    for (const e of rule.elses) bodies.push(e.body);
  }
  // Explicit work lists instead of recursion: a deeply nested policy must not
  // overflow the stack of the tool that reports on it.
  let guard = 0;
  while ((bodies.length > 0 || terms.length > 0) && guard++ < 10_000_000) {
    const body = bodies.pop();
    if (body) {
      for (const lit of body) {
        lines.add(lit.loc.line);
        collectStatementTerms(lit, terms, bodies);
      }
      continue;
    }
    const term = terms.pop()!;
    collectNested(term, terms, bodies);
  }
  return lines;
}

function collectStatementTerms(lit: Literal, terms: Term[], bodies: Body[]): void {
  const s = lit.stmt;
  switch (s.type) {
    case 'term':
      terms.push(s.term);
      break;
    case 'assign':
    case 'unify':
      terms.push(s.lhs, s.rhs);
      break;
    case 'somein':
      terms.push(s.value, s.collection);
      if (s.key) terms.push(s.key);
      break;
    case 'every':
      terms.push(s.domain);
      bodies.push(s.body);
      break;
    case 'some':
      break;
  }
  for (const w of lit.with) terms.push(w.value);
}

function collectNested(t: Term, terms: Term[], bodies: Body[]): void {
  switch (t.type) {
    case 'arraycompr':
    case 'setcompr':
      terms.push(t.term);
      bodies.push(t.body);
      break;
    case 'objectcompr':
      terms.push(t.key, t.value);
      bodies.push(t.body);
      break;
    case 'ref':
      terms.push(t.head, ...t.path);
      break;
    case 'array':
    case 'set':
      terms.push(...t.items);
      break;
    case 'object':
      for (const [k, v] of t.entries) terms.push(k, v);
      break;
    case 'call':
      terms.push(...t.args);
      break;
    case 'binary':
      terms.push(t.left, t.right);
      break;
    case 'unary':
      terms.push(t.operand);
      break;
    case 'membership':
      terms.push(t.value, t.collection);
      if (t.key) terms.push(t.key);
      break;
    default:
      break;
  }
}

/** The data path of a rule with a constant head (`default a.b := 1` in package p → p.a.b). */
function rulePath(module: Module, rule: Rule): string[] | undefined {
  const path = [...module.package, rule.head.name];
  for (const t of rule.head.ref) {
    if (t.type !== 'string') return undefined;
    path.push(t.value);
  }
  return path;
}

/** Adds the lines of default rules whose rule was evaluated to the hits. */
function withDefaults(
  modules: readonly Module[],
  hits: ReadonlyMap<string, ReadonlySet<number>>,
  entered: ReadonlySet<string>,
): ReadonlyMap<string, ReadonlySet<number>> {
  if (entered.size === 0) return hits;
  const out = new Map<string, Set<number>>();
  for (const [file, lines] of hits) out.set(file, new Set(lines));
  for (const m of modules) {
    for (const rule of m.rules) {
      if (!rule.isDefault) continue;
      const path = rulePath(m, rule);
      if (!path || !entered.has(pathKey(path))) continue;
      let lines = out.get(rule.loc.file);
      if (!lines) out.set(rule.loc.file, (lines = new Set()));
      lines.add(rule.loc.line);
    }
  }
  return out;
}

export function coverageReport(
  modules: readonly Module[],
  lineHits: ReadonlyMap<string, ReadonlySet<number>>,
  entered: ReadonlySet<string> = new Set(),
): CoverageReport {
  const hits = withDefaults(modules, lineHits, entered);
  const files: FileCoverage[] = [];
  let covered = 0;
  let coverable = 0;
  const sorted = [...modules].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const module of sorted) {
    const lines = [...coverableLines(module)].sort((a, b) => a - b);
    const hit = hits.get(module.file);
    const yes = lines.filter((l) => hit?.has(l) ?? false);
    const no = lines.filter((l) => !(hit?.has(l) ?? false));
    covered += yes.length;
    coverable += lines.length;
    files.push({ file: module.file, covered: yes, notCovered: no, percent: percentOf(yes.length, lines.length) });
  }
  return { files, covered, coverable, percent: percentOf(covered, coverable) };
}

function percentOf(part: number, whole: number): number {
  return whole === 0 ? 100 : (part * 100) / whole;
}

/** Sorted line numbers as ranges: [12, 13, 14, 30] → "12-14, 30". */
export function formatLineRanges(lines: readonly number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** `87.5`, `100`, `33.3`: one decimal, none when whole. */
export function formatPercent(p: number): string {
  const r = Math.round(p * 10) / 10;
  return Number.isInteger(r) ? `${r}` : r.toFixed(1);
}
