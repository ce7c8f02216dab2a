import type { Term } from '../lang/ast.js';
import { RObject, RSet, equals, type Value } from '../runtime/value.js';

// Reading and writing inside Rego values: the primitives refs, `with` and the rule
// tree are built on. Writes copy along the path and never mutate a shared value.

/** `v[key]`: arrays by integral index, objects by key, sets by membership. */
export function get(v: Value | undefined, key: Value): Value | undefined {
  if (v === undefined || v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < v.length ? v[key] : undefined;
  }
  if (v instanceof RObject) return v.get(key);
  return (v as RSet).has(key) ? key : undefined;
}

export function getPath(v: Value | undefined, path: readonly Value[]): Value | undefined {
  for (let i = 0; i < path.length && v !== undefined; i++) v = get(v, path[i]!);
  return v;
}

/** A copy of `root` with `path` set to `value`, creating objects along the way. */
export function upsert(root: Value | undefined, path: readonly Value[], value: Value, i = 0): Value {
  if (i === path.length) return value;
  const key = path[i]!;
  if (Array.isArray(root) && typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < root.length) {
    const copy = root.slice();
    copy[key] = upsert(root[key], path, value, i + 1);
    return copy;
  }
  const out = new RObject();
  if (root instanceof RObject) for (const [k, x] of root.entries()) out.set(k, x);
  out.set(key, upsert(root instanceof RObject ? root.get(key) : undefined, path, value, i + 1));
  return out;
}

/**
 * Merge two documents that share a path (virtual rules and base data, or two rules
 * writing into one object). Objects merge key by key; anything else must be equal.
 * Returns undefined on a conflict.
 */
export function merge(a: Value, b: Value): Value | undefined {
  if (a instanceof RObject && b instanceof RObject) {
    const out = new RObject();
    for (const [k, x] of a.entries()) out.set(k, x);
    for (const [k, y] of b.entries()) {
      const x = out.get(k);
      if (x === undefined) out.set(k, y);
      else {
        const m = merge(x, y);
        if (m === undefined) return undefined;
        out.set(k, m);
      }
    }
    return out;
  }
  return equals(a, b) ? a : undefined;
}

export function isPrefix(prefix: readonly Value[], path: readonly Value[]): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (!equals(prefix[i]!, path[i]!)) return false;
  return true;
}

/** Iterate a collection's (key, value) pairs; scalars have none. */
export function forEachEntry(v: Value, fn: (k: Value, x: Value) => boolean): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (fn(i, v[i]!)) return true;
    return false;
  }
  if (v instanceof RObject) return v.forEachEntry(fn);
  return (v as RSet).forEachMember((x) => fn(x, x));
}

export function pathString(path: readonly Value[]): string {
  let s = 'data';
  for (const k of path) s += typeof k === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
  return s;
}

/** The dotted name of a var or a ref with constant string keys (`data.a.b`), else null. */
export function refNames(t: Term): string[] | null {
  if (t.type === 'var') return [t.name];
  if (t.type !== 'ref' || t.head.type !== 'var') return null;
  const out = [t.head.name];
  for (const p of t.path) {
    if (p.type !== 'string') return null;
    out.push(p.value);
  }
  return out;
}
