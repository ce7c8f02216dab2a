import type { Body, Rule, Term, Statement } from '../ast.js';

// One traversal for every check. `statement` is true for a term that is a whole
// statement of a body (the only place OPA's output-argument call form is allowed).
// `with` targets are not visited: `with data.x as v` may name things that only exist
// while mocked, and a mock target is not a dependency.

export type TermVisitor = (t: Term, statement: boolean) => void;

const MAX_DEPTH = 200;

export function walkRule(rule: Rule, visit: TermVisitor): void {
  const h = rule.head;
  for (const t of h.ref) walkTerm(t, visit);
  for (const t of h.args ?? []) walkTerm(t, visit);
  if (h.key) walkTerm(h.key, visit);
  if (h.value) walkTerm(h.value, visit);
  walkBody(rule.body, visit);
  for (const e of rule.elses) {
    if (e.value) walkTerm(e.value, visit);
    walkBody(e.body, visit);
  }
}

export function walkBody(body: Body, visit: TermVisitor, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  for (const lit of body) {
    walkStatement(lit.stmt, visit, depth);
    for (const w of lit.with) walkTerm(w.value, visit, false, depth + 1);
  }
}

function walkStatement(s: Statement, visit: TermVisitor, depth: number): void {
  switch (s.type) {
    case 'term':
      walkTerm(s.term, visit, true, depth + 1);
      break;
    case 'assign':
    case 'unify':
      walkTerm(s.lhs, visit, false, depth + 1);
      walkTerm(s.rhs, visit, false, depth + 1);
      break;
    case 'some':
      for (const v of s.vars) walkTerm(v, visit, false, depth + 1);
      break;
    case 'somein':
      if (s.key) walkTerm(s.key, visit, false, depth + 1);
      walkTerm(s.value, visit, false, depth + 1);
      walkTerm(s.collection, visit, false, depth + 1);
      break;
    case 'every':
      if (s.key) walkTerm(s.key, visit, false, depth + 1);
      walkTerm(s.value, visit, false, depth + 1);
      walkTerm(s.domain, visit, false, depth + 1);
      walkBody(s.body, visit, depth + 1);
      break;
  }
}

export function walkTerm(t: Term, visit: TermVisitor, statement = false, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  visit(t, statement);
  const d = depth + 1;
  switch (t.type) {
    case 'ref':
      walkTerm(t.head, visit, false, d);
      for (const p of t.path) walkTerm(p, visit, false, d);
      break;
    case 'array':
    case 'set':
      for (const i of t.items) walkTerm(i, visit, false, d);
      break;
    case 'object':
      for (const [k, v] of t.entries) {
        walkTerm(k, visit, false, d);
        walkTerm(v, visit, false, d);
      }
      break;
    case 'arraycompr':
    case 'setcompr':
      walkTerm(t.term, visit, false, d);
      walkBody(t.body, visit, d);
      break;
    case 'objectcompr':
      walkTerm(t.key, visit, false, d);
      walkTerm(t.value, visit, false, d);
      walkBody(t.body, visit, d);
      break;
    case 'call':
      for (const a of t.args) walkTerm(a, visit, false, d);
      break;
    case 'binary':
      walkTerm(t.left, visit, false, d);
      walkTerm(t.right, visit, false, d);
      break;
    case 'unary':
      walkTerm(t.operand, visit, false, d);
      break;
    case 'membership':
      if (t.key) walkTerm(t.key, visit, false, d);
      walkTerm(t.value, visit, false, d);
      walkTerm(t.collection, visit, false, d);
      break;
    default:
      break;
  }
}

/**
 * Names a rule declares for itself: function arguments, `:=` targets, `some`,
 * `some … in`, `every` variables (in nested bodies too). A rule name shadowed by one
 * of these is a local, not a reference to the rule. Scopes are flattened: this errs
 * towards "local", which can only hide a finding, never invent one.
 */
export function declaredLocals(rule: Rule): Set<string> {
  const names = new Set<string>();
  for (const a of rule.head.args ?? []) patternVars(a, names);
  const fromBody = (body: Body, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const lit of body) {
      const s = lit.stmt;
      switch (s.type) {
        case 'assign':
          patternVars(s.lhs, names);
          break;
        case 'some':
          for (const v of s.vars) names.add(v.name);
          break;
        case 'somein':
          if (s.key) patternVars(s.key, names);
          patternVars(s.value, names);
          break;
        case 'every':
          if (s.key) names.add(s.key.name);
          names.add(s.value.name);
          fromBody(s.body, depth + 1);
          break;
        default:
          break;
      }
    }
  };
  fromBody(rule.body, 0);
  for (const e of rule.elses) fromBody(e.body, 0);
  // comprehension bodies declare locals of their own
  walkRule(rule, (t) => {
    if (t.type === 'arraycompr' || t.type === 'setcompr' || t.type === 'objectcompr') fromBody(t.body, 1);
  });
  return names;
}

/** Variables bound by a pattern (`x`, `[a, b]`, `{"k": v}`); refs and calls bind nothing. */
export function patternVars(t: Term, into: Set<string>, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  switch (t.type) {
    case 'var':
      if (t.name !== '_') into.add(t.name);
      break;
    case 'array':
    case 'set':
      for (const i of t.items) patternVars(i, into, depth + 1);
      break;
    case 'object':
      for (const [, v] of t.entries) patternVars(v, into, depth + 1);
      break;
    default:
      break;
  }
}
