import type { Literal, Statement, Term, WithModifier } from '../lang/ast.js';
import { error } from '../lang/diagnostics.js';
import { EvalError } from './errors.js';
import { equals, RObject, RSet, type Value } from '../runtime/value.js';
import { forEachEntry, refNames, upsert } from './access.js';
import { everyPlan, isOutputCall, type BodyPlan, type UAction } from './safety.js';
import { newEpoch, tick, type CTerm, type Frame, type K, type Match, type Mock, type State, type Step } from './state.js';
import { callTarget, compileCall, compileTerm } from './terms.js';
import { compileMatch } from './patterns.js';
import type { Scope } from './scope.js';
import type { Compiler, FnTarget } from './compiler.js';

// A body compiles to a chain of steps, each literal calling its successor once per
// solution; backtracking is returning. Bindings live in frame slots and are undone
// on the way back, so a frame is reused across every solution of a body.

const DONE: Step = (_s, _f, k) => k();
const TRUE_K: K = () => true;

export function compileBody(c: Compiler, plan: BodyPlan, bound0: Set<number>): Step {
  const bounds: Array<Set<number>> = [];
  const b = new Set(bound0);
  for (const lit of plan.order) {
    bounds.push(new Set(b));
    for (const v of plan.outs.get(lit) ?? []) b.add(v);
  }
  let next: Step = DONE;
  for (let i = plan.order.length - 1; i >= 0; i--) next = compileLiteral(c, plan, plan.order[i]!, bounds[i]!, next);
  return next;
}

function compileLiteral(c: Compiler, plan: BodyPlan, lit: Literal, bound: Set<number>, next: Step): Step {
  const scope = plan.scope;
  let step: Step;
  // a tracer that watches literals gets a separate build (Compiler.traceLiterals), so
  // this wrapper costs nothing in the build every request uses
  const traced: Step = (s, f, k) => {
    if (s.tracer !== undefined && s.tracer.literal) {
      s.traceHits.set(lit, (s.traceHits.get(lit) ?? 0) + 1);
      s.tracer.literal(lit, true);
    }
    return next(s, f, k);
  };
  const after = c.traceLiterals ? traced : next;
  const fast = c.traceLiterals || lit.negated || lit.with.length > 0 ? undefined : directTest(c, lit, plan.scope, bound, next);
  if (fast) return fast;
  // a literal with `with` runs under the replacements, its successors without them
  const hasWith = lit.with.length > 0;
  const succ = hasWith ? DONE : after;
  if (lit.negated) {
    const inner = compileStmt(c, plan, lit, lit.stmt, scope, new Set(bound), DONE);
    step = (s, f, k) => (inner(s, f, TRUE_K) ? false : succ(s, f, k));
  } else {
    step = compileStmt(c, plan, lit, lit.stmt, scope, new Set(bound), succ);
  }
  if (hasWith) step = compileWith(c, lit, scope, bound, step, after);
  let core = step;
  if (c.traceLiterals) {
    const untraced = core;
    core = (s, f, k) => {
      if (s.tracer === undefined || !s.tracer.literal) return untraced(s, f, k);
      const before = s.traceHits.get(lit) ?? 0;
      const r = untraced(s, f, k);
      if ((s.traceHits.get(lit) ?? 0) === before) s.tracer.literal(lit, false);
      return r;
    };
  }
  const loc = lit.loc;
  return (s, f, k) => {
    try {
      tick(s);
      return core(s, f, k);
    } catch (e) {
      // a budget or internal error surfaces at the literal that was running
      if (e instanceof EvalError && !e.loc) e.loc = loc;
      throw e;
    }
  };
}

/**
 * The commonest literal, a test like `input.x == 1`, as one closure: step count,
 * test, successor. Saves a call per literal on the hot path.
 */
function directTest(c: Compiler, lit: Literal, scope: Scope, bound: Set<number>, next: Step): Step | undefined {
  const st = lit.stmt;
  if (st.type !== 'term' || (st.term.type === 'call' && isOutputCall(c, st.term, scope))) return undefined;
  const ct = compileTerm(c, st.term, scope, new Set(bound));
  if (!ct.d) return undefined;
  const d = ct.d;
  const loc = lit.loc;
  return (s, f, k) => {
    try {
      if (++s.steps > s.limit) s.checkBudget();
      const v = d(s, f);
      return v === undefined || v === false ? false : next(s, f, k);
    } catch (e) {
      if (e instanceof EvalError && !e.loc) e.loc = loc;
      throw e;
    }
  };
}

function compileStmt(c: Compiler, plan: BodyPlan, lit: Literal, st: Statement, scope: Scope, bound: Set<number>, next: Step): Step {
  switch (st.type) {
    case 'term': {
      const t = st.term;
      if (t.type === 'call' && isOutputCall(c, t, scope)) {
        const call = compileCall(c, t, t.args.slice(0, -1), scope, bound);
        const m = compileMatch(c, t.args[t.args.length - 1]!, scope, bound);
        return (s, f, k) => call.g(s, f, (v) => m(s, f, v, () => next(s, f, k)));
      }
      const ct = compileTerm(c, t, scope, bound);
      if (ct.d) {
        const d = ct.d;
        return (s, f, k) => {
          const v = d(s, f);
          return v === undefined || v === false ? false : next(s, f, k);
        };
      }
      const g = ct.g;
      return (s, f, k) => g(s, f, (v) => (v === false ? false : next(s, f, k)));
    }
    case 'assign':
      return matchStep(compileTerm(c, st.rhs, scope, bound), compileMatch(c, st.lhs, scope, bound), next);
    case 'unify':
      return unifyStep(c, plan.unify.get(lit) ?? [], scope, bound, next);
    case 'some':
      return next;
    case 'somein': {
      const coll = compileTerm(c, st.collection, scope, bound);
      const km = st.key ? compileMatch(c, st.key, scope, bound) : null;
      const slot = km ? undefined : simpleVar(c, st.value, scope, bound);
      const vm = compileMatch(c, st.value, scope, bound);
      if (km) {
        return (s, f, k) =>
          coll.g(s, f, (cv) =>
            forEachEntry(cv, (key, val) => {
              tick(s);
              return km(s, f, key, () => vm(s, f, val, () => next(s, f, k)));
            }),
          );
      }
      if (slot !== undefined && coll.d) {
        // `some x in xs` with x a fresh var: a plain loop, no closure per element
        const d = coll.d;
        return (s, f, k) => {
          const cv = d(s, f);
          if (cv === undefined) return false;
          if (f[slot] !== undefined) return forEachEntry(cv, (_key, val) => (tick(s), vm(s, f, val, () => next(s, f, k))));
          return bindEach(s, f, slot, cv, next, k);
        };
      }
      return (s, f, k) =>
        coll.g(s, f, (cv) =>
          forEachEntry(cv, (_key, val) => {
            tick(s);
            return vm(s, f, val, () => next(s, f, k));
          }),
        );
    }
    case 'every': {
      const domain = compileTerm(c, st.domain, scope, bound);
      const ep = everyPlan(c, st, scope);
      const inner = new Set(bound);
      const kslot = st.key && st.key.name !== '_' ? ep.scope.declared.get(st.key.name) : undefined;
      const vslot = st.value.name !== '_' ? ep.scope.declared.get(st.value.name) : undefined;
      if (kslot !== undefined) inner.add(kslot);
      if (vslot !== undefined) inner.add(vslot);
      const body = compileBody(c, ep, inner);
      return (s, f, k) =>
        domain.g(s, f, (dv) => {
          const failed = forEachEntry(dv, (key, val) => {
            tick(s);
            if (kslot !== undefined) f[kslot] = key;
            if (vslot !== undefined) f[vslot] = val;
            const ok = body(s, f, TRUE_K);
            if (kslot !== undefined) f[kslot] = undefined;
            if (vslot !== undefined) f[vslot] = undefined;
            return !ok;
          });
          return failed ? false : next(s, f, k);
        });
    }
  }
}

/** The slot of a var pattern not bound here (statically), else undefined. */
function simpleVar(c: Compiler, t: Term, scope: Scope, bound: Set<number>): number | undefined {
  if (t.type !== 'var') return undefined;
  const r = c.resolver.resolve(t, scope);
  return r.kind === 'local' && !r.wildcard && !bound.has(r.slot) ? r.slot : undefined;
}

/** Bind slot to each member (array element, object value, set member) in turn. */
function bindEach(s: State, f: Frame, slot: number, cv: Value, next: Step, k: K): boolean {
  let stop = false;
  if (Array.isArray(cv)) {
    for (let i = 0; i < cv.length && !stop; i++) {
      tick(s);
      f[slot] = cv[i];
      stop = next(s, f, k);
    }
  } else if (cv instanceof RSet) {
    stop = cv.forEachMember((x) => {
      tick(s);
      f[slot] = x;
      return next(s, f, k);
    });
  } else if (cv instanceof RObject) {
    stop = cv.forEachEntry((_key, x) => {
      tick(s);
      f[slot] = x;
      return next(s, f, k);
    });
  }
  f[slot] = undefined;
  return stop;
}

function matchStep(src: CTerm, m: Match, next: Step): Step {
  if (src.d) {
    const d = src.d;
    return (s, f, k) => {
      const v = d(s, f);
      return v === undefined ? false : m(s, f, v, () => next(s, f, k));
    };
  }
  const g = src.g;
  return (s, f, k) => g(s, f, (v) => m(s, f, v, () => next(s, f, k)));
}

function unifyStep(c: Compiler, actions: UAction[], scope: Scope, bound: Set<number>, next: Step): Step {
  // compile forward (later actions see what earlier ones bind), chain backward
  const parts: Array<(then: Step) => Step> = [];
  for (const a of actions) {
    if (a.kind === 'eq') {
      const l = compileTerm(c, a.a, scope, bound);
      const r = compileTerm(c, a.b, scope, bound);
      parts.push((then) => (s, f, k) => l.g(s, f, (x) => r.g(s, f, (y) => (equals(x, y) ? then(s, f, k) : false))));
    } else {
      const src = compileTerm(c, a.src, scope, bound);
      const m = compileMatch(c, a.pat, scope, bound);
      parts.push((then) => matchStep(src, m, then));
    }
  }
  let step = next;
  for (let i = parts.length - 1; i >= 0; i--) step = parts[i]!(step);
  return step;
}

// ---------------------------------------------------------------- with

type Apply = (s: State, f: Frame) => boolean;


function compileWithMod(c: Compiler, w: WithModifier, scope: Scope, bound: Set<number>): Apply | null {
  const names = refNames(w.target);
  if (!names) {
    c.diags.push(error('type_error', 'with target must be input, a data path or a function', w.target.loc));
    return null;
  }
  const root = names[0]!;
  const local = root !== 'input' && root !== 'data' ? scope.declared.get(root) : undefined;
  if (local !== undefined) {
    c.diags.push(error('type_error', `with target ${names.join('.')} is a local variable`, w.target.loc));
    return null;
  }
  const fn = root === 'input' ? undefined : c.resolveFn(names, scope, w.target.loc, true);
  if (fn) {
    const id = fn.id;
    const replacement = c.fnValue(w.value, scope);
    let mock: (s: State, f: Frame) => Mock | undefined;
    if (replacement) {
      const want = arity(fn);
      const got = arity(replacement);
      if (got[0] > want[1] || got[1] < want[0]) {
        c.diags.push(
          error('type_error', `with ${names.join('.')} as ${fnName(replacement)}: ${fnName(replacement)} takes ${arityText(got)} but ${names.join('.')} takes ${arityText(want)}`, w.value.loc, {
            hint: 'replace a function with one of the same number of arguments, or with a value',
          }),
        );
        return null;
      }
      const call = callTarget(replacement, w.loc);
      const m: Mock = { kind: 'fn', call };
      mock = () => m;
    } else {
      const v = compileTerm(c, w.value, scope, new Set(bound));
      mock = (s, f) => {
        let out: Value | undefined;
        v.g(s, f, (x) => ((out = x), true));
        return out === undefined ? undefined : { kind: 'value', value: out };
      };
    }
    return (s, f) => {
      const m = mock(s, f);
      if (!m) return false;
      const mocks = new Map(s.mocks ?? []);
      mocks.set(id, m);
      s.mocks = mocks;
      return true;
    };
  }
  // a function replaces only a function: as a document it has no value
  const asFn = root === 'input' || root === 'data' ? c.fnValue(w.value, scope) : undefined;
  if (asFn && asFn.kind === 'group') {
    c.diags.push(
      error('type_error', `with ${names.join('.')} as ${fnName(asFn)}: ${fnName(asFn)} is a function, and ${names.join('.')} is not`, w.value.loc, {
        hint: 'replace a document with a value (call the function in the value: f(x)), or a function with a function',
      }),
    );
    return null;
  }
  const g = c.globalOf(names, scope);
  if (!g) {
    c.diags.push(error('type_error', `with target ${names.join('.')} must be input, a data path or a function`, w.target.loc));
    return null;
  }
  const v = compileTerm(c, w.value, scope, new Set(bound));
  const path = g.path;
  const value = (s: State, f: Frame): Value | undefined => {
    let out: Value | undefined;
    v.g(s, f, (x) => ((out = x), true));
    return out;
  };
  if (g.root === 'input') {
    return (s, f) => {
      const x = value(s, f);
      if (x === undefined) return false;
      s.input = path.length === 0 ? x : upsert(s.input, path, x);
      return true;
    };
  }
  const virtual = c.touchesVirtual(path);
  return (s, f) => {
    const x = value(s, f);
    if (x === undefined) return false;
    s.data = upsert(s.data, path, x);
    if (virtual) s.overrides = [...(s.overrides ?? []), { path, value: x }];
    return true;
  };
}

/** The argument counts a function or builtin accepts. */
function arity(t: FnTarget): [number, number] {
  if (t.kind === 'group') return [t.g.arity, t.g.arity];
  return [t.b.minArgs ?? t.b.args.length, t.b.args.length];
}

function arityText([lo, hi]: [number, number]): string {
  const n = (k: number): string => `${k} argument${k === 1 ? '' : 's'}`;
  return lo === hi ? n(lo) : `${lo} to ${n(hi)}`;
}

function fnName(t: FnTarget): string {
  return t.kind === 'group' ? t.g.name : t.b.name;
}

interface Snapshot {
  input: Value | undefined;
  data: Value;
  overrides: State['overrides'];
  mocks: State['mocks'];
  memo: State['memo'];
  epoch: number;
}

function snap(s: State): Snapshot {
  return { input: s.input, data: s.data, overrides: s.overrides, mocks: s.mocks, memo: s.memo, epoch: s.epoch };
}

function restore(s: State, x: Snapshot): void {
  s.input = x.input;
  s.data = x.data;
  s.overrides = x.overrides;
  s.mocks = x.mocks;
  s.memo = x.memo;
  s.epoch = x.epoch;
}

/** `lit with a as b ...`: the replacements hold for this literal only (and its memo). */
function compileWith(c: Compiler, lit: Literal, scope: Scope, bound: Set<number>, step: Step, next: Step): Step {
  const mods = lit.with.map((w) => compileWithMod(c, w, scope, bound)).filter((m): m is Apply => m !== null);
  return (s, f, k) => {
    const outer = snap(s);
    try {
      for (const m of mods) if (!m(s, f)) return false;
      s.memo = null;
      s.epoch = newEpoch();
      return step(s, f, () => {
        const inner = snap(s);
        restore(s, outer);
        try {
          return next(s, f, k);
        } finally {
          restore(s, inner);
        }
      });
    } finally {
      restore(s, outer);
    }
  };
}
