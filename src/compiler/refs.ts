import type { Term } from '../lang/ast.js';
import { RObject, type Value } from '../runtime/value.js';
import { forEachEntry, get, getPath } from './access.js';
import { evalGroup, nodeKey, nodeValue, setHas } from './rules.js';
import { newSets, termVars } from './safety.js';
import type { Scope } from './scope.js';
import { tick, type CTerm, type Direct, type Frame, type Gen, type Match, type State, type VK } from './state.js';
import { constTerm, compileTerm, fromDirect } from './terms.js';
import { compileMatch } from './patterns.js';
import { constValue, type Node } from './tree.js';
import type { Compiler } from './compiler.js';

// References compile to a base (a local, input, a rule, base data) and a chain of
// path steps. `data` refs are resolved through the rule tree at compile time as far
// as their keys are constant, so `data.app.rbac.allow` is a direct call of the rule.
// A step whose key is an unbound variable iterates; bound or constant keys look up.

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

export function compileRefParts(c: Compiler, head: Term, path: Term[], scope: Scope, bound: Set<number>): CTerm {
  if (head.type === 'var') {
    const r = c.resolver.resolve(head, scope);
    if (r.kind === 'local') {
      const slot = r.slot;
      const elems = path.map((p) => compilePathElem(c, p, scope, bound));
      return shaped(constKeys(elems, (_s, f) => f[slot]), slot, elems) ?? chain(fromDirect((_s, f) => f[slot]), elems);
    }
    const prefix: PE[] = r.g.path.map((k) => ({ k: 'const', v: k }));
    const elems = [...prefix, ...path.map((p) => compilePathElem(c, p, scope, bound))];
    if (r.g.root === 'input') return shaped(constKeys(elems, (s) => s.input), -1, elems) ?? chain(fromDirect((s) => s.input), elems);
    return dataAccess(c, elems);
  }
  const base = compileTerm(c, head, scope, bound);
  return chain(
    base,
    path.map((p) => compilePathElem(c, p, scope, bound)),
  );
}

/**
 * `x.a`, `input.user.name`: the most common refs, as one closure (generic call sites
 * of the evaluator are megamorphic, so every closure saved is a call saved).
 */
function constKeys(elems: PE[], base: Direct): CTerm | null {
  if (elems.length === 0 || elems.length > 3 || !elems.every((e) => e.k === 'const')) return null;
  const [k0, k1, k2] = elems.map((e) => intern((e as { v: Value }).v));
  const at = (v: Value | undefined, k: Value): Value | undefined => (v instanceof RObject ? v.get(k) : get(v, k));
  if (elems.length === 1) return fromDirect((s, f) => at(base(s, f), k0!));
  if (elems.length === 2) return fromDirect((s, f) => at(at(base(s, f), k0!), k1!));
  return fromDirect((s, f) => at(at(at(base(s, f), k0!), k1!), k2!));
}

function shaped(t: CTerm | null, slot: number, elems: PE[]): CTerm | null {
  if (t) t.path = { slot, keys: elems.map((e) => intern((e as { v: Value }).v)) };
  return t;
}

/** The engine's internalized copy of a string key: map lookups compare by pointer. */
export function intern<T extends Value>(v: T): T {
  if (typeof v !== 'string') return v;
  const o: Record<string, number> = {};
  o[v] = 1;
  return Object.keys(o)[0] as T;
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

