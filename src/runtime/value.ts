// Rego values. Scalars and arrays are plain JS values (fast to build from JSON, fast to
// read); objects and sets are classes because their keys and members may be any value
// and compare structurally. `undefined` (the JS value) means "undefined" in Rego.
//
// Sort order and equality follow OPA: null < booleans < numbers < strings < arrays <
// objects < sets; numbers compare by value (1 == 1.0).

export type Scalar = null | boolean | number | string;
export type Value = Scalar | readonly Value[] | RObject | RSet;

export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

export function typeOf(v: Value): TypeName {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
  }
  if (Array.isArray(v)) return 'array';
  return v instanceof RSet ? 'set' : 'object';
}

export function isScalar(v: Value): v is Scalar {
  return v === null || typeof v !== 'object';
}

// ---------------------------------------------------------------- keyed storage

type Entry<T> = [Value, T];

/** The most entries a hash bucket holds before the map stops trusting the hash. */
const MAX_BUCKET = 8;

/** Composite keys kept in a plain list (cheap to build and copy) up to this many. */
const MAX_SMALL = 16;

/**
 * A map keyed by Rego values. Scalar keys use a native Map directly; composite keys
 * (arrays, objects, sets) go into buckets by a structural hash (see hashValue, cached
 * on objects and sets) and compare with equals(), so no key text is built. The hash
 * is seeded per process, and should input ever pile more than MAX_BUCKET keys into
 * one bucket, the map switches to canonical strings, so crafted collisions cost a
 * bounded amount of work per operation. The first few composite keys sit in a list
 * with their hashes: a set of a handful of members (decision entries, grants read
 * from data) needs no hash map, and copying it is two array copies.
 */
class ValueMap<T> {
  private readonly prim: Map<Scalar, Entry<T>>;
  /** composite entries while there are at most MAX_SMALL of them (then comp) */
  private small: Entry<T>[] | undefined;
  /** hashValue() of each key in small, in order */
  private smallHashes: number[] | undefined;
  private comp: Map<number, Entry<T>[]> | undefined;
  private compCount = 0;
  /** comp's bucket arrays are shared with the map this one was copied from: copy one before changing it */
  private sharedBuckets = false;
  /** canonical-string mode, after a bucket overflowed */
  private canon: Map<string, Entry<T>> | undefined;

  constructor(prim: Map<Scalar, Entry<T>> = new Map()) {
    this.prim = prim;
  }

  get size(): number {
    return this.prim.size + (this.canon !== undefined ? this.canon.size : this.small !== undefined ? this.small.length : this.compCount);
  }

  private find(k: Value): Entry<T> | undefined {
    if (this.small !== undefined) {
      const small = this.small;
      const hashes = this.smallHashes!;
      const h = hashValue(k);
      for (let i = 0; i < small.length; i++) if (hashes[i] === h && equals(small[i]![0], k)) return small[i];
      return undefined;
    }
    if (this.canon !== undefined) return this.canon.get(canonical(k));
    if (this.comp === undefined) return undefined;
    const bucket = this.comp.get(hashValue(k));
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) if (equals(bucket[i]![0], k)) return bucket[i];
    return undefined;
  }

  get(k: Value): T | undefined {
    if (isScalar(k)) return this.prim.get(k)?.[1];
    return this.find(k)?.[1];
  }

  getEntry(k: Value): Entry<T> | undefined {
    if (isScalar(k)) return this.prim.get(k);
    return this.find(k);
  }

  has(k: Value): boolean {
    if (isScalar(k)) return this.prim.has(k);
    return this.find(k) !== undefined;
  }

  set(k: Value, v: T): void {
    if (isScalar(k)) {
      this.prim.set(k, [k, v]);
      return;
    }
    this.put(k, v, true);
  }

  /** Composite key: insert, or replace when `replace`; true when the key was new. */
  private put(k: Value, v: T, replace: boolean): boolean {
    if (this.comp === undefined && this.canon === undefined) {
      const small = (this.small ??= []);
      const hashes = (this.smallHashes ??= []);
      const h = hashValue(k);
      for (let i = 0; i < small.length; i++) {
        if (hashes[i] === h && equals(small[i]![0], k)) {
          if (replace) small[i] = [k, v];
          return false;
        }
      }
      if (small.length < MAX_SMALL) {
        small.push([k, v]);
        hashes.push(h);
        return true;
      }
      // too many to scan: a hash map from now on
      this.small = undefined;
      this.smallHashes = undefined;
      this.comp = new Map();
      for (const e of small) this.hashPut(e);
      const canon = this.canon as Map<string, Entry<T>> | undefined;
      if (canon !== undefined) {
        canon.set(canonical(k), [k, v]);
        return true;
      }
    }
    if (this.canon !== undefined) {
      const c = canonical(k);
      if (this.canon.has(c)) {
        if (replace) this.canon.set(c, [k, v]);
        return false;
      }
      this.canon.set(c, [k, v]);
      return true;
    }
    const h = hashValue(k);
    const comp = this.comp!;
    let bucket = comp.get(h);
    if (bucket === undefined) {
      comp.set(h, [[k, v]]);
      this.compCount++;
      return true;
    }
    for (let i = 0; i < bucket.length; i++) {
      if (equals(bucket[i]![0], k)) {
        if (replace) this.ownBucket(h, bucket)[i] = [k, v];
        return false;
      }
    }
    bucket = this.ownBucket(h, bucket);
    bucket.push([k, v]);
    this.compCount++;
    if (bucket.length > MAX_BUCKET) this.toCanonical();
    return true;
  }

  /** A distinct entry into the hashed storage (while leaving the list). */
  private hashPut(e: Entry<T>): void {
    if (this.canon !== undefined) {
      this.canon.set(canonical(e[0]), e);
      return;
    }
    const h = hashValue(e[0]);
    const bucket = this.comp!.get(h);
    this.compCount++;
    if (bucket === undefined) this.comp!.set(h, [e]);
    else {
      bucket.push(e);
      if (bucket.length > MAX_BUCKET) this.toCanonical();
    }
  }

  private ownBucket(h: number, bucket: Entry<T>[]): Entry<T>[] {
    if (!this.sharedBuckets) return bucket;
    const own = bucket.slice();
    this.comp!.set(h, own);
    return own;
  }

  /**
   * A copy to add to. Entries are never changed in place, so they are shared, and so
   * are the hash buckets, copied on first change: this map must not change afterwards.
   */
  copy(): ValueMap<T> {
    const out = new ValueMap<T>(new Map(this.prim));
    if (this.small !== undefined) {
      out.small = this.small.slice();
      out.smallHashes = this.smallHashes!.slice();
    }
    else if (this.canon !== undefined) out.canon = new Map(this.canon);
    else if (this.comp !== undefined) {
      out.comp = new Map(this.comp);
      out.compCount = this.compCount;
      out.sharedBuckets = true;
    }
    return out;
  }

  private toCanonical(): void {
    const canon = new Map<string, Entry<T>>();
    for (const bucket of this.comp!.values()) for (const e of bucket) canon.set(canonical(e[0]), e);
    this.canon = canon;
    this.comp = undefined;
    this.compCount = 0;
  }

  delete(k: Value): boolean {
    if (isScalar(k)) return this.prim.delete(k);
    if (this.small !== undefined) {
      const h = hashValue(k);
      for (let i = 0; i < this.small.length; i++) {
        if (this.smallHashes![i] === h && equals(this.small[i]![0], k)) {
          this.small.splice(i, 1);
          this.smallHashes!.splice(i, 1);
          return true;
        }
      }
      return false;
    }
    if (this.canon !== undefined) return this.canon.delete(canonical(k));
    if (this.comp === undefined) return false;
    const h = hashValue(k);
    const bucket = this.comp.get(h);
    if (bucket === undefined) return false;
    for (let i = 0; i < bucket.length; i++) {
      if (equals(bucket[i]![0], k)) {
        if (bucket.length === 1) this.comp.delete(h);
        else this.ownBucket(h, bucket).splice(i, 1);
        this.compCount--;
        return true;
      }
    }
    return false;
  }

  private get hasComposite(): boolean {
    return this.small !== undefined ? this.small.length > 0 : this.canon !== undefined ? this.canon.size > 0 : this.compCount > 0;
  }

  entries(): IterableIterator<Entry<T>> {
    // the native iterator when there are no composite keys (the common case)
    if (!this.hasComposite) return this.prim.values();
    return this.allEntries();
  }

  private *allEntries(): IterableIterator<Entry<T>> {
    yield* this.prim.values();
    if (this.small !== undefined) yield* this.small;
    else if (this.canon !== undefined) yield* this.canon.values();
    else if (this.comp !== undefined) for (const bucket of this.comp.values()) yield* bucket;
  }

  keys(): IterableIterator<Value> {
    if (!this.hasComposite) return this.prim.keys();
    return this.allKeys();
  }

  private *allKeys(): IterableIterator<Value> {
    for (const e of this.allEntries()) yield e[0];
  }

  /** Sets k only when absent (one lookup); true when it was new. */
  add(k: Value, v: T): boolean {
    if (isScalar(k)) {
      if (this.prim.has(k)) return false;
      this.prim.set(k, [k, v]);
      return true;
    }
    return this.put(k, v, false);
  }

  /** The sum of entryHash over the entries (keys only unless withValue), no closures. */
  sumHashes(withValue: boolean): number {
    let h = 0;
    for (const e of this.prim.values()) h = (h + entryHash(e[0], e[1], withValue)) | 0;
    if (this.small !== undefined) {
      for (let i = 0; i < this.small.length; i++) h = (h + entryHash(this.small[i]![0], this.small[i]![1], withValue)) | 0;
    } else if (this.canon !== undefined) {
      for (const e of this.canon.values()) h = (h + entryHash(e[0], e[1], withValue)) | 0;
    } else if (this.comp !== undefined) {
      for (const bucket of this.comp.values()) for (const e of bucket) h = (h + entryHash(e[0], e[1], withValue)) | 0;
    }
    return h;
  }

  /** Calls fn on each entry until it returns true; true when it did. No iterator objects. */
  each(fn: (k: Value, v: T) => boolean): boolean {
    for (const e of this.prim.values()) if (fn(e[0], e[1])) return true;
    if (this.small !== undefined) {
      const small = this.small;
      for (let i = 0; i < small.length; i++) if (fn(small[i]![0], small[i]![1])) return true;
    } else if (this.canon !== undefined) {
      for (const e of this.canon.values()) if (fn(e[0], e[1])) return true;
    } else if (this.comp !== undefined) {
      for (const bucket of this.comp.values()) for (let i = 0; i < bucket.length; i++) if (fn(bucket[i]![0], bucket[i]![1])) return true;
    }
    return false;
  }
}

// ---------------------------------------------------------------- hashing

// Per process, so colliding keys cannot be precomputed offline (and a bucket that
// overflows anyway falls back to canonical strings, see ValueMap).
const SEED = (Math.random() * 0x7fffffff) | 0;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hashString(s: string): number {
  let h = SEED ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}

/**
 * A structural hash: equal values (equals()) hash equal, covering every string in
 * full. Objects and sets combine their members order-independently and cache the
 * result (they are immutable once shared).
 */
export function hashValue(v: Value): number {
  if (v === null) return 0x3c6ef372;
  switch (typeof v) {
    case 'boolean':
      return v ? 0x1b873593 : 0x0d0f2a69;
    case 'number': {
      // integers (the usual case) hash by value; others by their shortest text
      if (Number.isSafeInteger(v)) return mix((v | 0) ^ Math.imul((v / 0x100000000) | 0, 0x27d4eb2d) ^ 0x5bd1e995);
      return hashString(String(v)) ^ 0x2545f491;
    }
    case 'string':
      return hashString(v);
  }
  if (Array.isArray(v)) {
    let h = 0x6a09e667 ^ v.length;
    for (let i = 0; i < v.length; i++) h = Math.imul(h ^ hashValue(v[i]!), 0x01000193);
    return mix(h);
  }
  if (v instanceof RSet) {
    if (v._hash === undefined) v._hash = mix(v._members().sumHashes(false) ^ Math.imul(v.size, 0x9e3779b1) ^ 0x510e527f);
    return v._hash;
  }
  const o = v as RObject;
  if (o._hash === undefined) o._hash = mix(o._entries().sumHashes(true) ^ Math.imul(o.size, 0x85ebca77) ^ 0x3c6ef372);
  return o._hash;
}

/** One entry's share of an object's or set's hash; summed, so order does not matter. */
function entryHash(k: Value, v: unknown, withValue: boolean): number {
  return withValue ? mix(Math.imul(hashValue(k), 0x01000193) ^ hashValue(v as Value)) : mix(hashValue(k) ^ 0x7f4a7c15);
}

/** An object whose keys may be any value. Treat as immutable once shared. */
export class RObject {
  private readonly m = new ValueMap<Value>();
  /** @internal canonical() of this object, cached; cleared by every mutation */
  _canon: string | undefined = undefined;
  /** @internal hashValue() of this object, cached; cleared by every mutation */
  _hash: number | undefined = undefined;

  static from(entries: Iterable<readonly [Value, Value]>): RObject {
    const o = new RObject();
    for (const [k, v] of entries) o.m.set(k, v);
    return o;
  }

  get size(): number {
    return this.m.size;
  }
  /** @internal the storage, for hashValue */
  _entries(): ValueMap<Value> {
    return this.m;
  }
  get(k: Value): Value | undefined {
    return this.m.get(k);
  }
  has(k: Value): boolean {
    return this.m.has(k);
  }
  /** Mutates; only for the builder of a fresh object. */
  set(k: Value, v: Value): this {
    this.m.set(k, v);
    this._canon = undefined;
    this._hash = undefined;
    return this;
  }
  /** Mutates; only for the builder of a fresh object. */
  delete(k: Value): void {
    this.m.delete(k);
    this._canon = undefined;
    this._hash = undefined;
  }
  entries(): IterableIterator<[Value, Value]> {
    return this.m.entries();
  }
  /** Calls fn on each entry until it returns true; true when it did (the evaluator's fast loop). */
  forEachEntry(fn: (k: Value, v: Value) => boolean): boolean {
    return this.m.each(fn);
  }
  keys(): IterableIterator<Value> {
    return this.m.keys();
  }
  *values(): IterableIterator<Value> {
    for (const [, v] of this.m.entries()) yield v;
  }
  /** Entries in Rego sort order of their keys (deterministic output). */
  sortedEntries(): Array<[Value, Value]> {
    return [...this.m.entries()].sort((a, b) => compare(a[0], b[0]));
  }
}

/** A set of values. Treat as immutable once shared. */
export class RSet {
  private m = new ValueMap<true>();
  /** @internal canonical() of this set, cached; cleared by every mutation */
  _canon: string | undefined = undefined;
  /** @internal hashValue() of this set, cached; cleared by every mutation */
  _hash: number | undefined = undefined;

  static from(items: Iterable<Value>): RSet {
    const s = new RSet();
    for (const v of items) s.m.set(v, true);
    return s;
  }

  get size(): number {
    return this.m.size;
  }
  /** @internal the storage, for hashValue */
  _members(): ValueMap<true> {
    return this.m;
  }
  has(v: Value): boolean {
    return this.m.has(v);
  }
  /** @internal a fresh set with the same members, for a builder to add to; this set must not change afterwards */
  _copy(): RSet {
    const s = new RSet();
    s.m = this.m.copy();
    s._hash = this._hash;
    s._canon = this._canon;
    return s;
  }
  /** Mutates; only for the builder of a fresh set. Returns true when v was new. */
  add(v: Value): boolean {
    if (!this.m.add(v, true)) return false;
    this._canon = undefined;
    this._hash = undefined;
    return true;
  }
  values(): IterableIterator<Value> {
    return this.m.keys();
  }
  /** Calls fn on each member until it returns true; true when it did (the evaluator's fast loop). */
  forEachMember(fn: (v: Value) => boolean): boolean {
    return this.m.each((k) => fn(k));
  }
  [Symbol.iterator](): IterableIterator<Value> {
    return this.values();
  }
  /** Members in Rego sort order (deterministic output). */
  sorted(): Value[] {
    return [...this.values()].sort(compare);
  }
}

// ---------------------------------------------------------------- equality and order

const RANK: Record<TypeName, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5, set: 6 };

export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (isScalar(a) || isScalar(b)) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i]!, b[i]!)) return false;
    return true;
  }
  if (a instanceof RSet) {
    if (!(b instanceof RSet) || a.size !== b.size) return false;
    // equal values hash equal: two cached hashes that differ settle it
    if (a._hash !== undefined && b._hash !== undefined && a._hash !== b._hash) return false;
    for (const v of a.values()) if (!b.has(v)) return false;
    return true;
  }
  if (!(b instanceof RObject) || (a as RObject).size !== b.size) return false;
  if ((a as RObject)._hash !== undefined && b._hash !== undefined && (a as RObject)._hash !== b._hash) return false;
  for (const [k, v] of (a as RObject).entries()) {
    const w = b.get(k);
    if (w === undefined || !equals(v, w)) return false;
  }
  return true;
}

/** Total order over values, as OPA sorts them. */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) return RANK[ta] - RANK[tb];
  switch (ta) {
    case 'null':
      return 0;
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'number':
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 'string':
      return compareStrings(a as string, b as string);
    case 'array':
      return compareSeq(a as readonly Value[], b as readonly Value[]);
    case 'set':
      return compareSeq((a as RSet).sorted(), (b as RSet).sorted());
    case 'object': {
      const ea = (a as RObject).sortedEntries();
      const eb = (b as RObject).sortedEntries();
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        const ck = compare(ea[i]![0], eb[i]![0]);
        if (ck !== 0) return ck;
        const cv = compare(ea[i]![1], eb[i]![1]);
        if (cv !== 0) return cv;
      }
      return ea.length - eb.length;
    }
  }
}

/** Strings order by Unicode code point, as Go compares UTF-8 bytes. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

function compareSeq(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * A canonical string for a value: equal values give equal strings. Only identity
 * matters here, not Rego's order, so members are ordered by their own canonical
 * text (a plain string sort) and the result is cached on objects and sets, which
 * are immutable once shared. This is the hot path of sets of objects.
 */
export function canonical(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return Number.isSafeInteger(v) ? String(v) : formatNumber(v);
    case 'string':
      return quote(v);
  }
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + canonical(v[i]!);
    return out + ']';
  }
  if (v instanceof RSet) {
    if (v._canon === undefined) {
      const parts: string[] = [];
      for (const x of v.values()) parts.push(canonical(x));
      v._canon = `<${parts.sort(byCodeUnits).join(',')}>`;
    }
    return v._canon;
  }
  const o = v as RObject;
  if (o._canon === undefined) o._canon = canonicalObject(o);
  return o._canon;
}

// Objects built per request (decision entries added to sets) are canonicalised on
// the hot path, so this avoids the generic sort and template strings: string keys
// (the usual case) sort as they are; any fixed key order gives equal text for equal
// objects, which is all canonical() promises.
function canonicalObject(o: RObject): string {
  const keys: Value[] = [];
  let strings = true;
  for (const k of o.keys()) {
    keys.push(k);
    if (typeof k !== 'string') strings = false;
  }
  let out = '{';
  if (strings) {
    (keys as string[]).sort(byCodeUnits);
    for (let i = 0; i < keys.length; i++) out += (i > 0 ? ',' : '') + quote(keys[i] as string) + ':' + canonical(o.get(keys[i]!)!);
    return out + '}';
  }
  const parts: string[] = keys.map((k) => `${canonical(k)}:${canonical(o.get(k)!)}`);
  parts.sort(byCodeUnits);
  return `{${parts.join(',')}}`;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON.stringify of a string, without calling it for the common plain strings. */
function quote(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

// ---------------------------------------------------------------- conversion

/** JSON (as parsed by JSON.parse or YAML) to a Rego value. */
export function fromJSON(x: unknown): Value {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case 'boolean':
    case 'string':
      return x;
    case 'number':
      return x;
    case 'bigint':
      return Number(x);
    case 'object': {
      if (Array.isArray(x)) return x.map(fromJSON);
      if (x instanceof RObject || x instanceof RSet) return x;
      const o = new RObject();
      for (const k of Object.keys(x)) o.set(k, fromJSON((x as Record<string, unknown>)[k]));
      return o;
    }
  }
  throw new TypeError(`cannot convert ${typeof x} to a policy value`);
}

/**
 * A Rego value to JSON: sets become sorted arrays, object keys that are not strings
 * become their JSON text (as OPA does when serializing), keys come out sorted.
 */
export function toJSON(v: Value): unknown {
  if (isScalar(v)) return v;
  if (Array.isArray(v)) return v.map(toJSON);
  if (v instanceof RSet) return v.sorted().map(toJSON);
  const out: Record<string, unknown> = {};
  for (const [k, x] of (v as RObject).sortedEntries()) {
    out[typeof k === 'string' ? k : JSON.stringify(toJSON(k))] = toJSON(x);
  }
  return out;
}

/** Rego numbers print as integers when integral, else shortest round-trip decimal. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}

/** Rego's own text for a value: `{"a": 1}`, `{1, 2}`, `set()`, `"s"`. */
export function toRegoString(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatNumber(v);
    case 'string':
      return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(toRegoString).join(', ')}]`;
  if (v instanceof RSet) return v.size === 0 ? 'set()' : `{${v.sorted().map(toRegoString).join(', ')}}`;
  const entries = (v as RObject).sortedEntries();
  return `{${entries.map(([k, x]) => `${toRegoString(k)}: ${toRegoString(x)}`).join(', ')}}`;
}

/** Truthiness of a body expression: defined and not `false`. */
export function isTruthy(v: Value | undefined): boolean {
  return v !== undefined && v !== false;
}
