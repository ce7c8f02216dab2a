// Encodings: JSON, base64, base64url, hex, URL query strings. Text is UTF-8 on the wire;
// decoded bytes that are not valid UTF-8 become U+FFFD (JS strings cannot hold raw bytes).

import { RObject, RSet, compareStrings, formatNumber, fromJSON, type Value } from '../value.js';
import { fail, obj, operandError, str, typeError } from './operands.js';
import type { Builtin } from './types.js';

const utf8 = new TextEncoder();
const utf8Decode = new TextDecoder('utf-8');

// ---------------------------------------------------------------- JSON

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A Go-encoded JSON string: like JSON.stringify, plus Go's HTML-safe escapes; invalid text becomes U+FFFD. */
function jsonString(s: string): string {
  return JSON.stringify(s.replace(LONE_SURROGATE, '\ufffd')).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function keyText(k: Value): string {
  return typeof k === 'string' ? k : marshal(k);
}

interface Indent {
  indent: string;
  prefix: string;
}

/**
 * OPA's json.marshal: sets become sorted arrays, non-string keys become their JSON text,
 * keys sort bytewise (Go's map order); with `pretty`, the layout of json.MarshalIndent.
 */
export function marshal(v: Value, pretty?: Indent, depth = 0): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return jsonString(v);
  const nl = (d: number): string => (pretty ? '\n' + pretty.prefix + pretty.indent.repeat(d) : '');
  const items: string[] = [];
  let open = '[';
  let close = ']';
  if (Array.isArray(v) || v instanceof RSet) {
    const xs = v instanceof RSet ? v.sorted() : (v as readonly Value[]);
    for (const x of xs) items.push(marshal(x, pretty, depth + 1));
  } else {
    open = '{';
    close = '}';
    const entries = [...(v as RObject).entries()].map(([k, x]) => [keyText(k), x] as const);
    entries.sort((a, b) => compareStrings(a[0], b[0]));
    const sep = pretty ? ': ' : ':';
    for (const [k, x] of entries) items.push(jsonString(k) + sep + marshal(x, pretty, depth + 1));
  }
  if (items.length === 0) return open + close;
  return open + nl(depth + 1) + items.join(',' + nl(depth + 1)) + nl(depth) + close;
}

function marshalWithOptions(args: readonly Value[]): string {
  const name = 'json.marshal_with_options';
  const opts = obj(name, args, 2);
  let indent = '\t';
  let prefix = '';
  let implicit = false;
  let explicit: boolean | undefined;
  for (const [k, v] of opts.entries()) {
    if (k === 'prefix' || k === 'indent') {
      if (typeof v !== 'string') throw operandError(name, 2, `key ${k} failed cast to string`);
      if (k === 'prefix') prefix = v;
      else indent = v;
      implicit = true;
    } else if (k === 'pretty') {
      if (typeof v !== 'boolean') throw operandError(name, 2, `key ${k} failed cast to bool`);
      explicit = v;
    } else {
      throw operandError(name, 2, `object contained unknown key ${typeof k === 'string' ? k : marshal(k)}`);
    }
  }
  if (!(explicit ?? implicit)) return marshal(args[0]!);
  // json.MarshalIndent never prefixes the first line; OPA adds it.
  return prefix + marshal(args[0]!, { indent, prefix });
}

function unmarshal(name: string, s: string): Value {
  try {
    return fromJSON(JSON.parse(s));
  } catch (e) {
    throw fail(name, e instanceof Error ? e.message : 'invalid JSON');
  }
}

function isValidJSON(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- base64 and hex

const STD = /^[A-Za-z0-9+/]*$/;
const URL = /^[A-Za-z0-9\-_]*$/;

/** Go's strict padded decoding: returns the offending byte offset on error. */
function base64Decode(s: string, alphabet: RegExp): Uint8Array | number {
  // Go skips newlines; offsets in errors refer to the original text.
  const clean = s.replace(/[\r\n]/g, '');
  const body = clean.replace(/={1,2}$/, '');
  const padLen = clean.length - body.length;
  if (!alphabet.test(body)) return [...body].findIndex((c) => !alphabet.test(c));
  // An incomplete final quantum is reported at its first byte, as Go does.
  if (clean.length % 4 !== 0) return clean.length - (clean.length % 4);
  if (padLen > 0 && body.length % 4 < 2) return body.length;
  return new Uint8Array(Buffer.from(body, alphabet === STD ? 'base64' : 'base64url'));
}

function decodeOrFail(name: string, s: string, alphabet: RegExp): string {
  const r = base64Decode(s, alphabet);
  if (typeof r === 'number') throw fail(name, `illegal base64 data at input byte ${Math.max(r, 0)}`);
  return utf8Decode.decode(r);
}

/** Go's hex.DecodeString: errors name the offending byte, invalid bytes before odd length. */
function hexDecode(s: string): string {
  const src = utf8.encode(s);
  const val = (b: number): number => (b >= 48 && b <= 57 ? b - 48 : b >= 97 && b <= 102 ? b - 87 : b >= 65 && b <= 70 ? b - 55 : -1);
  const badByte = (b: number): Error => {
    // %#U: the character is shown when Go considers it printable.
    const ch = String.fromCodePoint(b);
    const shown = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch) ? ` '${ch}'` : '';
    return fail('hex.decode', `encoding/hex: invalid byte: U+${b.toString(16).toUpperCase().padStart(4, '0')}${shown}`);
  };
  const out = new Uint8Array(src.length >> 1);
  for (let j = 0; j + 1 < src.length; j += 2) {
    const a = val(src[j]!);
    const b = val(src[j + 1]!);
    if (a < 0) throw badByte(src[j]!);
    if (b < 0) throw badByte(src[j + 1]!);
    out[j >> 1] = (a << 4) | b;
  }
  if (src.length % 2 === 1) {
    if (val(src[src.length - 1]!) < 0) throw badByte(src[src.length - 1]!);
    throw fail('hex.decode', 'encoding/hex: odd length hex string');
  }
  return utf8Decode.decode(out);
}

// ---------------------------------------------------------------- URL query

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Go's url.QueryUnescape. */
function queryUnescape(name: string, s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) {
        throw fail(name, `invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      }
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c === '+') bytes.push(0x20);
    else bytes.push(...utf8.encode(c));
  }
  return utf8Decode.decode(new Uint8Array(bytes));
}

function encodeObject(args: readonly Value[]): string {
  const name = 'urlquery.encode_object';
  const o = args[0]!;
  if (!(o instanceof RObject)) throw typeError(name, 1, o, 'object');
  const bad = (): Error => operandError(name, 1, 'values must be string, array[string], or set[string]');
  const pairs: Array<[string, string[]]> = [];
  for (const [k, v] of o.entries()) {
    const key = typeof k === 'string' ? k : marshal(k);
    if (typeof v === 'string') pairs.push([key, [v]]);
    else if (Array.isArray(v) || v instanceof RSet) {
      const xs = v instanceof RSet ? v.sorted() : (v as readonly Value[]);
      if (!xs.every((x) => typeof x === 'string')) throw bad();
      pairs.push([key, xs as string[]]);
    } else throw bad();
  }
  pairs.sort((a, b) => compareStrings(a[0], b[0]));
  return pairs.flatMap(([k, vs]) => vs.map((v) => `${queryEscape(k)}=${queryEscape(v)}`)).join('&');
}

function decodeObject(s: string): Value {
  const name = 'urlquery.decode_object';
  const out = new Map<string, string[]>();
  for (const part of s.split('&')) {
    if (part === '') continue;
    if (part.includes(';')) throw fail(name, 'invalid semicolon separator in query');
    const eq = part.indexOf('=');
    const k = queryUnescape(name, eq < 0 ? part : part.slice(0, eq));
    const v = queryUnescape(name, eq < 0 ? '' : part.slice(eq + 1));
    const list = out.get(k) ?? [];
    list.push(v);
    out.set(k, list);
  }
  return RObject.from([...out].map(([k, vs]) => [k, vs] as const));
}

function strFn(name: string, f: (s: string) => Value, result: 'string' | 'boolean' | 'any', description: string): Builtin {
  return {
    name,
    args: ['string'],
    result,
    fn: (args) => f(str(name, args, 1)),
    description,
    category: 'encoding',
  };
}

export const builtins: Builtin[] = [
  {
    name: 'json.marshal',
    args: ['any'],
    result: 'string',
    fn: ([v]) => marshal(v!),
    description: 'Serializes a value to compact JSON (sets become sorted arrays, keys are sorted).',
    category: 'encoding',
  },
  {
    name: 'json.marshal_with_options',
    args: ['any', 'object'],
    result: 'string',
    fn: marshalWithOptions,
    description: 'Serializes a value to JSON with options {"pretty", "indent", "prefix"}.',
    category: 'encoding',
  },
  strFn('json.unmarshal', (s) => unmarshal('json.unmarshal', s), 'any', 'Parses a JSON document into a value.'),
  {
    name: 'json.is_valid',
    args: ['any'],
    result: 'boolean',
    fn: ([s]) => typeof s === 'string' && isValidJSON(s),
    description: 'Reports whether a string is a valid JSON document.',
    category: 'encoding',
  },
  strFn('base64.encode', (s) => Buffer.from(s, 'utf8').toString('base64'), 'string', 'Encodes a string as padded standard base64.'),
  strFn('base64.decode', (s) => decodeOrFail('base64.decode', s, STD), 'string', 'Decodes padded standard base64.'),
  {
    name: 'base64.is_valid',
    args: ['any'],
    result: 'boolean',
    fn: ([s]) => typeof s === 'string' && typeof base64Decode(s, STD) !== 'number',
    description: 'Reports whether a string is valid padded standard base64.',
    category: 'encoding',
  },
  strFn('base64url.encode', (s) => Buffer.from(s, 'utf8').toString('base64url').padEnd(Math.ceil(utf8.encode(s).length / 3) * 4, '='), 'string', 'Encodes a string as padded URL-safe base64.'),
  strFn('base64url.encode_no_pad', (s) => Buffer.from(s, 'utf8').toString('base64url'), 'string', 'Encodes a string as URL-safe base64 without padding.'),
  strFn(
    'base64url.decode',
    (s) => {
      let t = s;
      if (!t.endsWith('=')) {
        if (t.length % 4 === 1) throw fail('base64url.decode', 'illegal base64url string');
        if (t.length % 4 === 2) t += '==';
        else if (t.length % 4 === 3) t += '=';
      }
      return decodeOrFail('base64url.decode', t, URL);
    },
    'string',
    'Decodes URL-safe base64, padded or not.',
  ),
  strFn('hex.encode', (s) => Buffer.from(s, 'utf8').toString('hex'), 'string', 'Encodes the UTF-8 bytes of a string as lowercase hex.'),
  strFn('hex.decode', hexDecode, 'string', 'Decodes a hex string.'),
  strFn('urlquery.encode', queryEscape, 'string', 'Escapes a string for use in a URL query.'),
  strFn('urlquery.decode', (s) => queryUnescape('urlquery.decode', s), 'string', 'Unescapes a URL query string component.'),
  {
    name: 'urlquery.encode_object',
    args: ['object'],
    result: 'string',
    fn: encodeObject,
    description: 'Encodes an object of strings (or arrays or sets of strings) as a URL query, keys sorted.',
    category: 'encoding',
  },
  strFn('urlquery.decode_object', decodeObject, 'any', 'Decodes a URL query into an object of arrays of strings.'),
];

