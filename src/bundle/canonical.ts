import { parseDocument, type Tags } from 'yaml';
import { BundleError } from './errors.js';

// OPA signs structured files (data.json, data.yaml, .manifest) by hashing a canonical
// form instead of their bytes, so that whitespace and key order do not matter. The
// form is what v1/bundle/hash.go writes: the document decoded with Go's
// encoding/json (UseNumber), then objects with keys in byte order, no whitespace,
// numbers exactly as written, and strings re-encoded by Go's encoder with
// SetEscapeHTML(false). JSON.parse cannot do this (it loses number literals and
// decodes invalid UTF-8 differently), hence a small parser of our own that keeps
// number literals as text and decodes strings byte for byte the way Go does.

/** A decoded JSON value; numbers and literals keep their source text. */
type Node =
  | { kind: 'literal'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'array'; items: Node[] }
  | { kind: 'object'; members: Map<string, Node> };

/** Go's encoding/json refuses documents nested deeper than this. */
const MAX_DEPTH = 10_000;

export type CanonicalFormat = 'json' | 'yaml';

export interface CanonicalOptions {
  /**
   * `yaml` reads the document as OPA's util.Unmarshal does: as JSON when it is valid
   * JSON, else as YAML. Default: `yaml` when the file name ends in .yaml/.yml, else `json`.
   */
  format?: CanonicalFormat;
}

/** The canonical JSON text OPA hashes for a structured file. */
export function canonicalJSON(text: string, file?: string, opts: CanonicalOptions = {}): string {
  // TextEncoder turns lone surrogates into U+FFFD, which is what Go's decoder yields too.
  return canonicalJSONBytes(new TextEncoder().encode(text), file, opts);
}

/**
 * The canonical JSON text for a file's raw bytes. Prefer this to canonicalJSON when
 * you have bytes: invalid UTF-8 inside strings is replaced one U+FFFD per bad byte, as
 * Go does, which a TextDecoder would not reproduce.
 */
export function canonicalJSONBytes(bytes: Uint8Array, file?: string, opts: CanonicalOptions = {}): string {
  const format = opts.format ?? formatFor(file);
  // util.Unmarshal strips a UTF-8 byte order mark before decoding (RFC 8259 §8.1).
  const body = hasBom(bytes) ? bytes.subarray(3) : bytes;
  let node: Node;
  try {
    node = parseJSON(body);
  } catch (e) {
    if (!(e instanceof JSONSyntaxError)) throw e;
    if (format !== 'yaml') {
      throw new BundleError('bundle_data_error', `${file ?? 'document'}: invalid JSON at ${e.line}:${e.column}: ${e.message}`, {
        file,
        hint: 'fix the JSON syntax; structured files are hashed after parsing, so they must parse',
      });
    }
    node = parseYAML(body, file);
  }
  return serialize(node);
}

function formatFor(file: string | undefined): CanonicalFormat {
  return file !== undefined && /\.ya?ml$/i.test(file) ? 'yaml' : 'json';
}

function hasBom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

// ---------------------------------------------------------------------------
// Serializing: the bytes hash.go's walk() writes.

function serialize(root: Node): string {
  const out: string[] = [];
  // An explicit work stack, not recursion: documents may nest up to MAX_DEPTH.
  const work: (Node | string)[] = [root];
  while (work.length > 0) {
    const item = work.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    switch (item.kind) {
      case 'literal':
        out.push(item.text);
        break;
      case 'string':
        out.push(encodeString(item.value));
        break;
      case 'array': {
        work.push(']');
        for (let i = item.items.length - 1; i >= 0; i--) {
          work.push(item.items[i]!);
          if (i > 0) work.push(',');
        }
        work.push('[');
        break;
      }
      case 'object': {
        const keys = [...item.members.keys()].sort(compareCodePoints);
        work.push('}');
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i]!;
          work.push(item.members.get(key)!);
          work.push(`${encodeString(key)}:`);
          if (i > 0) work.push(',');
        }
        work.push('{');
        break;
      }
    }
  }
  return out.join('');
}

/**
 * Orders strings by code point, which for valid Unicode is the byte order of their
 * UTF-8 encodings (Go's sort.Strings). JS's default sort compares UTF-16 code units,
 * which puts astral characters (surrogate pairs, 0xD800..) before U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates above U+E000..U+FFFF so code units compare as code points do. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

const HEX = '0123456789abcdef';

/**
 * A JSON string literal as Go's encoder writes it with SetEscapeHTML(false): `"` and
 * `\` escaped, \b \f \n \r \t short (Go ≥ 1.22), other controls as \u00xx, U+2028 and
 * U+2029 escaped (JSONP safety, kept even without HTML escaping), everything else,
 * DEL and `<>&` included, as is. A lone surrogate cannot be UTF-8 and becomes U+FFFD.
 */
export function encodeString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c) {
      switch (c) {
        case 0x22: rep = '\\"'; break;
        case 0x5c: rep = '\\\\'; break;
        case 0x08: rep = '\\b'; break;
        case 0x0c: rep = '\\f'; break;
        case 0x0a: rep = '\\n'; break;
        case 0x0d: rep = '\\r'; break;
        case 0x09: rep = '\\t'; break;
        default: rep = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      }
    } else if (c === 0x2028 || c === 0x2029) {
      rep = `\\u202${HEX[c & 0xf]}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a well-formed pair, kept as is
        continue;
      }
      rep = '\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

// ---------------------------------------------------------------------------
// Parsing JSON from bytes, Go style.

class JSONSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

type Frame =
  | { kind: 'array'; items: Node[] }
  | { kind: 'object'; members: Map<string, Node>; key: string };

function parseJSON(b: Uint8Array): Node {
  let i = 0;
  const fail = (at: number, what: string): never => {
    const { line, column } = position(b, at);
    const found = at >= b.length ? 'end of input' : describeByte(b, at);
    throw new JSONSyntaxError(`${what}, found ${found}`, line, column);
  };
  const skipWs = (): void => {
    while (i < b.length) {
      const c = b[i]!;
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      i++;
    }
  };
  const readKey = (): string => {
    skipWs();
    if (b[i] !== 0x22) fail(i, 'expected a string for an object key');
    const key = readString();
    skipWs();
    if (b[i] !== 0x3a) fail(i, "expected ':' after object key");
    i++;
    return key;
  };
  const readString = (): string => {
    const r = scanString(b, i + 1, fail);
    i = r.end;
    return r.value;
  };

  const stack: Frame[] = [];
  let value: Node;
  skipWs();
  if (i >= b.length) fail(i, 'expected a JSON value');
  for (;;) {
    // Read one value (or open a container and go read its first element).
    skipWs();
    const c = b[i];
    if ((c === 0x7b || c === 0x5b) && stack.length >= MAX_DEPTH) fail(i, `nesting deeper than ${MAX_DEPTH} levels`);
    if (c === 0x7b /* { */) {
      i++;
      skipWs();
      if (b[i] === 0x7d) {
        i++;
        value = { kind: 'object', members: new Map() };
      } else {
        stack.push({ kind: 'object', members: new Map(), key: readKey() });
        continue;
      }
    } else if (c === 0x5b /* [ */) {
      i++;
      skipWs();
      if (b[i] === 0x5d) {
        i++;
        value = { kind: 'array', items: [] };
      } else {
        stack.push({ kind: 'array', items: [] });
        continue;
      }
    } else if (c === 0x22) {
      value = { kind: 'string', value: readString() };
    } else if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) {
      const end = scanNumber(b, i, fail);
      value = { kind: 'literal', text: latin1(b, i, end) };
      i = end;
    } else {
      const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : c === 0x6e ? 'null' : undefined;
      if (word === undefined || latin1(b, i, Math.min(b.length, i + word.length)) !== word) {
        fail(i, 'expected a JSON value');
      }
      value = { kind: 'literal', text: word! };
      i += word!.length;
    }

    // Hand the value to its container; close containers as they end.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        skipWs();
        if (i < b.length) fail(i, 'expected end of input after the top-level value');
        return value;
      }
      skipWs();
      if (top.kind === 'array') {
        top.items.push(value);
        if (b[i] === 0x2c) {
          i++;
          break;
        }
        if (b[i] !== 0x5d) fail(i, "expected ',' or ']' after array element");
        i++;
        stack.pop();
        value = { kind: 'array', items: top.items };
      } else {
        // Go decodes into a map: a repeated key keeps the last value.
        top.members.set(top.key, value);
        if (b[i] === 0x2c) {
          i++;
          top.key = readKey();
          break;
        }
        if (b[i] !== 0x7d) fail(i, "expected ',' or '}' after object member");
        i++;
        stack.pop();
        value = { kind: 'object', members: top.members };
      }
    }
  }
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k++) s += String.fromCharCode(b[k]!);
  return s;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** The end of the number starting at i: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
function scanNumber(b: Uint8Array, start: number, fail: (at: number, what: string) => never): number {
  let i = start;
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if (isDigit(b[i])) while (isDigit(b[i])) i++;
  else fail(i, "expected a digit after '-'");
  if (b[i] === 0x2e) {
    i++;
    if (!isDigit(b[i])) fail(i, "expected a digit after '.' in a number");
    while (isDigit(b[i])) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!isDigit(b[i])) fail(i, 'expected a digit in the exponent of a number');
    while (isDigit(b[i])) i++;
  }
  return i;
}

function hex4(b: Uint8Array, at: number): number {
  if (at + 4 > b.length) return -1;
  let v = 0;
  for (let k = at; k < at + 4; k++) {
    const c = b[k]!;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Decodes the string whose content starts at `start` (after the opening quote). */
function scanString(
  b: Uint8Array,
  start: number,
  fail: (at: number, what: string) => never,
): { value: string; end: number } {
  const parts: number[] = [];
  let out = '';
  const flush = (): void => {
    if (parts.length > 0) {
      out += String.fromCodePoint(...parts);
      parts.length = 0;
    }
  };
  let i = start;
  for (;;) {
    if (i >= b.length) fail(i, 'expected \'"\' to end the string');
    const c = b[i]!;
    if (c === 0x22) {
      flush();
      return { value: out, end: i + 1 };
    }
    if (c < 0x20) fail(i, 'expected an escape (\\n, \\t, \\u00XX) instead of a raw control character in a string');
    if (c === 0x5c) {
      const e = b[i + 1];
      const simple: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };
      if (e !== undefined && simple[e] !== undefined) {
        parts.push(simple[e]!);
        i += 2;
      } else if (e === 0x75 /* u */) {
        let r = hex4(b, i + 2);
        if (r < 0) fail(i + 2, 'expected four hex digits after \\u');
        i += 6;
        if (r >= 0xd800 && r <= 0xdfff) {
          // Go (utf16.DecodeRune): a high surrogate followed by an escaped low one is
          // a pair; any other surrogate becomes U+FFFD and the next escape stands alone.
          const r2 = b[i] === 0x5c && b[i + 1] === 0x75 ? hex4(b, i + 2) : -1;
          if (r <= 0xdbff && r2 >= 0xdc00 && r2 <= 0xdfff) {
            r = 0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00);
            i += 6;
          } else {
            r = 0xfffd;
          }
        }
        parts.push(r);
      } else {
        fail(i + 1, 'expected a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      }
    } else if (c < 0x80) {
      parts.push(c);
      i++;
    } else {
      const [r, size] = decodeRune(b, i);
      parts.push(r);
      i += size;
    }
    if (parts.length >= 4096) flush(); // bounded argument list for fromCodePoint
  }
}

/**
 * Go's utf8.DecodeRune: the rune at i and its size; any ill-formed sequence
 * (overlong, surrogate, past U+10FFFF, truncated) yields U+FFFD for one byte only.
 */
export function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf): number => {
    const c = b[i + k];
    return c !== undefined && c >= lo && c <= hi ? c & 0x3f : -1;
  };
  if (c0 < 0x80) return [c0, 1];
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = cont(1);
    if (c1 >= 0) return [((c0 & 0x1f) << 6) | c1, 2];
  } else if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = cont(1, c0 === 0xe0 ? 0xa0 : 0x80, c0 === 0xed ? 0x9f : 0xbf);
    const c2 = c1 >= 0 ? cont(2) : -1;
    if (c2 >= 0) return [((c0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  } else if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = cont(1, c0 === 0xf0 ? 0x90 : 0x80, c0 === 0xf4 ? 0x8f : 0xbf);
    const c2 = c1 >= 0 ? cont(2) : -1;
    const c3 = c2 >= 0 ? cont(3) : -1;
    if (c3 >= 0) return [((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [0xfffd, 1];
}

/** 1-based line and column (in characters) of byte offset `at`. */
function position(b: Uint8Array, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(at, b.length);
  for (let k = 0; k < end; k++) {
    if (b[k] === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  let column = 1;
  for (let k = lineStart; k < end; k += decodeRune(b, k)[1]) column++;
  return { line, column };
}

function describeByte(b: Uint8Array, at: number): string {
  const c = b[at]!;
  if (c >= 0x21 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  if (c >= 0x80) {
    const [r] = decodeRune(b, at);
    return r === 0xfffd ? `byte 0x${c.toString(16)}` : `'${String.fromCodePoint(r)}'`;
  }
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------
// YAML: OPA converts it to JSON with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 scalars)
// and then decodes that JSON, so numbers come out as Go's json.Marshal prints them.

const GO_YAML_TAGS = (tags: Tags): Tags =>
  // go-yaml v2 keeps timestamps and sexagesimal (base 60) numbers as strings when
  // decoding into interface{}, so drop the YAML 1.1 tags that would convert them.
  tags.filter((t) => {
    if (typeof t !== 'object' || t === null || !('tag' in t)) return true;
    if (t.tag === 'tag:yaml.org,2002:timestamp') return false;
    return !('format' in t && t.format === 'TIME');
  });

function parseYAML(bytes: Uint8Array, file: string | undefined): Node {
  const text = new TextDecoder('utf-8').decode(bytes);
  const name = file ?? 'document';
  const doc = parseDocument(text, {
    version: '1.1',
    customTags: GO_YAML_TAGS,
    intAsBigInt: true,
    // go-yaml v2's (non-strict) Unmarshal lets a repeated key overwrite the earlier one
    uniqueKeys: false,
    prettyErrors: true,
  });
  const err = doc.errors[0];
  if (err) {
    const where = err.linePos?.[0] ? ` at ${err.linePos[0].line}:${err.linePos[0].col}` : '';
    const reason = err.message.split('\n')[0];
    throw new BundleError('bundle_data_error', `${name}: invalid YAML${where}: ${reason}`, { file, hint: 'fix the YAML syntax' });
  }
  try {
    return fromJS(doc.toJS({ maxAliasCount: 100 }), name, file);
  } catch (e) {
    if (e instanceof BundleError) throw e;
    // alias bombs (maxAliasCount) and, for absurd nesting, the call stack
    throw new BundleError('bundle_data_error', `${name}: cannot read YAML: ${(e as Error).message}`, { file, cause: e });
  }
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function fromJS(root: unknown, name: string, file: string | undefined): Node {
  const bad = (what: string): never => {
    throw new BundleError('bundle_data_error', `${name}: ${what} cannot be represented in JSON`, { file, hint: 'use plain maps, lists, strings, numbers, booleans and null' });
  };
  let depth = 0;
  const visit = (v: unknown): Node => {
    if (v === null || v === undefined) return { kind: 'literal', text: 'null' };
    if (typeof v === 'boolean') return { kind: 'literal', text: String(v) };
    if (typeof v === 'string') return { kind: 'string', value: v };
    if (typeof v === 'bigint') {
      // go-yaml reads integers as int64/uint64, and larger ones as float64.
      return { kind: 'literal', text: v >= INT64_MIN && v <= UINT64_MAX ? v.toString() : goFloat(Number(v)) };
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) bad(`the number ${v}`);
      return { kind: 'literal', text: goFloat(v) };
    }
    if (++depth > MAX_DEPTH) bad(`nesting deeper than ${MAX_DEPTH} levels`);
    try {
      if (Array.isArray(v)) return { kind: 'array', items: v.map(visit) };
      if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
        const members = new Map<string, Node>();
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) members.set(k, visit(x));
        return { kind: 'object', members };
      }
    } finally {
      depth--;
    }
    return bad(`a value of type ${(v as object).constructor?.name ?? typeof v}`);
  };
  return visit(root);
}

/**
 * A float64 as Go's encoding/json prints it: ES6 Number-to-string (shortest digits,
 * exponent form below 1e-6 and from 1e21), which is JS's own String(n), except that
 * Go keeps the sign of negative zero.
 */
function goFloat(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}
