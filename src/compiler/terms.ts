import type { ArrayComprehension, Location, ObjectComprehension, SetComprehension, Term, CallTerm, BinaryTerm } from '../lang/ast.js';
import { compare, equals, hashValue, RObject, RSet, type Value } from '../runtime/value.js';
import { get } from './access.js';
import { applyMock, callBuiltin } from './call.js';
import { EvalError } from './errors.js';
import { callFunction } from './rules.js';
import { nestedPlan } from './safety.js';
import type { CTerm, Direct, Frame, RefShape, State, VK } from './state.js';
import { constValue } from './tree.js';
import { compileRefParts } from './refs.js';
import type { Scope } from './scope.js';
import type { Compiler, FnTarget } from './compiler.js';
import { compileBody } from './body.js';

// Terms compile to closures: `d` when the term has at most one value (the fast path:
// constants, bound vars, refs with constant or bound keys), and `g`, which enumerates
// values in continuation-passing style when refs iterate (`xs[i]`, `data.a[_]`).

export function constTerm(v: Value | undefined): CTerm {
  const d: Direct = () => v;
  const t: CTerm = { d, g: v === undefined ? () => false : (_s, _f, k) => k(v) };
  if (v !== undefined) t.cv = v;
  // a constant object or set carries its hash, so comparing it with others is cheap
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) hashValue(v);
  return t;
}

export function fromDirect(d: Direct): CTerm {
  return {
    d,
    g: (s, f, k) => {
      const v = d(s, f);
      return v === undefined ? false : k(v);
    },
  };
}

/** Combine several terms left to right into one value built by `build`. */
function seq(items: CTerm[], build: (vals: Value[]) => Value | undefined): CTerm {
  const n = items.length;
  if (items.every((t) => t.d)) {
    const ds = items.map((t) => t.d!);
    return fromDirect((s, f) => {
      const vals: Value[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const v = ds[i]!(s, f);
        if (v === undefined) return undefined;
        vals[i] = v;
      }
      return build(vals);
    });
  }
  if (n === 2) {
    // the common binary shape: no arrays of partial values, one closure per value
    const [a, b] = items as [CTerm, CTerm];
    const ad = a.d;
    const bd = b.d;
    if (bd) {
      return {
        g: (s, f, k) =>
          a.g(s, f, (x) => {
            const y = bd(s, f);
            if (y === undefined) return false;
            const r = build([x, y]);
            return r === undefined ? false : k(r);
          }),
      };
    }
    if (ad) {
      return {
        g: (s, f, k) => {
          const x = ad(s, f);
          if (x === undefined) return false;
          return b.g(s, f, (y) => {
            const r = build([x, y]);
            return r === undefined ? false : k(r);
          });
        },
      };
    }
  }
  return { g: (s, f, k) => seqStep(s, f, items, build, new Array(n), 0, k) };
}

function seqStep(s: State, f: Frame, items: CTerm[], build: (vals: Value[]) => Value | undefined, vals: Value[], i: number, k: VK): boolean {
  if (i === items.length) {
    const r = build(vals.slice());
    return r === undefined ? false : k(r);
  }
  return items[i]!.g(s, f, (v) => {
    vals[i] = v;
    return seqStep(s, f, items, build, vals, i + 1, k);
  });
}

export function compileTerm(c: Compiler, t: Term, scope: Scope, bound: Set<number>): CTerm {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return constTerm(constValue(t));
    case 'var': {
      const r = c.resolver.resolve(t, scope);
      if (r.kind === 'local') {
        const slot = r.slot;
        const t = fromDirect((_s, f) => f[slot]);
        t.path = { slot, keys: [] };
        return t;
      }
      return compileRefParts(c, t, [], scope, bound);
    }
    case 'ref':
      return compileRefParts(c, t.head, t.path, scope, bound);
    case 'array': {
      const cv = constValue(t);
      if (cv !== undefined) return constTerm(cv);
      return seq(
        t.items.map((x) => compileTerm(c, x, scope, bound)),
        (vals) => vals,
      );
    }
    case 'set': {
      const cv = constValue(t);
      if (cv !== undefined) return constTerm(cv);
      return seq(
        t.items.map((x) => compileTerm(c, x, scope, bound)),
        (vals) => RSet.from(vals),
      );
    }
    case 'object': {
      const cv = constValue(t);
      if (cv !== undefined) return constTerm(cv);
      const parts: CTerm[] = [];
      for (const [k, x] of t.entries) {
        parts.push(compileTerm(c, k, scope, bound));
        parts.push(compileTerm(c, x, scope, bound));
      }
      const direct = objectDirect(parts);
      if (direct) return direct;
      return seq(parts, (vals) => {
        const o = new RObject();
        for (let i = 0; i < vals.length; i += 2) o.set(vals[i]!, vals[i + 1]!);
        return o;
      });
    }
    case 'arraycompr':
    case 'setcompr':
    case 'objectcompr':
      return compileCompr(c, t, scope, bound);
    case 'call':
      return compileCall(c, t, t.args, scope, bound);
    case 'binary':
      return compileBinary(c, t, scope, bound);
    case 'unary': {
      const x = compileTerm(c, t.operand, scope, bound);
      const minus = c.builtin('minus', t.loc);
      if (!minus) return constTerm(undefined);
      return invoke({ kind: 'builtin', b: minus, id: 'builtin:minus' }, [constTerm(0), x], t.loc);
    }
    case 'membership': {
      const parts = t.key ? [compileTerm(c, t.key, scope, bound), compileTerm(c, t.value, scope, bound)] : [compileTerm(c, t.value, scope, bound)];
      parts.push(compileTerm(c, t.collection, scope, bound));
      if (t.key) return seq(parts, (v) => member3(v[0]!, v[1]!, v[2]!));
      const [x, coll] = parts as [CTerm, CTerm];
      if (x.d && coll.d) {
        const xd = x.d;
        const cd = coll.d;
        return fromDirect((s, f) => {
          const a = xd(s, f);
          if (a === undefined) return undefined;
          const b = cd(s, f);
          return b === undefined ? undefined : member2(a, b);
        });
      }
      return seq(parts, (v) => member2(v[0]!, v[1]!));
    }
  }
}

/**
 * `{"key": input.user.id, "limit": 60}`: every key constant and every value direct,
 * the shape of decision entries built per request. Built in place, no array of parts.
 */
function objectDirect(parts: CTerm[]): CTerm | undefined {
  const keys: Value[] = [];
  const vals: Direct[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const k = parts[i]!.cv;
    const d = parts[i + 1]!.d;
    if (k === undefined || !d) return undefined;
    keys.push(k);
    vals.push(d);
  }
  const n = keys.length;
  return fromDirect((s, f) => {
    const o = new RObject();
    for (let i = 0; i < n; i++) {
      const v = vals[i]!(s, f);
      if (v === undefined) return undefined;
      o.set(keys[i]!, v);
    }
    return o;
  });
}

/** Read a RefShape: input or a slot, then constant keys, with no closure calls. */
function readShape(s: State, f: Frame, p: RefShape): Value | undefined {
  let v: Value | undefined = p.slot < 0 ? s.input : f[p.slot];
  const keys = p.keys;
  for (let i = 0; i < keys.length && v !== undefined; i++) v = v instanceof RObject ? v.get(keys[i]!) : get(v, keys[i]!);
  return v;
}

/**
 * `input.action == grant.action`, `x.role == "admin"`: both operands read inline in
 * one closure. The generic path calls a closure per operand from a call site that
 * sees every closure of the policy, which the engine cannot inline.
 */
function fusedEquality(l: CTerm, r: CTerm, want: boolean): CTerm | undefined {
  const lp = l.path;
  const rp = r.path;
  if (lp && rp) {
    return fromDirect((s, f) => {
      const a = readShape(s, f, lp);
      if (a === undefined) return undefined;
      const b = readShape(s, f, rp);
      if (b === undefined) return undefined;
      return (a === b || equals(a, b)) === want;
    });
  }
  const p = lp ?? rp;
  const c = lp ? r.cv : rp ? l.cv : undefined;
  if (p && c !== undefined) {
    return fromDirect((s, f) => {
      const a = readShape(s, f, p);
      if (a === undefined) return undefined;
      return (a === c || equals(a, c)) === want;
    });
  }
  return undefined;
}

export function member2(x: Value, coll: Value): boolean {
  if (Array.isArray(coll)) {
    for (const y of coll) if (equals(x, y)) return true;
    return false;
  }
  if (coll instanceof RSet) return coll.has(x);
  if (coll instanceof RObject) {
    for (const y of coll.values()) if (equals(x, y)) return true;
  }
  return false;
}

function member3(k: Value, v: Value, coll: Value): boolean {
  if (coll === null || typeof coll !== 'object') return false;
  const x = get(coll, k);
  return x !== undefined && equals(x, v);
}

// ---------------------------------------------------------------- operators

const CMP: Record<string, (c: number) => boolean> = {
  '<': (x) => x < 0,
  '<=': (x) => x <= 0,
  '>': (x) => x > 0,
  '>=': (x) => x >= 0,
};

function compileBinary(c: Compiler, t: BinaryTerm, scope: Scope, bound: Set<number>): CTerm {
  const l = compileTerm(c, t.left, scope, bound);
  const r = compileTerm(c, t.right, scope, bound);
  if (t.op === '==' || t.op === '!=') {
    const want = t.op === '==';
    const fused = fusedEquality(l, r, want);
    if (fused) return fused;
    if (l.d && r.d) {
      const ld = l.d;
      const rd = r.d;
      return fromDirect((s, f) => {
        const a = ld(s, f);
        if (a === undefined) return undefined;
        const b = rd(s, f);
        if (b === undefined) return undefined;
        return (a === b || equals(a, b)) === want;
      });
    }
    const ag = l.g;
    const rd = r.d;
    if (rd) {
      // `xs[_] == y`: compare each value without building an operand array
      return {
        g: (s, f, k) =>
          ag(s, f, (a) => {
            const b = rd(s, f);
            return b === undefined ? false : k((a === b || equals(a, b)) === want);
          }),
      };
    }
    return seq([l, r], (v) => equals(v[0]!, v[1]!) === want);
  }
  const cmp = CMP[t.op];
  if (cmp) return seq([l, r], (v) => cmp(compare(v[0]!, v[1]!)));
  const name = c.operator(t.op);
  const b = c.builtin(name, t.loc);
  if (!b) return constTerm(undefined);
  return invoke({ kind: 'builtin', b, id: `builtin:${name}` }, [l, r], t.loc);
}

// ---------------------------------------------------------------- calls

export function compileCall(c: Compiler, t: CallTerm, args: Term[], scope: Scope, bound: Set<number>): CTerm {
  const target = c.resolveFn(t.fn, scope, t.fnLoc);
  const cargs = args.map((a) => compileTerm(c, a, scope, bound));
  if (!target) return constTerm(undefined);
  return invoke(target, cargs, t.loc);
}

/** Calling a resolved function target, honouring `with` mocks. */
export function callTarget(target: FnTarget, loc: Location): (s: State, args: Value[]) => Value | undefined {
  const id = target.id;
  if (target.kind === 'builtin') {
    const b = target.b;
    return (s, args) => {
      if (s.mocks !== null) {
        const m = s.mocks.get(id);
        if (m) return applyMock(s, m, args);
      }
      return callBuiltin(s, b, args, loc);
    };
  }
  const g = target.g;
  return (s, args) => {
    if (s.mocks !== null) {
      const m = s.mocks.get(id);
      if (m) return applyMock(s, m, args);
    }
    return callFunction(s, g, args, loc);
  };
}

function invoke(target: FnTarget, args: CTerm[], loc: Location): CTerm {
  const call = callTarget(target, loc);
  const n = args.length;
  if (args.every((a) => a.d)) {
    const ds = args.map((a) => a.d!);
    if (n === 1) {
      const d0 = ds[0]!;
      return fromDirect((s, f) => {
        const a = d0(s, f);
        return a === undefined ? undefined : call(s, [a]);
      });
    }
    if (n === 2) {
      const d0 = ds[0]!;
      const d1 = ds[1]!;
      return fromDirect((s, f) => {
        const a = d0(s, f);
        if (a === undefined) return undefined;
        const b = d1(s, f);
        return b === undefined ? undefined : call(s, [a, b]);
      });
    }
  }
  const tmp = seq(args, (vals) => vals);
  if (tmp.d) {
    const d = tmp.d;
    return fromDirect((s, f) => {
      const vals = d(s, f);
      return vals === undefined ? undefined : call(s, vals as Value[]);
    });
  }
  const g = tmp.g;
  return {
    g: (s, f, k) =>
      g(s, f, (vals) => {
        const v = call(s, vals as Value[]);
        return v === undefined ? false : k(v);
      }),
  };
}

// ---------------------------------------------------------------- comprehensions

function compileCompr(c: Compiler, t: ArrayComprehension | SetComprehension | ObjectComprehension, scope: Scope, bound: Set<number>): CTerm {
  const plan = nestedPlan(c, t, scope);
  const inner = new Set([...bound, ...plan.outer]);
  const body = compileBody(c, plan, inner);
  const after = new Set(inner);
  for (const outs of plan.outs.values()) for (const v of outs) after.add(v);
  if (t.type === 'objectcompr') {
    const key = compileTerm(c, t.key, plan.scope, after);
    const val = compileTerm(c, t.value, plan.scope, after);
    const loc = t.loc;
    return fromDirect((s, f) => {
      const out = new RObject();
      body(s, f, () =>
        key.g(s, f, (k) =>
          val.g(s, f, (v) => {
            const prev = out.get(k);
            if (prev !== undefined && !equals(prev, v)) throw new EvalError('eval_conflict_error', 'object keys must be unique', loc);
            out.set(k, v);
            return false;
          }),
        ),
      );
      return out;
    });
  }
  const term = compileTerm(c, t.term, plan.scope, after);
  if (t.type === 'arraycompr') {
    return fromDirect((s, f) => {
      const out: Value[] = [];
      body(s, f, () => term.g(s, f, (v) => (out.push(v), false)));
      return out;
    });
  }
  return fromDirect((s, f) => {
    const out = new RSet();
    body(s, f, () => term.g(s, f, (v) => (out.add(v), false)));
    return out;
  });
}

