// Regular expressions with RE2 semantics (re2js: linear time, Go syntax). Positions from
// re2js are UTF-16 indexes into JS strings, so slicing them is direct. Iteration follows
// Go's regexp package (FindAll, Split, ReplaceAll), which OPA calls.

import { RE2JS } from 're2js';
import type { Value } from '../value.js';
import { fail, int, str } from './operands.js';
import type { Builtin } from './types.js';

/** The parts of re2js's RE2 object used here (its typings say `any`). */
interface RE2 {
  numberOfCapturingGroups(): number;
  namedGroups: Record<string, number>;
  findAllIndex(s: string, n: number): number[][] | null;
  findAllSubmatchIndex(s: string, n: number): number[][] | null;
}

interface Compiled {
  pattern: RE2JS;
  re: RE2;
}

const CACHE_MAX = 256;
const cache = new Map<string, Compiled>();

/** Compiles with a bounded module-level cache (oldest entry evicted first). */
export function compileRegex(name: string, pattern: string): Compiled {
  const hit = cache.get(pattern);
  if (hit) {
    cache.delete(pattern);
    cache.set(pattern, hit);
    return hit;
  }
  let pat: RE2JS;
  try {
    pat = RE2JS.compile(pattern);
  } catch (e) {
    throw fail(name, e instanceof Error ? e.message : String(e));
  }
  const c = { pattern: pat, re: pat.re2Input as unknown as RE2 };
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(pattern, c);
  return c;
}

function isValid(pattern: string): boolean {
  try {
    RE2JS.compile(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Go: n < 0 means all matches. */
function limit(n: number): number {
  return n < 0 ? -1 : n;
}

function findAll(c: Compiled, s: string, n: number): number[][] {
  if (n === 0) return [];
  return c.re.findAllIndex(s, limit(n)) ?? [];
}

function split(c: Compiled, pattern: string, s: string): string[] {
  if (pattern.length > 0 && s.length === 0) return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const [a, b] of findAll(c, s, -1)) {
    end = a!;
    if (b !== 0) out.push(s.slice(beg, end));
    beg = b!;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$. */
function expand(template: string, s: string, m: readonly number[], names: Record<string, number>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) break;
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const brace = template[i] === '{';
    const start = brace ? i + 1 : i;
    let j = start;
    while (j < template.length && /[\p{L}\p{Nd}_]/u.test(template[j]!)) j++;
    if (j === start || (brace && template[j] !== '}')) {
      out += '$';
      continue;
    }
    const ref = template.slice(start, j);
    i = brace ? j + 1 : j;
    let group = -1;
    if (/^\d+$/.test(ref) && !(ref.length > 1 && ref[0] === '0')) group = Number(ref);
    else if (Object.prototype.hasOwnProperty.call(names, ref)) group = names[ref]!;
    if (group >= 0 && 2 * group + 1 < m.length && m[2 * group]! >= 0) out += s.slice(m[2 * group], m[2 * group + 1]);
  }
  return out + template.slice(i);
}

/** Go's ReplaceAllString: an empty match right after a match is not replaced. */
function replaceAll(c: Compiled, s: string, template: string): string {
  const matches = c.re.findAllSubmatchIndex(s, -1) ?? [];
  let out = '';
  let last = 0;
  for (const m of matches) {
    out += s.slice(last, m[0]) + expand(template, s, m, c.re.namedGroups);
    last = m[1]!;
  }
  return out + s.slice(last);
}

function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function templateMatch(args: readonly Value[]): boolean {
  const name = 'regex.template_match';
  const tpl = str(name, args, 1);
  const value = str(name, args, 2);
  const open = str(name, args, 3);
  const close = str(name, args, 4);
  if (open.length !== 1) throw fail(name, `start delimiter has to be exactly one character long but is ${open.length} long`);
  if (close.length !== 1) throw fail(name, `end delimiter has to be exactly one character long but is ${close.length} long`);
  let pattern = '^';
  let level = 0;
  let last = 0;
  let from = 0;
  for (let i = 0; i < tpl.length; i++) {
    if (tpl[i] === open) {
      if (++level === 1) from = i;
    } else if (tpl[i] === close) {
      if (--level === 0) {
        const inner = tpl.slice(from + 1, i);
        compileRegex(name, `^${inner}$`);
        pattern += `${quoteMeta(tpl.slice(last, from))}(${inner})`;
        last = i + 1;
      } else if (level < 0) {
        throw fail(name, `unbalanced braces in ${JSON.stringify(tpl)}`);
      }
    }
  }
  if (level !== 0) throw fail(name, `unbalanced braces in ${JSON.stringify(tpl)}`);
  pattern += `${quoteMeta(tpl.slice(last))}$`;
  return compileRegex(name, pattern).pattern.test(value);
}

export const builtins: Builtin[] = [
  {
    name: 'regex.match',
    args: ['string', 'string'],
    result: 'boolean',
    fn: (args) => compileRegex('regex.match', str('regex.match', args, 1)).pattern.test(str('regex.match', args, 2)),
    description: 'Reports whether the pattern (RE2 syntax) matches anywhere in the string.',
    category: 'regex',
  },
  {
    name: 'regex.is_valid',
    args: ['any'],
    result: 'boolean',
    fn: ([p]) => typeof p === 'string' && isValid(p),
    description: 'Reports whether a string is a valid RE2 pattern.',
    category: 'regex',
  },
  {
    name: 'regex.split',
    args: ['string', 'string'],
    result: 'array',
    fn: (args) => {
      const p = str('regex.split', args, 1);
      return split(compileRegex('regex.split', p), p, str('regex.split', args, 2));
    },
    description: 'Splits a string at every match of the pattern.',
    category: 'regex',
  },
  {
    name: 'regex.find_n',
    args: ['string', 'string', 'number'],
    result: 'array',
    fn: (args) => {
      const c = compileRegex('regex.find_n', str('regex.find_n', args, 1));
      const s = str('regex.find_n', args, 2);
      return findAll(c, s, int('regex.find_n', args, 3)).map(([a, b]) => s.slice(a, b));
    },
    description: 'The first n matches of the pattern in the string (all when n is -1).',
    category: 'regex',
  },
  {
    name: 'regex.find_all_string_submatch_n',
    args: ['string', 'string', 'number'],
    result: 'array',
    fn: (args) => {
      const name = 'regex.find_all_string_submatch_n';
      const c = compileRegex(name, str(name, args, 1));
      const s = str(name, args, 2);
      const n = int(name, args, 3);
      if (n === 0) return [];
      const ms = c.re.findAllSubmatchIndex(s, limit(n)) ?? [];
      return ms.map((m) => {
        const groups: string[] = [];
        for (let g = 0; 2 * g + 1 < m.length; g++) groups.push(m[2 * g]! >= 0 ? s.slice(m[2 * g], m[2 * g + 1]) : '');
        return groups;
      });
    },
    description: 'The first n matches (all when n is -1), each as the match followed by its capture groups.',
    category: 'regex',
  },
  {
    name: 'regex.replace',
    args: ['string', 'string', 'string'],
    result: 'string',
    fn: (args) => {
      const s = str('regex.replace', args, 1);
      const c = compileRegex('regex.replace', str('regex.replace', args, 2));
      return replaceAll(c, s, str('regex.replace', args, 3));
    },
    description: 'Replaces every match of the pattern; $1 or ${name} in the replacement insert capture groups.',
    category: 'regex',
  },
  {
    name: 'regex.template_match',
    args: ['string', 'string', 'string', 'string'],
    result: 'boolean',
    fn: templateMatch,
    description: 'Matches a string against a template whose delimited parts are patterns and the rest literal text.',
    category: 'regex',
  },
];
