// Reading and copying parsed JSON bodies without ever changing them. Every adapter
// walks a body once with a visitor that sees each text in order and may return a
// replacement; these helpers copy an object or array only when something in it was
// replaced, so the same walk serves reading (nothing copied) and rewriting (only the
// path to each changed text copied). Own properties only: `constructor` or
// `__proto__` in a body are data, never inherited members.

export type JsonObject = Record<string, unknown>;

/** A visitor over generated texts: the text and its JSON path in, the text to put in its place out. */
export type Visit = (text: string, path: string) => string;

/** How deep a walk of free-form JSON (tool inputs, generic paths) may go. */
export const MAX_DEPTH = 64;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The own property `key` of `o` (never an inherited one). */
export function own(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** `o` with `key` set to `value`: `o` itself when the value is unchanged, else a shallow copy. */
export function withKey(o: JsonObject, key: string, value: unknown): JsonObject {
  if (own(o, key) === value) return o;
  const copy: JsonObject = { ...o };
  // defineProperty: a key named __proto__ stays data
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** `arr` with each element mapped: `arr` itself when no element changed. */
export function mapItems(arr: readonly unknown[], f: (item: unknown, i: number) => unknown): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < arr.length; i++) {
    const item = arr[i];
    const next = f(item, i);
    if (next !== item) {
      out ??= arr.slice();
      out[i] = next;
    }
  }
  return out ?? (arr as unknown[]);
}

/** `a string`, `an array`, `null`, ... for messages. */
export function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$.a` + `b` → `$.a.b`; a key that is not an identifier is quoted: `$.a['b c']`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (IDENT.test(key)) return `${path}.${key}`;
  return `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/**
 * Every string leaf of a free-form JSON value (a tool call's input object, a value a
 * generic path names), in document order, passed through `f`; other scalars are left
 * alone. Past MAX_DEPTH, `tooDeep` decides (a request error, or an upstream error).
 */
export function mapLeaves(
  v: unknown,
  path: string,
  f: (text: string, path: string) => string,
  tooDeep: (path: string) => never,
  depth = 0,
): unknown {
  if (typeof v === 'string') return f(v, path);
  if (typeof v !== 'object' || v === null) return v;
  if (depth >= MAX_DEPTH) tooDeep(path);
  if (Array.isArray(v)) return mapItems(v, (x, i) => mapLeaves(x, childPath(path, i), f, tooDeep, depth + 1));
  let out: JsonObject = v as JsonObject;
  for (const k of Object.keys(v)) {
    out = withKey(out, k, mapLeaves(own(v as JsonObject, k), childPath(path, k), f, tooDeep, depth + 1));
  }
  return out;
}
