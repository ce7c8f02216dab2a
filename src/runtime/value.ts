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

/**
 * A map keyed by Rego values. Scalar keys use a native Map directly; composite keys
 * (arrays, objects, sets) go through a canonical string in a second map, so a user
 * string can never collide with a composite key.
 */
class ValueMap<T> {
  private readonly prim = new Map<Scalar, [Value, T]>();
  private comp: Map<string, [Value, T]> | undefined;

  get size(): number {
    return this.prim.size + (this.comp?.size ?? 0);
  }

  get(k: Value): T | undefined {
    if (isScalar(k)) return this.prim.get(k)?.[1];
    return this.comp?.get(canonical(k))?.[1];
  }

  getEntry(k: Value): [Value, T] | undefined {
    if (isScalar(k)) return this.prim.get(k);
    return this.comp?.get(canonical(k));
  }

  has(k: Value): boolean {
    if (isScalar(k)) return this.prim.has(k);
    return this.comp?.has(canonical(k)) ?? false;
  }

  set(k: Value, v: T): void {
    if (isScalar(k)) {
      this.prim.set(k, [k, v]);
      return;
    }
    (this.comp ??= new Map()).set(canonical(k), [k, v]);
  }

  delete(k: Value): boolean {
    if (isScalar(k)) return this.prim.delete(k);
    return this.comp?.delete(canonical(k)) ?? false;
  }

  entries(): IterableIterator<[Value, T]> {
    // the native iterator when there are no composite keys (the common case)
    if (!this.comp || this.comp.size === 0) return this.prim.values();
    return this.allEntries();
  }

  private *allEntries(): IterableIterator<[Value, T]> {
    yield* this.prim.values();
    if (this.comp) yield* this.comp.values();
  }

  keys(): IterableIterator<Value> {
    if (!this.comp || this.comp.size === 0) return this.prim.keys();
    return this.allKeys();
  }

  private *allKeys(): IterableIterator<Value> {
    yield* this.prim.keys();
    for (const e of this.comp!.values()) yield e[0];
  }

  /** Sets k only when absent (one lookup, one canonical form); true when it was new. */
  add(k: Value, v: T): boolean {
    if (isScalar(k)) {
      if (this.prim.has(k)) return false;
      this.prim.set(k, [k, v]);
      return true;
    }
    const c = canonical(k);
    const comp = (this.comp ??= new Map());
    if (comp.has(c)) return false;
    comp.set(c, [k, v]);
    return true;
  }

  /** Calls fn on each entry until it returns true; true when it did. No iterator objects. */
  each(fn: (k: Value, v: T) => boolean): boolean {
    for (const e of this.prim.values()) if (fn(e[0], e[1])) return true;
    if (this.comp) for (const e of this.comp.values()) if (fn(e[0], e[1])) return true;
    return false;
  }
}

/** An object whose keys may be any value. Treat as immutable once shared. */
export class RObject {
  private readonly m = new ValueMap<Value>();
  /** @internal canonical() of this object, cached; cleared by every mutation */
  _canon: string | undefined = undefined;

  static from(entries: Iterable<readonly [Value, Value]>): RObject {
    const o = new RObject();
    for (const [k, v] of entries) o.m.set(k, v);
    return o;
  }

  get size(): number {
    return this.m.size;
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
    return this;
  }
  /** Mutates; only for the builder of a fresh object. */
  delete(k: Value): void {
    this.m.delete(k);
    this._canon = undefined;
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
  private readonly m = new ValueMap<true>();
  /** @internal canonical() of this set, cached; cleared by every mutation */
  _canon: string | undefined = undefined;

  static from(items: Iterable<Value>): RSet {
    const s = new RSet();
    for (const v of items) s.m.set(v, true);
    return s;
  }

  get size(): number {
    return this.m.size;
  }
  has(v: Value): boolean {
    return this.m.has(v);
  }
  /** Mutates; only for the builder of a fresh set. Returns true when v was new. */
  add(v: Value): boolean {
    if (!this.m.add(v, true)) return false;
    this._canon = undefined;
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
    for (const v of a.values()) if (!b.has(v)) return false;
    return true;
  }
  if (!(b instanceof RObject) || (a as RObject).size !== b.size) return false;
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
