// Object functions, plus json.filter / json.remove (which select paths inside objects).

import { RObject, RSet, compare, equals, typeOf, type Value } from '../value.js';
import { arr, elementError, obj, operandError, typeError } from './operands.js';
import { BuiltinError, type Builtin } from './types.js';

/** Walks a path through objects (keys), arrays (integer indexes) and sets (members). */
function find(v: Value, path: readonly Value[]): Value | undefined {
  let cur: Value = v;
  for (const k of path) {
    if (cur instanceof RObject) {
      const next = cur.get(k);
      if (next === undefined) return undefined;
      cur = next;
    } else if (Array.isArray(cur)) {
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= cur.length) return undefined;
      cur = cur[k] as Value;
    } else if (cur instanceof RSet) {
      if (!cur.has(k)) return undefined;
      cur = k;
    } else {
      return undefined;
    }
  }
  return cur;
}

function keySet(name: string, v: Value): RSet {
  if (Array.isArray(v)) return RSet.from(v as readonly Value[]);
  if (v instanceof RSet) return v;
  if (v instanceof RObject) return RSet.from(v.keys());
  throw typeError(name, 2, v, 'object', 'set', 'array');
}

/** Recursive merge where b wins, except that two objects under one key merge. */
function merge(a: RObject, b: RObject): RObject {
  const out = RObject.from(a.entries());
  for (const [k, v] of b.entries()) {
    const old = out.get(k);
    out.set(k, old instanceof RObject && v instanceof RObject ? merge(old, v) : v);
  }
  return out;
}

function arraySubset(sup: readonly Value[], sub: readonly Value[]): boolean {
  if (sub.length > sup.length) return false;
  outer: for (let i = 0; i + sub.length <= sup.length; i++) {
    for (let j = 0; j < sub.length; j++) if (compare(sup[i + j]!, sub[j]!) !== 0) continue outer;
    return true;
  }
  return false;
}

function setSubset(sup: RSet, sub: RSet): boolean {
  for (const x of sub) if (!sup.has(x)) return false;
  return true;
}

function objectSubset(sup: RObject, sub: RObject): boolean {
  for (const [k, sv] of sub.entries()) {
    const pv = sup.get(k);
    if (pv === undefined) return false;
    if (equals(sv, pv)) continue;
    if (pv instanceof RObject && sv instanceof RObject) {
      if (!objectSubset(pv, sv)) return false;
    } else if (pv instanceof RSet && sv instanceof RSet) {
      if (!setSubset(pv, sv)) return false;
    } else if (Array.isArray(pv) && Array.isArray(sv)) {
      if (!arraySubset(pv, sv)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function subset(sup: Value, sub: Value): boolean {
  if (sup instanceof RObject && sub instanceof RObject) return objectSubset(sup, sub);
  if (sup instanceof RSet && sub instanceof RSet) return setSubset(sup, sub);
  if (Array.isArray(sup) && Array.isArray(sub)) return arraySubset(sup, sub);
  if (Array.isArray(sup) && sub instanceof RSet) {
    let unmatched = sub.size;
    for (const x of sup as readonly Value[]) if (sub.has(x) && --unmatched === 0) return true;
    return unmatched === 0;
  }
  throw new BuiltinError(
    'eval_type_error',
    'object.subset: both arguments object.subset must be of the same type or array and set',
  );
}

// ---------------------------------------------------------------- json.filter / json.remove

/** Paths as JSON pointers ("a/b", "/a/b") or arrays of segments, turned into a tree with null leaves. */
function pathTree(name: string, v: Value): RObject {
  let paths: readonly Value[];
  if (Array.isArray(v)) paths = v as readonly Value[];
  else if (v instanceof RSet) paths = v.sorted();
  else throw typeError(name, 2, v, 'set', 'array');
  const root = new RObject();
  for (const p of paths) {
    let segs: Value[];
    if (typeof p === 'string') {
      segs =
        p === ''
          ? []
          : p
              .replace(/^\/+/, '')
              .split('/')
              .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    } else if (Array.isArray(p)) {
      segs = [...(p as readonly Value[])];
    } else {
      throw operandError(
        name,
        2,
        `must be one of {set, array} containing string paths or array of path segments but got ${typeOf(p)}`,
      );
    }
    if (segs.length === 0) continue;
    let node = root;
    let done = false;
    for (let i = 0; i < segs.length - 1 && !done; i++) {
      const child = node.get(segs[i]!);
      if (child === undefined) {
        const o = new RObject();
        node.set(segs[i]!, o);
        node = o;
      } else if (child === null) {
        done = true;
      } else {
        node = child as RObject;
      }
    }
    if (!done) node.set(segs[segs.length - 1]!, null);
  }
  return root;
}

function filterValue(v: Value, filter: Value): Value {
  if (filter === null) return v;
  const f = filter as RObject;
  if (Array.isArray(v)) {
    const out: Value[] = [];
    (v as readonly Value[]).forEach((x, i) => {
      const sub = f.get(String(i));
      if (sub !== undefined) out.push(filterValue(x, sub));
    });
    return out;
  }
  if (v instanceof RSet) {
    const out = new RSet();
    for (const x of v) {
      const sub = f.get(x);
      if (sub !== undefined) out.add(filterValue(x, sub));
    }
    return out;
  }
  if (v instanceof RObject) {
    const out = new RObject();
    for (const [k, x] of v.entries()) {
      const sub = f.get(k);
      if (sub !== undefined) out.set(k, filterValue(x, sub));
    }
    return out;
  }
  return v;
}

function removeValue(v: Value, tree: Value | undefined): Value | undefined {
  if (tree === undefined || !(tree instanceof RObject)) return tree === null ? undefined : v;
  if (Array.isArray(v)) {
    const out: Value[] = [];
    (v as readonly Value[]).forEach((x, i) => {
      const r = removeValue(x, tree.get(String(i)));
      if (r !== undefined) out.push(r);
    });
    return out;
  }
  if (v instanceof RSet) {
    const out = new RSet();
    for (const x of v) {
      const r = removeValue(x, tree.get(x));
      if (r !== undefined) out.add(r);
    }
    return out;
  }
  if (v instanceof RObject) {
    const out = new RObject();
    for (const [k, x] of v.entries()) {
      const r = removeValue(x, tree.get(k));
      if (r !== undefined) out.set(k, r);
    }
    return out;
  }
  return v;
}

export const builtins: Builtin[] = [
  {
    name: 'object.get',
    args: ['object', 'any', 'any'],
    result: 'any',
    fn: (args) => {
      const o = obj('object.get', args, 1);
      const key = args[1]!;
      if (!Array.isArray(key)) return o.get(key) ?? args[2]!;
      return find(o, key as readonly Value[]) ?? args[2]!;
    },
    description: 'The value at key (or at a path given as an array of keys) in an object, or the default.',
    category: 'objects',
  },
  {
    name: 'object.keys',
    args: ['object'],
    result: 'set',
    fn: (args) => RSet.from(obj('object.keys', args, 1).keys()),
    description: 'The set of keys of an object.',
    category: 'objects',
  },
  {
    name: 'object.remove',
    args: ['object', 'array|set|object'],
    result: 'object',
    fn: (args) => {
      const o = obj('object.remove', args, 1);
      const keys = keySet('object.remove', args[1]!);
      const out = new RObject();
      for (const [k, v] of o.entries()) if (!keys.has(k)) out.set(k, v);
      return out;
    },
    description: 'The object without the given keys (an array, set or object of keys).',
    category: 'objects',
  },
  {
    name: 'object.filter',
    args: ['object', 'array|set|object'],
    result: 'object',
    fn: (args) => {
      const o = obj('object.filter', args, 1);
      const keys = keySet('object.filter', args[1]!);
      const out = new RObject();
      for (const [k, v] of o.entries()) if (keys.has(k)) out.set(k, v);
      return out;
    },
    description: 'The object restricted to the given keys (an array, set or object of keys).',
    category: 'objects',
  },
  {
    name: 'object.union',
    args: ['object', 'object'],
    result: 'object',
    fn: (args) => merge(obj('object.union', args, 1), obj('object.union', args, 2)),
    description: 'Recursive merge of two objects; on conflict the second wins unless both values are objects.',
    category: 'objects',
  },
  {
    name: 'object.union_n',
    args: ['array'],
    result: 'object',
    fn: (args) => {
      const xs = arr('object.union_n', args, 1);
      let out = new RObject();
      for (const x of xs) {
        if (!(x instanceof RObject)) throw elementError('object.union_n', 1, xs, x, 'object');
        out = merge(out, x);
      }
      return out;
    },
    description: 'Recursive merge of an array of objects, later objects winning.',
    category: 'objects',
  },
  {
    name: 'object.subset',
    args: ['any', 'any'],
    result: 'boolean',
    fn: ([sup, sub]) => subset(sup!, sub!),
    description: 'Reports whether sub is contained in super: recursively for objects, as members for sets, as a contiguous run for arrays.',
    category: 'objects',
  },
  {
    name: 'json.filter',
    args: ['object', 'array|set'],
    result: 'any',
    fn: (args) => filterValue(obj('json.filter', args, 1), pathTree('json.filter', args[1]!)),
    description: 'The object restricted to the given JSON paths ("a/b" strings or arrays of segments).',
    category: 'objects',
  },
  {
    name: 'json.remove',
    args: ['object', 'array|set'],
    result: 'any',
    fn: (args) => removeValue(obj('json.remove', args, 1), pathTree('json.remove', args[1]!)),
    description: 'The object without the given JSON paths ("a/b" strings or arrays of segments).',
    category: 'objects',
  },
];
