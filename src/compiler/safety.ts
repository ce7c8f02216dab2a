import type { Body, CallTerm, Literal, Term, VarTerm, EveryStatement } from '../lang/ast.js';
import { error } from '../lang/diagnostics.js';
import { equals } from '../runtime/value.js';
import { constValue } from './tree.js';
import { resolveBody, type Scope } from './scope.js';
import type { Compiler } from './compiler.js';

// Safety: every variable must be bound before it is used. As OPA's compiler does, the
// literals of a body are reordered so that each one runs once the variables it needs
// are bound; a body that cannot be ordered that way has unsafe variables.

/** One step of a unification, in the order it runs. */
export type UAction = { kind: 'eq'; a: Term; b: Term } | { kind: 'match'; src: Term; pat: Term };

export interface BodyPlan {
  scope: Scope;
  order: Literal[];
  /** vars each scheduled literal binds */
  outs: Map<Literal, number[]>;
  unify: Map<Literal, UAction[]>;
  /** slots of enclosing scopes this body reads (they must be bound before it runs) */
  outer: Set<number>;
  ok: boolean;
}

type Sets = { needs: Set<number>; outs: Set<number> };

export function newSets(): Sets {
  return { needs: new Set(), outs: new Set() };
}

function local(c: Compiler, v: VarTerm, scope: Scope): number | undefined {
  const r = c.resolver.resolve(v, scope);
  return r.kind === 'local' ? r.slot : undefined;
}

/** needs: vars that must be bound before t is evaluated; outs: vars its refs iterate. */
export function termVars(c: Compiler, t: Term, scope: Scope, s: Sets): void {
  switch (t.type) {
    case 'var': {
      const slot = local(c, t, scope);
      if (slot !== undefined) s.needs.add(slot);
      return;
    }
    case 'ref':
      if (t.head.type === 'var') {
        const slot = local(c, t.head, scope);
        if (slot !== undefined) s.needs.add(slot);
      } else termVars(c, t.head, scope, s);
      for (const p of t.path) {
        if (p.type === 'var' || p.type === 'array' || p.type === 'object') patternVars(c, p, scope, s);
        else termVars(c, p, scope, s);
      }
      return;
    case 'array':
    case 'set':
      for (const x of t.items) termVars(c, x, scope, s);
      return;
    case 'object':
      for (const [k, x] of t.entries) {
        termVars(c, k, scope, s);
        termVars(c, x, scope, s);
      }
      return;
    case 'call':
      for (const a of t.args) termVars(c, a, scope, s);
      return;
    case 'binary':
      termVars(c, t.left, scope, s);
      termVars(c, t.right, scope, s);
      return;
    case 'unary':
      termVars(c, t.operand, scope, s);
      return;
    case 'membership':
      if (t.key) termVars(c, t.key, scope, s);
      termVars(c, t.value, scope, s);
      termVars(c, t.collection, scope, s);
      return;
    case 'arraycompr':
    case 'setcompr':
    case 'objectcompr': {
      const plan = nestedPlan(c, t, scope);
      for (const slot of plan.outer) s.needs.add(slot);
      return;
    }
    default:
      return;
  }
}

/** vars in pattern position go to outs; other subterms are evaluated. */
export function patternVars(c: Compiler, t: Term, scope: Scope, s: Sets): void {
  if (t.type === 'var') {
    const slot = local(c, t, scope);
    if (slot !== undefined) s.outs.add(slot);
    return;
  }
  if (t.type === 'array') {
    for (const x of t.items) patternVars(c, x, scope, s);
    return;
  }
  if (t.type === 'object') {
    for (const [k, x] of t.entries) {
      termVars(c, k, scope, s);
      patternVars(c, x, scope, s);
    }
    return;
  }
  termVars(c, t, scope, s);
}

function subset(a: Set<number>, b: Set<number>, minus?: Set<number>): boolean {
  for (const x of a) if (!b.has(x) && !minus?.has(x)) return false;
  return true;
}

function evaluable(c: Compiler, t: Term, scope: Scope, bound: Set<number>): Sets | null {
  const s = newSets();
  termVars(c, t, scope, s);
  return subset(s.needs, bound, s.outs) ? s : null;
}

function isPattern(c: Compiler, t: Term, scope: Scope, bound: Set<number>): Sets | null {
  if (t.type === 'var') {
    const s = newSets();
    const slot = local(c, t, scope);
    if (slot !== undefined) s.outs.add(slot);
    return s;
  }
  if (t.type === 'array') {
    const s = newSets();
    for (const x of t.items) {
      const r = isPattern(c, x, scope, bound);
      if (!r) return null;
      for (const v of r.outs) s.outs.add(v);
    }
    return s;
  }
  if (t.type === 'object') {
    const s = newSets();
    for (const [k, x] of t.entries) {
      const kr = evaluable(c, k, scope, bound);
      const r = isPattern(c, x, scope, bound);
      if (!kr || !r) return null;
      for (const v of r.outs) s.outs.add(v);
      for (const v of kr.outs) s.outs.add(v);
    }
    return s;
  }
  return evaluable(c, t, scope, bound);
}

/** Plan a unification `l = r` given bound vars, or null when it cannot run yet. */
export function planUnify(c: Compiler, l: Term, r: Term, scope: Scope, bound0: Set<number>): { actions: UAction[]; outs: Set<number> } | null {
  const bound = new Set(bound0);
  let pending: Array<[Term, Term]> = [[l, r]];
  const actions: UAction[] = [];
  for (let guard = 0; guard < 10_000 && pending.length > 0; guard++) {
    let progress = false;
    const next: Array<[Term, Term]> = [];
    for (const [a, b] of pending) {
      if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) {
        for (let i = 0; i < a.items.length; i++) next.push([a.items[i]!, b.items[i]!]);
        progress = true;
        continue;
      }
      if (a.type === 'object' && b.type === 'object' && a.entries.length === b.entries.length) {
        const pairs = objectPairs(a.entries, b.entries);
        if (pairs) {
          next.push(...pairs);
          progress = true;
          continue;
        }
      }
      const ea = evaluable(c, a, scope, bound);
      const eb = evaluable(c, b, scope, bound);
      if (ea && eb) {
        actions.push({ kind: 'eq', a, b });
        for (const v of ea.outs) bound.add(v);
        for (const v of eb.outs) bound.add(v);
        progress = true;
        continue;
      }
      const pb = ea ? isPattern(c, b, scope, bound) : null;
      if (ea && pb) {
        actions.push({ kind: 'match', src: a, pat: b });
        for (const v of ea.outs) bound.add(v);
        for (const v of pb.outs) bound.add(v);
        progress = true;
        continue;
      }
      const pa = eb ? isPattern(c, a, scope, bound) : null;
      if (eb && pa) {
        actions.push({ kind: 'match', src: b, pat: a });
        for (const v of eb.outs) bound.add(v);
        for (const v of pa.outs) bound.add(v);
        progress = true;
        continue;
      }
      next.push([a, b]);
    }
    pending = next;
    if (!progress) break;
  }
  if (pending.length > 0) return null;
  const outs = new Set<number>();
  for (const v of bound) if (!bound0.has(v)) outs.add(v);
  return { actions, outs };
}

/** Values of two object patterns with the same constant keys, paired by key. */
function objectPairs(a: Array<[Term, Term]>, b: Array<[Term, Term]>): Array<[Term, Term]> | null {
  const out: Array<[Term, Term]> = [];
  for (const [ka, va] of a) {
    const kv = constValue(ka);
    if (kv === undefined) return null;
    const match = b.find(([kb]) => {
      const x = constValue(kb);
      return x !== undefined && equals(x, kv);
    });
    if (!match) return null;
    out.push([va, match[1]]);
  }
  return out;
}

/** Is this call written with its output as an extra last argument (`count(x, n)`)? */
export function isOutputCall(c: Compiler, t: CallTerm, scope: Scope): boolean {
  const arity = c.callArity(t, scope);
  return arity !== undefined && t.args.length === arity + 1;
}

/** All local slots a literal mentions (for deciding which vars a `not` may keep local). */
function litSlots(c: Compiler, lit: Literal, scope: Scope): Set<number> {
  const s = litSets(c, lit, scope);
  for (const v of s.outs) s.needs.add(v);
  return s.needs;
}

/** What a literal reads (needs) and what it may bind (outs). */
function litSets(c: Compiler, lit: Literal, scope: Scope): Sets {
  const s = newSets();
  const st = lit.stmt;
  switch (st.type) {
    case 'term':
      termVars(c, st.term, scope, s);
      break;
    case 'assign':
    case 'unify':
      patternVars(c, st.lhs, scope, s);
      patternVars(c, st.rhs, scope, s);
      break;
    case 'some':
      for (const v of st.vars) {
        const slot = local(c, v, scope);
        if (slot !== undefined) s.outs.add(slot);
      }
      break;
    case 'somein':
      if (st.key) patternVars(c, st.key, scope, s);
      patternVars(c, st.value, scope, s);
      termVars(c, st.collection, scope, s);
      break;
    case 'every':
      termVars(c, st.domain, scope, s);
      for (const v of everyPlan(c, st, scope).outer) s.needs.add(v);
      break;
  }
  for (const w of lit.with) if (!c.fnValue(w.value, scope)) termVars(c, w.value, scope, s);
  return s;
}

/** The vars a statement binds if it can run with `bound`, else null. */
function schedule(c: Compiler, lit: Literal, scope: Scope, bound: Set<number>, shared: Set<number>, plan: BodyPlan): Set<number> | null {
  for (const w of lit.with) if (!c.fnValue(w.value, scope) && !evaluable(c, w.value, scope, bound)) return null;
  if (lit.negated) {
    for (const v of litSlots(c, lit, scope)) if ((shared.has(v) || scope.frame.owners[v] !== scope) && !bound.has(v)) return null;
    if (lit.stmt.type === 'unify') {
      // vars only this literal mentions are bound inside the negation
      const u = planUnify(c, lit.stmt.lhs, lit.stmt.rhs, scope, bound);
      if (!u) return null;
      plan.unify.set(lit, u.actions);
    }
    return new Set();
  }
  const st = lit.stmt;
  switch (st.type) {
    case 'term': {
      const t = st.term;
      if (t.type === 'call' && isOutputCall(c, t, scope)) {
        const s = newSets();
        for (let i = 0; i < t.args.length - 1; i++) termVars(c, t.args[i]!, scope, s);
        if (!subset(s.needs, bound, s.outs)) return null;
        const p = isPattern(c, t.args[t.args.length - 1]!, scope, new Set([...bound, ...s.outs]));
        if (!p) return null;
        for (const v of p.outs) s.outs.add(v);
        return s.outs;
      }
      const s = evaluable(c, t, scope, bound);
      return s ? s.outs : null;
    }
    case 'assign': {
      const s = evaluable(c, st.rhs, scope, bound);
      if (!s) return null;
      const p = isPattern(c, st.lhs, scope, new Set([...bound, ...s.outs]));
      if (!p) return null;
      for (const v of p.outs) s.outs.add(v);
      return s.outs;
    }
    case 'unify': {
      const u = planUnify(c, st.lhs, st.rhs, scope, bound);
      if (!u) return null;
      plan.unify.set(lit, u.actions);
      return u.outs;
    }
    case 'some':
      return new Set();
    case 'somein': {
      const s = evaluable(c, st.collection, scope, bound);
      if (!s) return null;
      const b2 = new Set([...bound, ...s.outs]);
      for (const t of st.key ? [st.key, st.value] : [st.value]) {
        const p = isPattern(c, t, scope, b2);
        if (!p) return null;
        for (const v of p.outs) s.outs.add(v);
      }
      return s.outs;
    }
    case 'every': {
      const s = evaluable(c, st.domain, scope, bound);
      if (!s) return null;
      for (const v of everyPlan(c, st, scope).outer) if (!bound.has(v)) return null;
      return new Set();
    }
  }
}

/**
 * Order a body for safety. `extra` are terms that must be evaluable once the body
 * has run (rule head key and value, comprehension term).
 */
export function planBody(c: Compiler, body: Body, scope: Scope, initial: Set<number>, extra: Term[]): BodyPlan {
  const plan: BodyPlan = { scope, order: [], outs: new Map(), unify: new Map(), outer: new Set(), ok: true };
  const counts = new Map<number, number>();
  const perLit = body.map((l) => litSlots(c, l, scope));
  for (const slots of perLit) for (const v of slots) counts.set(v, (counts.get(v) ?? 0) + 1);
  const extraSets = newSets();
  for (const t of extra) termVars(c, t, scope, extraSets);
  for (const v of [...extraSets.needs, ...extraSets.outs]) counts.set(v, (counts.get(v) ?? 0) + 2);
  const shared = new Set<number>();
  for (const [v, n] of counts) if (n >= 2) shared.add(v);

  // outer reads: every slot mentioned here that an enclosing scope owns; they are
  // bound by the time this body runs (the enclosing body orders itself for that)
  const isOuter = (v: number) => scope.frame.owners[v]!.isAncestorOf(scope);
  for (const slots of perLit) for (const v of slots) if (isOuter(v)) plan.outer.add(v);
  for (const v of [...extraSets.needs, ...extraSets.outs]) if (isOuter(v)) plan.outer.add(v);
  const bound = new Set([...initial, ...plan.outer]);
  let remaining = body.slice();
  while (remaining.length > 0) {
    let picked = -1;
    let outs: Set<number> | null = null;
    for (let i = 0; i < remaining.length; i++) {
      outs = schedule(c, remaining[i]!, scope, bound, shared, plan);
      if (outs) {
        picked = i;
        break;
      }
    }
    if (picked < 0 || !outs) {
      reportUnsafe(c, remaining, scope, bound);
      plan.ok = false;
      break;
    }
    const lit = remaining[picked]!;
    plan.order.push(lit);
    plan.outs.set(lit, [...outs]);
    for (const v of outs) bound.add(v);
    remaining = remaining.filter((_, i) => i !== picked);
  }
  if (plan.ok && !subset(extraSets.needs, bound, extraSets.outs)) {
    reportSlots(c, [...extraSets.needs].filter((v) => !bound.has(v) && !extraSets.outs.has(v)), scope);
    plan.ok = false;
  }
  return plan;
}

function reportUnsafe(c: Compiler, lits: Literal[], scope: Scope, bound: Set<number>): void {
  // the culprits are the vars read and bound nowhere; fall back to every unbound var
  // (a cycle such as `x = y` with neither bound)
  const outs = new Set<number>();
  const sets = lits.map((l) => litSets(c, l, scope));
  for (const s of sets) for (const v of s.outs) outs.add(v);
  const unsafe = new Set<number>();
  for (const s of sets) for (const v of s.needs) if (!bound.has(v) && !outs.has(v)) unsafe.add(v);
  if (unsafe.size === 0) for (const s of sets) for (const v of [...s.needs, ...s.outs]) if (!bound.has(v)) unsafe.add(v);
  reportSlots(c, [...unsafe], scope);
}

function reportSlots(c: Compiler, slots: number[], scope: Scope): void {
  const seen = new Set<string>();
  for (const v of slots) {
    const vt = scope.frame.vars[v];
    const name = vt?.name ?? '?';
    if (name === '_' || name.startsWith('$') || seen.has(name)) continue;
    seen.add(name);
    c.diags.push(
      error('unsafe_var', `var ${name} is unsafe`, vt?.loc, {
        hint: `bind ${name} before it is used, e.g. \`some ${name} in ...\`, \`${name} := ...\` or a reference like \`xs[${name}]\``,
      }),
    );
  }
  if (seen.size === 0 && slots.length > 0) {
    const vt = scope.frame.vars[slots[0]!];
    c.diags.push(error('unsafe_var', 'expression has an unbound wildcard', vt?.loc, { hint: 'a `_` may only appear where a value is matched or iterated' }));
  }
}

/** Plan of a comprehension body (cached), in the scope name resolution gave it. */
export function nestedPlan(c: Compiler, t: Term & { body: Body }, scope: Scope): BodyPlan {
  let plan = c.nested.get(t);
  if (plan) return plan;
  if (!c.resolver.childScopes.has(t)) c.resolver.walk(t, scope);
  const child = c.resolver.childScopes.get(t)!;
  const extra = t.type === 'objectcompr' ? [t.key, t.value] : t.type === 'arraycompr' || t.type === 'setcompr' ? [t.term] : [];
  plan = planBody(c, t.body, child, new Set(), extra);
  c.nested.set(t, plan);
  return plan;
}

export function everyPlan(c: Compiler, st: EveryStatement, scope: Scope): BodyPlan {
  let plan = c.nested.get(st);
  if (plan) return plan;
  if (!c.resolver.childScopes.has(st)) resolveBody(c.resolver, [{ negated: false, with: [], stmt: st, loc: st.domain.loc }], [], scope);
  const child = c.resolver.childScopes.get(st)!;
  const init = new Set<number>();
  if (st.key && st.key.name !== '_') init.add(child.declared.get(st.key.name)!);
  if (st.value.name !== '_') init.add(child.declared.get(st.value.name)!);
  plan = planBody(c, st.body, child, init, []);
  c.nested.set(st, plan);
  return plan;
}
