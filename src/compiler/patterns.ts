import type { Term } from '../lang/ast.js';
import { equals, RObject, type Value } from '../runtime/value.js';
import type { Scope } from './scope.js';
import type { CTerm, Frame, Match, State } from './state.js';
import { compileTerm } from './terms.js';
import { constValue } from './tree.js';
import type { Compiler } from './compiler.js';

// Patterns: the left of `:=`, either side of `=`, `some` bindings and function
// arguments. A var not yet bound is bound to the matching part (and unbound on the
// way back); a bound var or any other term is compared.

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
