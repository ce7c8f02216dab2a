// String functions. Rego indexes strings by code point (Go runes), JS by UTF-16 unit:
// every index and length below is converted, and case mapping is done per code point
// (Go's simple case mapping, not JS's context-sensitive full mapping).

import { RSet, type Value } from '../value.js';
import { fail, int, num, obj, operandError, str, stringsOf, typeError } from './operands.js';
import { runeCount } from './aggregates.js';
import type { Builtin } from './types.js';

const ASCII = /^[\x00-\x7f]*$/;

function isAscii(s: string): boolean {
  return ASCII.test(s);
}

/** Code-point index of the UTF-16 index i in s. */
function runeIndex(s: string, i: number): number {
  return i < 0 ? -1 : runeCount(s.slice(0, i));
}

function mapCase(s: string, upper: boolean): string {
  if (isAscii(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const m = upper ? ch.toUpperCase() : ch.toLowerCase();
    // Multi-character full mappings (ß → SS) have no simple mapping in Go, except İ → i.
    if ([...m].length === 1) out += m;
    else out += ch === '\u0130' ? 'i' : ch;
  }
  return out;
}

/** Go's unicode.IsSpace. */
function isSpace(c: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(c);
}

function trimWith(s: string, drop: (c: string) => boolean, left: boolean, right: boolean): string {
  const cs = Array.from(s);
  let a = 0;
  let b = cs.length;
  if (left) while (a < b && drop(cs[a]!)) a++;
  if (right) while (b > a && drop(cs[b - 1]!)) b--;
  return a === 0 && b === cs.length ? s : cs.slice(a, b).join('');
}

function cutset(c: string): (ch: string) => boolean {
  const set = new Set(Array.from(c));
  return (ch) => set.has(ch);
}

/** Go's strings.SplitN for n > 0; an empty separator splits into code points. */
function splitN(s: string, sep: string, n: number): string[] {
  if (sep === '') {
    const cs = Array.from(s);
    if (cs.length <= n) return cs;
    return [...cs.slice(0, n - 1), cs.slice(n - 1).join('')];
  }
  const out: string[] = [];
  let start = 0;
  while (out.length < n - 1) {
    const i = s.indexOf(sep, start);
    if (i < 0) break;
    out.push(s.slice(start, i));
    start = i + sep.length;
  }
  out.push(s.slice(start));
  return out;
}

function split(s: string, sep: string): string[] {
  return sep === '' ? Array.from(s) : s.split(sep);
}

function indexesOf(name: string, args: readonly Value[], all: boolean): Value {
  const s = str(name, args, 1);
  const sub = str(name, args, 2);
  if (sub === '') throw fail(name, 'empty search character');
  if (!all) return runeIndex(s, s.indexOf(sub));
  const out: number[] = [];
  // Overlapping matches, as OPA scans every code point; rune indexes counted incrementally.
  let last = 0;
  let runes = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
    runes += runeCount(s.slice(last, i));
    last = i;
    out.push(runes);
  }
  return out;
}

function substring(args: readonly Value[]): string {
  const s = str('substring', args, 1);
  const start = int('substring', args, 2);
  const length = int('substring', args, 3);
  if (start < 0) throw fail('substring', 'negative offset');
  const cs = isAscii(s) ? s : Array.from(s);
  if (start >= cs.length) return '';
  const end = length < 0 ? cs.length : Math.min(cs.length, start + length);
  return typeof cs === 'string' ? cs.slice(start, end) : cs.slice(start, end).join('');
}

/**
 * Go's strings.Replacer: at each position the first pattern (in order) that matches wins.
 * An empty pattern matches between code points (Go: between bytes, which JS cannot hold).
 */
function replaceMany(s: string, pairs: Array<[string, string]>): string {
  let out = '';
  let i = 0;
  let prevEmpty = false;
  while (i <= s.length) {
    let hit: [string, string] | undefined;
    for (const p of pairs) {
      if (p[0] === '' && prevEmpty) continue;
      if (s.startsWith(p[0], i)) {
        hit = p;
        break;
      }
    }
    if (hit) {
      // After an empty match the next round retries here without the empty pattern.
      out += hit[1];
      prevEmpty = hit[0] === '';
      i += hit[0].length;
      continue;
    }
    prevEmpty = false;
    if (i === s.length) break;
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    out += s.slice(i, i + w);
    i += w;
  }
  return out;
}

function anyMatch(name: string, args: readonly Value[], test: (s: string, p: string) => boolean): boolean {
  const list = (pos: number): string[] => {
    const v = args[pos - 1]!;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) || v instanceof RSet) return stringsOf(name, v, pos);
    throw typeError(name, pos, v, 'string', 'set', 'array');
  };
  const strs = list(1);
  const pats = list(2);
  return strs.some((s) => pats.some((p) => test(s, p)));
}

function formatInt(args: readonly Value[]): string {
  const n = num('format_int', args, 1);
  const base = num('format_int', args, 2);
  if (base !== 2 && base !== 8 && base !== 10 && base !== 16) {
    throw operandError('format_int', 2, 'must be one of {2, 8, 10, 16}');
  }
  return BigInt(Math.trunc(n)).toString(base);
}

function concat(args: readonly Value[]): string {
  const sep = str('concat', args, 1);
  const coll = args[1]!;
  if (!Array.isArray(coll) && !(coll instanceof RSet)) throw typeError('concat', 2, coll, 'set', 'array');
  return stringsOf('concat', coll, 2).join(sep);
}

function replaceN(args: readonly Value[]): string {
  const patterns = obj('strings.replace_n', args, 1);
  const s = str('strings.replace_n', args, 2);
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of patterns.sortedEntries()) {
    if (typeof k !== 'string') throw operandError('strings.replace_n', 1, 'non-string key found in pattern object');
    if (typeof v !== 'string') throw operandError('strings.replace_n', 1, 'non-string value found in pattern object');
    pairs.push([k, v]);
  }
  return replaceMany(s, pairs);
}

function stringFn(
  name: string,
  arity: 1 | 2 | 3,
  f: (...xs: string[]) => Value,
  result: 'string' | 'boolean' | 'number' | 'array',
  description: string,
): Builtin {
  return {
    name,
    args: new Array(arity).fill('string'),
    result,
    // Fixed arities avoid an intermediate array on hot builtins (startswith, lower, ...).
    fn:
      arity === 1
        ? (args) => f(str(name, args, 1))
        : arity === 2
          ? (args) => f(str(name, args, 1), str(name, args, 2))
          : (args) => f(str(name, args, 1), str(name, args, 2), str(name, args, 3)),
    description,
    category: 'strings',
  };
}

export const builtins: Builtin[] = [
  {
    name: 'concat',
    args: ['string', 'array|set'],
    result: 'string',
    fn: concat,
    description: 'Joins an array (or sorted set) of strings with a delimiter.',
    category: 'strings',
  },
  stringFn('contains', 2, (s, sub) => s.includes(sub), 'boolean', 'Reports whether the string contains the substring.'),
  stringFn('startswith', 2, (s, p) => s.startsWith(p), 'boolean', 'Reports whether the string starts with the prefix.'),
  stringFn('endswith', 2, (s, p) => s.endsWith(p), 'boolean', 'Reports whether the string ends with the suffix.'),
  stringFn('lower', 1, (s) => mapCase(s, false), 'string', 'The string in lower case.'),
  stringFn('upper', 1, (s) => mapCase(s, true), 'string', 'The string in upper case.'),
  stringFn('split', 2, split, 'array', 'Splits a string at every delimiter (into characters when the delimiter is empty).'),
  {
    name: 'strings.split_n',
    args: ['string', 'string', 'number'],
    result: 'array',
    fn: (args) => {
      const s = str('strings.split_n', args, 1);
      const sep = str('strings.split_n', args, 2);
      const n = int('strings.split_n', args, 3);
      if (n === 0) return [];
      if (n > 0) return splitN(s, sep, n);
      const all = split(s, sep);
      return all.slice(Math.max(0, all.length + n));
    },
    description: 'Splits a string into at most n parts for n > 0 (the last holds the rest), the last |n| parts for n < 0, none for 0.',
    category: 'strings',
  },
  stringFn(
    'replace',
    3,
    (s, old, rep) => (old === '' ? replaceMany(s, [['', rep]]) : s.split(old).join(rep)),
    'string',
    'Replaces every non-overlapping occurrence of old with new.',
  ),
  {
    name: 'strings.replace_n',
    args: ['object', 'string'],
    result: 'string',
    fn: replaceN,
    description: 'Replaces every occurrence of each key of an object of strings with its value, in one pass.',
    category: 'strings',
  },
  stringFn('strings.reverse', 1, (s) => Array.from(s).reverse().join(''), 'string', 'The string with its characters reversed.'),
  stringFn(
    'strings.count',
    2,
    (s, sub) => (sub === '' ? runeCount(s) + 1 : s.split(sub).length - 1),
    'number',
    'Number of non-overlapping occurrences of a substring.',
  ),
  {
    name: 'strings.any_prefix_match',
    args: ['string|array|set', 'string|array|set'],
    result: 'boolean',
    fn: (args) => anyMatch('strings.any_prefix_match', args, (s, p) => s.startsWith(p)),
    description: 'Reports whether any of the strings starts with any of the prefixes.',
    category: 'strings',
  },
  {
    name: 'strings.any_suffix_match',
    args: ['string|array|set', 'string|array|set'],
    result: 'boolean',
    fn: (args) => anyMatch('strings.any_suffix_match', args, (s, p) => s.endsWith(p)),
    description: 'Reports whether any of the strings ends with any of the suffixes.',
    category: 'strings',
  },
  {
    name: 'indexof',
    args: ['string', 'string'],
    result: 'number',
    fn: (args) => indexesOf('indexof', args, false),
    description: 'Index (in characters) of the first occurrence of a substring, or -1.',
    category: 'strings',
  },
  {
    name: 'indexof_n',
    args: ['string', 'string'],
    result: 'array',
    fn: (args) => indexesOf('indexof_n', args, true),
    description: 'Indexes (in characters) of every occurrence of a substring.',
    category: 'strings',
  },
  {
    name: 'substring',
    args: ['string', 'number', 'number'],
    result: 'string',
    fn: substring,
    description: 'The part of a string from a character offset, of a given length (the rest when negative).',
    category: 'strings',
  },
  stringFn('trim', 2, (s, c) => trimWith(s, cutset(c), true, true), 'string', 'Removes leading and trailing characters in the cutset.'),
  stringFn('trim_left', 2, (s, c) => trimWith(s, cutset(c), true, false), 'string', 'Removes leading characters in the cutset.'),
  stringFn('trim_right', 2, (s, c) => trimWith(s, cutset(c), false, true), 'string', 'Removes trailing characters in the cutset.'),
  stringFn('trim_prefix', 2, (s, p) => (s.startsWith(p) ? s.slice(p.length) : s), 'string', 'Removes a prefix if present.'),
  stringFn(
    'trim_suffix',
    2,
    (s, p) => (p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s),
    'string',
    'Removes a suffix if present.',
  ),
  stringFn('trim_space', 1, (s) => trimWith(s, isSpace, true, true), 'string', 'Removes leading and trailing white space.'),
  {
    name: 'format_int',
    args: ['number', 'number'],
    result: 'string',
    fn: formatInt,
    description: 'Formats the integer part of a number in base 2, 8, 10 or 16.',
    category: 'strings',
  },
];
