import type { ArrayComprehension, Location, ObjectComprehension, RefTerm, SetComprehension, Term, CallTerm, BinaryTerm } from '../lang/ast.js';
import { compare, equals, RObject, RSet, type Value } from '../runtime/value.js';
import { get, getPath, forEachEntry } from './access.js';
import { applyMock, callBuiltin } from './call.js';
import { EvalError } from './errors.js';
import { callFunction, evalGroup, nodeKey, nodeValue, setHas } from './rules.js';
import { nestedPlan, newSets, termVars } from './safety.js';
import { tick, type CTerm, type Direct, type Frame, type Gen, type Match, type State, type VK } from './state.js';
import { constValue, type Node } from './tree.js';
import type { Scope } from './scope.js';
import type { Compiler, FnTarget } from './compiler.js';
import { compileBody } from './body.js';

// Terms compile to closures: `d` when the term has at most one value (the fast path:
// constants, bound vars, refs with constant or bound keys), and `g`, which enumerates
// values in continuation-passing style when refs iterate (`xs[i]`, `data.a[_]`).

export function constTerm(v: Value | undefined): CTerm {
  const d: Direct = () => v;
  return { d, g: v === undefined ? () => false : (_s, _f, k) => k(v) };
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
        return fromDirect((_s, f) => f[slot]);
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
      return invoke(c, { kind: 'builtin', b: minus, id: 'builtin:minus' }, [constTerm(0), x], t.loc);
    }
    case 'membership': {
      const parts = t.key ? [compileTerm(c, t.key, scope, bound), compileTerm(c, t.value, scope, bound)] : [compileTerm(c, t.value, scope, bound)];
      parts.push(compileTerm(c, t.collection, scope, bound));
      if (t.key) return seq(parts, (v) => member3(v[0]!, v[1]!, v[2]!));
      return seq(parts, (v) => member2(v[0]!, v[1]!));
    }
  }
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
    return seq([l, r], (v) => equals(v[0]!, v[1]!) === want);
  }
  const cmp = CMP[t.op];
  if (cmp) return seq([l, r], (v) => cmp(compare(v[0]!, v[1]!)));
  const name = c.operator(t.op);
  const b = c.builtin(name, t.loc);
  if (!b) return constTerm(undefined);
  return invoke(c, { kind: 'builtin', b, id: `builtin:${name}` }, [l, r], t.loc);
}

// ---------------------------------------------------------------- calls

export function compileCall(c: Compiler, t: CallTerm, args: Term[], scope: Scope, bound: Set<number>): CTerm {
  const target = c.resolveFn(t.fn, scope, t.fnLoc);
  const cargs = args.map((a) => compileTerm(c, a, scope, bound));
  if (!target) return constTerm(undefined);
  return invoke(c, target, cargs, t.loc);
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

function invoke(c: Compiler, target: FnTarget, args: CTerm[], loc: Location): CTerm {
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

// ---------------------------------------------------------------- refs

type PE =
  | { k: 'const'; v: Value }
  | { k: 'dir'; d: Direct }
  | { k: 'var'; slot: number }
  | { k: 'any' }
  | { k: 'match'; m: Match }
  | { k: 'gen'; g: Gen };

function compilePathElem(c: Compiler, t: Term, scope: Scope, bound: Set<number>): PE {
  const cv = constValue(t);
  if (cv !== undefined) return { k: 'const', v: cv };
  if (t.type === 'var') {
    const r = c.resolver.resolve(t, scope);
    if (r.kind === 'local') {
      if (r.wildcard) return { k: 'any' };
      if (bound.has(r.slot)) {
        const slot = r.slot;
        return { k: 'dir', d: (_s, f) => f[slot] };
      }
      bound.add(r.slot);
      return { k: 'var', slot: r.slot };
    }
  }
  if (t.type === 'array' || t.type === 'object') {
    const sets = newSets();
    termVars(c, t, scope, sets);
    let ground = true;
    for (const v of sets.needs) if (!bound.has(v)) ground = false;
    if (!ground) return { k: 'match', m: compileMatch(c, t, scope, bound) };
  }
  const ct = compileTerm(c, t, scope, bound);
  return ct.d ? { k: 'dir', d: ct.d } : { k: 'gen', g: ct.g };
}

type Nav = (s: State, f: Frame, v: Value, k: VK) => boolean;
type DNav = (s: State, f: Frame, v: Value) => Value | undefined;

function directNav(elems: PE[]): DNav | null {
  if (!elems.every((e) => e.k === 'const' || e.k === 'dir')) return null;
  if (elems.every((e) => e.k === 'const')) {
    const keys = elems.map((e) => (e as { v: Value }).v);
    if (keys.length === 1) {
      const k0 = keys[0]!;
      return (_s, _f, v) => get(v, k0);
    }
    return (_s, _f, v) => getPath(v, keys);
  }
  const parts = elems as Array<{ k: 'const'; v: Value } | { k: 'dir'; d: Direct }>;
  return (s, f, v) => {
    let cur: Value | undefined = v;
    for (let i = 0; i < parts.length && cur !== undefined; i++) {
      const p = parts[i]!;
      const key = p.k === 'const' ? p.v : p.d(s, f);
      if (key === undefined) return undefined;
      cur = get(cur, key);
    }
    return cur;
  };
}

function iterate(s: State, v: Value, fn: (key: Value, x: Value) => boolean): boolean {
  return forEachEntry(v, (key, x) => {
    tick(s);
    return fn(key, x);
  });
}

function buildNav(elems: PE[], i: number): Nav | null {
  if (i === elems.length) return null;
  const rest = buildNav(elems, i + 1);
  const next: Nav = rest ?? ((_s, _f, v, k) => k(v));
  const e = elems[i]!;
  switch (e.k) {
    case 'const': {
      const key = e.v;
      return (s, f, v, k) => {
        const x = get(v, key);
        return x === undefined ? false : next(s, f, x, k);
      };
    }
    case 'dir': {
      const d = e.d;
      return (s, f, v, k) => {
        const key = d(s, f);
        if (key === undefined) return false;
        const x = get(v, key);
        return x === undefined ? false : next(s, f, x, k);
      };
    }
    case 'var': {
      const slot = e.slot;
      return (s, f, v, k) => {
        const cur = f[slot];
        if (cur !== undefined) {
          const x = get(v, cur);
          return x === undefined ? false : next(s, f, x, k);
        }
        const r = iterate(s, v, (key, x) => {
          f[slot] = key;
          return next(s, f, x, k);
        });
        f[slot] = undefined;
        return r;
      };
    }
    case 'any':
      return (s, f, v, k) => iterate(s, v, (_key, x) => next(s, f, x, k));
    case 'match': {
      const m = e.m;
      return (s, f, v, k) => iterate(s, v, (key, x) => m(s, f, key, () => next(s, f, x, k)));
    }
    case 'gen': {
      const g = e.g;
      return (s, f, v, k) =>
        g(s, f, (key) => {
          const x = get(v, key);
          return x === undefined ? false : next(s, f, x, k);
        });
    }
  }
}

/** A base term followed by path elements. */
function chain(base: CTerm, elems: PE[]): CTerm {
  if (elems.length === 0) return base;
  const dn = directNav(elems);
  if (dn && base.d) {
    const bd = base.d;
    return fromDirect((s, f) => {
      const v = bd(s, f);
      return v === undefined ? undefined : dn(s, f, v);
    });
  }
  const nav = buildNav(elems, 0)!;
  if (base.d) {
    const bd = base.d;
    return {
      g: (s, f, k) => {
        const v = bd(s, f);
        return v === undefined ? false : nav(s, f, v, k);
      },
    };
  }
  const bg = base.g;
  return { g: (s, f, k) => bg(s, f, (v) => nav(s, f, v, k)) };
}

function compileRefParts(c: Compiler, head: Term, path: Term[], scope: Scope, bound: Set<number>): CTerm {
  if (head.type === 'var') {
    const r = c.resolver.resolve(head, scope);
    if (r.kind === 'local') {
      const slot = r.slot;
      const elems = path.map((p) => compilePathElem(c, p, scope, bound));
      return chain(
        fromDirect((_s, f) => f[slot]),
        elems,
      );
    }
    const prefix: PE[] = r.g.path.map((k) => ({ k: 'const', v: k }));
    const elems = [...prefix, ...path.map((p) => compilePathElem(c, p, scope, bound))];
    if (r.g.root === 'input') return chain(fromDirect((s) => s.input), elems);
    return dataAccess(c, elems);
  }
  const base = compileTerm(c, head, scope, bound);
  return chain(
    base,
    path.map((p) => compilePathElem(c, p, scope, bound)),
  );
}

export function compileRef(c: Compiler, t: RefTerm, scope: Scope, bound: Set<number>): CTerm {
  return compileRefParts(c, t.head, t.path, scope, bound);
}

function keyOf(e: PE): Direct | null {
  if (e.k === 'const') {
    const v = e.v;
    return () => v;
  }
  return e.k === 'dir' ? e.d : null;
}

/** `data...`: resolved through the rule tree at compile time as far as keys are constant. */
export function dataAccess(c: Compiler, elems: PE[]): CTerm {
  let node: Node = c.tree.root;
  let i = 0;
  while (i < elems.length) {
    const e = elems[i]!;
    if (e.k !== 'const' || node.group || node.dyn) break;
    const child = node.child(e.v);
    if (!child) {
      // below here there are no rules: plain base data
      const path: Value[] = [...node.path];
      let j = i;
      for (; j < elems.length && elems[j]!.k === 'const'; j++) path.push((elems[j] as { v: Value }).v);
      const base =
        path.length === 1
          ? fromDirect((s) => get(s.data, path[0]!))
          : path.length === 2
            ? fromDirect((s) => get(get(s.data, path[0]!), path[1]!))
            : fromDirect((s) => getPath(s.data, path));
      return chain(base, elems.slice(j));
    }
    node = child;
    i++;
  }
  if (node.group) {
    const g = node.group;
    if (g.kind === 'function') return constTerm(undefined);
    const e = elems[i];
    const key = e ? keyOf(e) : null;
    if (g.kind === 'set' && key) {
      return chain(
        fromDirect((s, f) => {
          const kv = key(s, f);
          return kv !== undefined && setHas(s, g, kv) ? kv : undefined;
        }),
        elems.slice(i + 1),
      );
    }
    return chain(
      fromDirect((s) => evalGroup(s, g)),
      elems.slice(i),
    );
  }
  const e = elems[i];
  const key = e ? keyOf(e) : null;
  if (key) {
    const n = node;
    return chain(
      fromDirect((s, f) => {
        const kv = key(s, f);
        return kv === undefined ? undefined : nodeKey(s, n, kv);
      }),
      elems.slice(i + 1),
    );
  }
  const n = node;
  return chain(
    fromDirect((s) => nodeValue(s, n)),
    elems.slice(i),
  );
}

/** `data.<path>` for a constant path (PolicySet.evaluate). */
export function dataPath(c: Compiler, path: Value[]): CTerm {
  return dataAccess(
    c,
    path.map((v) => ({ k: 'const', v })),
  );
}

// ---------------------------------------------------------------- patterns

export function compileMatch(c: Compiler, t: Term, scope: Scope, bound: Set<number>): Match {
  if (t.type === 'var') {
    const r = c.resolver.resolve(t, scope);
    if (r.kind === 'local') {
      if (r.wildcard) return (_s, _f, _v, k) => k();
      const slot = r.slot;
      if (bound.has(slot)) return (_s, f, v, k) => (equals(f[slot]!, v) ? k() : false);
      bound.add(slot);
      return (_s, f, v, k) => {
        const cur = f[slot];
        if (cur !== undefined) return equals(cur, v) ? k() : false;
        f[slot] = v;
        const res = k();
        f[slot] = undefined;
        return res;
      };
    }
  }
  const cv = constValue(t);
  if (cv !== undefined) return (_s, _f, v, k) => (v === cv || equals(v, cv) ? k() : false);
  if (t.type === 'array') {
    const ms = t.items.map((x) => compileMatch(c, x, scope, bound));
    const n = ms.length;
    return (s, f, v, k) => (Array.isArray(v) && v.length === n ? matchItems(s, f, ms, v as readonly Value[], 0, k) : false);
  }
  if (t.type === 'object') {
    const keys = t.entries.map(([k]) => compileTerm(c, k, scope, bound));
    const ms = t.entries.map(([, x]) => compileMatch(c, x, scope, bound));
    const n = ms.length;
    return (s, f, v, k) => (v instanceof RObject && v.size === n ? matchEntries(s, f, keys, ms, v, 0, k) : false);
  }
  const ct = compileTerm(c, t, scope, bound);
  if (ct.d) {
    const d = ct.d;
    return (s, f, v, k) => {
      const x = d(s, f);
      return x !== undefined && equals(x, v) ? k() : false;
    };
  }
  const g = ct.g;
  return (s, f, v, k) => g(s, f, (x) => (equals(x, v) ? k() : false));
}

function matchItems(s: State, f: Frame, ms: Match[], arr: readonly Value[], i: number, k: () => boolean): boolean {
  if (i === ms.length) return k();
  return ms[i]!(s, f, arr[i]!, () => matchItems(s, f, ms, arr, i + 1, k));
}

function matchEntries(s: State, f: Frame, keys: CTerm[], ms: Match[], v: RObject, i: number, k: () => boolean): boolean {
  if (i === ms.length) return k();
  return keys[i]!.g(s, f, (key) => {
    const x = v.get(key);
    return x === undefined ? false : ms[i]!(s, f, x, () => matchEntries(s, f, keys, ms, v, i + 1, k));
  });
}
