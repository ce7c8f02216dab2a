// Hand-built ASTs for checker tests that must not depend on the parser. Positions are
// given explicitly as [line, col] so the tests can assert where a diagnostic points.
import type {
  Body,
  CallTerm,
  ClassifierDecl,
  Import,
  Literal,
  Location,
  Module,
  RefTerm,
  Rule,
  RuleHead,
  Statement,
  Term,
} from '../../../src/lang/ast.js';

export type Pos = [number, number];

export function at(pos: Pos, file = 'a.gate', width = 1): Location {
  const [line, col] = pos;
  return { file, line, col, endLine: line, endCol: col + width, offset: 0, endOffset: width };
}

export const v = (name: string, pos: Pos = [1, 1]): Term => ({ type: 'var', name, loc: at(pos, 'a.gate', name.length) });
export const s = (value: string, pos: Pos = [1, 1]): Term => ({ type: 'string', value, rawString: false, loc: at(pos) });
export const n = (raw: number | string, pos: Pos = [1, 1]): Term => ({ type: 'number', raw: String(raw), loc: at(pos) });
export const b = (value: boolean, pos: Pos = [1, 1]): Term => ({ type: 'boolean', value, loc: at(pos) });
export const arr = (items: Term[], pos: Pos = [1, 1]): Term => ({ type: 'array', items, loc: at(pos) });
export const set = (items: Term[], pos: Pos = [1, 1]): Term => ({ type: 'set', items, loc: at(pos) });
export const obj = (entries: Array<[string, Term]>, pos: Pos = [1, 1]): Term => ({
  type: 'object',
  entries: entries.map(([k, val]) => [s(k, pos), val] as [Term, Term]),
  loc: at(pos),
});

/** `head.a.b` with each dotted element positioned after the previous one */
export function ref(head: string, path: string[], pos: Pos = [1, 1]): RefTerm {
  let col = pos[1] + head.length + 1;
  const els: Term[] = path.map((p) => {
    const t = s(p, [pos[0], col]);
    col += p.length + 1;
    return t;
  });
  return { type: 'ref', head: v(head, pos), path: els, dotted: els.map(() => true), loc: at(pos) };
}

export function call(fn: string, args: Term[], pos: Pos = [1, 1]): CallTerm {
  return { type: 'call', fn: fn.split('.'), fnLoc: at(pos, 'a.gate', fn.length), args, loc: at(pos) };
}

export function lit(stmt: Statement | Term, pos: Pos = [1, 1]): Literal {
  const st: Statement = 'lhs' in stmt || ['some', 'somein', 'every', 'term'].includes(stmt.type) ? (stmt as Statement) : { type: 'term', term: stmt as Term };
  return { negated: false, with: [], stmt: st, loc: at(pos) };
}

export const assign = (lhs: Term, rhs: Term): Statement => ({ type: 'assign', lhs, rhs });

export interface RuleSpec {
  name: string;
  pos?: Pos;
  ref?: Term[];
  args?: Term[];
  key?: Term;
  value?: Term;
  body?: Body;
  isDefault?: boolean;
}

export function rule(spec: RuleSpec): Rule {
  const pos = spec.pos ?? [1, 1];
  const head: RuleHead = {
    name: spec.name,
    ref: spec.ref ?? [],
    refDotted: (spec.ref ?? []).map((t) => t.type === 'string'),
    loc: at(pos, 'a.gate', spec.name.length),
    ...(spec.args ? { args: spec.args } : {}),
    ...(spec.key ? { key: spec.key } : {}),
    ...(spec.value ? { value: spec.value, assign: ':=' as const } : {}),
  };
  return {
    type: 'rule',
    isDefault: spec.isDefault ?? false,
    head,
    body: spec.body ?? [],
    hasBody: spec.body !== undefined,
    elses: [],
    loc: at(pos),
  };
}

export function imp(path: string, pos: Pos, alias?: string): Import {
  return { path: path.split('.'), ...(alias ? { alias } : {}), loc: at(pos) };
}

export function mod(pkg: string, rules: Rule[], imports: Import[] = [], classifiers: ClassifierDecl[] = [], file = 'a.gate'): Module {
  const l = at([1, 1], file);
  return { type: 'module', file, package: pkg.split('.'), packageLoc: l, imports, rules, classifiers, comments: [], loc: l };
}
