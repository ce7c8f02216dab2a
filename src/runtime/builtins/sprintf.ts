// sprintf with Go's fmt semantics, as OPA calls fmt.Sprintf: integral numbers are Go ints
// (big.Int past int64), other numbers float64, strings strings, and every other value is
// passed as its Rego text. Mismatched verbs print Go's "%!d(string=x)" markers.

import { toRegoString, type Value } from '../value.js';
import { arr, str } from './operands.js';
import { formatFloat, formatFloatB, formatFloatX } from './go-float.js';
import type { Builtin } from './types.js';

type Arg =
  | { kind: 'int'; v: bigint }
  | { kind: 'big'; v: bigint }
  | { kind: 'float'; v: number }
  | { kind: 'string'; v: string };

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const MAX_WIDTH = 1_000_000;

function toArg(x: Value): Arg {
  if (typeof x === 'number') {
    if (Number.isInteger(x) && Math.abs(x) < 1e21) {
      const b = BigInt(x);
      return b >= INT64_MIN && b <= INT64_MAX ? { kind: 'int', v: b } : { kind: 'big', v: b };
    }
    return { kind: 'float', v: x };
  }
  if (typeof x === 'string') return { kind: 'string', v: x };
  return { kind: 'string', v: toRegoString(x) };
}

const TYPE_NAME: Record<Arg['kind'], string> = { int: 'int', big: '*big.Int', float: 'float64', string: 'string' };

interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  wid: number | undefined;
  prec: number | undefined;
}

function runeLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, f: Spec, zero = f.zero): string {
  if (f.wid === undefined) return s;
  const n = f.wid - runeLen(s);
  if (n <= 0) return s;
  if (f.minus) return s + ' '.repeat(n);
  return (zero ? '0' : ' ').repeat(n) + s;
}

function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  return !/[\p{C}\p{Z}]/u.test(String.fromCodePoint(cp));
}

const ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** strconv.Quote (ascii: QuoteToASCII). */
function quote(s: string, q = '"', ascii = false): string {
  let out = q;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (cp < 0x80 && isPrint(cp)) out += ch;
    else if (!ascii && cp >= 0x80 && isPrint(cp) && !(cp >= 0xd800 && cp <= 0xdfff)) out += ch;
    else {
      const esc = ESCAPES[cp];
      if (esc) out += esc;
      else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
      else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
      else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
      else out += '\\U' + cp.toString(16).padStart(8, '0');
    }
  }
  return out + q;
}

function fmtInteger(v: bigint, base: number, verb: string, f: Spec): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let prec = 0;
  if (f.prec !== undefined) {
    prec = f.prec;
    if (prec === 0 && abs === 0n) return pad('', f, false);
  } else if (f.zero && !f.minus && f.wid !== undefined) {
    prec = f.wid;
    if (neg || f.plus || f.space) prec--;
  }
  let digits = abs.toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  digits = digits.padStart(prec, '0');
  if (f.sharp) {
    if (base === 2) digits = '0b' + digits;
    else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
    else if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
  }
  if (verb === 'O') digits = '0o' + digits;
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + digits, f, false);
}

function fmtFloat(v: number, verb: string, f: Spec): string {
  const goVerb = verb === 'v' ? 'g' : verb;
  let num =
    goVerb === 'b'
      ? formatFloatB(v)
      : goVerb === 'x' || goVerb === 'X'
        ? formatFloatX(v, goVerb, f.prec ?? -1)
        : formatFloat(v, goVerb, f.prec ?? (goVerb === 'g' || goVerb === 'G' ? -1 : 6));
  let sign = '';
  if (num.startsWith('-')) {
    sign = '-';
    num = num.slice(1);
  } else if (f.plus) sign = '+';
  else if (f.space) sign = ' ';
  // With %v the # flag means Go syntax (sharpV), which leaves floats as they are.
  if (f.sharp && verb !== 'v' && goVerb !== 'b') num = sharpFloat(num, goVerb, f.prec);
  if (f.zero && !f.minus && f.wid !== undefined && f.wid > runeLen(sign + num)) {
    return sign + '0'.repeat(f.wid - runeLen(sign + num)) + num;
  }
  return pad(sign + num, f, false);
}

/** The # flag on floats: always a decimal point, and %g keeps its trailing zeros. */
function sharpFloat(num: string, verb: string, prec: number | undefined): string {
  // Go counts significant digits for these verbs only (not 'X').
  let digits = 'gGx'.includes(verb) ? (prec ?? 6) : 0;
  let tail = '';
  let body = num;
  const cut = verb === 'x' || verb === 'X' ? body.search(/[pP]/) : body.search(/[eE]/);
  if (cut >= 0) {
    tail = body.slice(cut);
    body = body.slice(0, cut);
  }
  let sawNonzero = false;
  for (const ch of body) {
    if (ch === '.') continue;
    if (ch !== '0') sawNonzero = true;
    if (sawNonzero) digits--;
  }
  if (!body.includes('.')) {
    if (body === '0') digits--;
    body += '.';
  }
  return body + '0'.repeat(Math.max(digits, 0)) + tail;
}

function truncate(s: string, f: Spec): string {
  if (f.prec === undefined) return s;
  return Array.from(s).slice(0, f.prec).join('');
}

function hexString(s: string, verb: string, f: Spec): string {
  let bytes = [...new TextEncoder().encode(s)];
  if (f.prec !== undefined) bytes = bytes.slice(0, f.prec);
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).map((h) => (verb === 'X' ? h.toUpperCase() : h));
  const prefix = f.sharp ? (verb === 'X' ? '0X' : '0x') : '';
  const out = f.space ? hex.map((h) => prefix + h).join(' ') : prefix + hex.join('');
  return pad(out, f);
}

function badVerb(verb: string, a: Arg): string {
  return `%!${verb}(${a.kind === 'big' ? 'big.Int' : TYPE_NAME[a.kind]}=${plain(a)})`;
}

/** An argument as %v prints it. */
function plain(a: Arg): string {
  if (a.kind === 'float') return formatFloat(a.v, 'g', -1);
  return a.kind === 'string' ? a.v : a.v.toString();
}

function formatArg(a: Arg, verb: string, f: Spec): string {
  if (verb === 'T') return pad(TYPE_NAME[a.kind], f);
  switch (a.kind) {
    case 'int':
    case 'big': {
      const bases: Record<string, number> = { d: 10, v: 10, b: 2, o: 8, O: 8, x: 16, X: 16 };
      if (a.kind === 'big' && verb === 's') return fmtInteger(a.v, 10, verb, f);
      if (bases[verb] !== undefined) return fmtInteger(a.v, bases[verb]!, verb, f);
      if (a.kind === 'int' && (verb === 'c' || verb === 'q' || verb === 'U')) {
        const cp = a.v < 0n || a.v > 0x10ffffn ? 0xfffd : Number(a.v);
        const ch = cp >= 0xd800 && cp <= 0xdfff ? '\ufffd' : String.fromCodePoint(cp);
        if (verb === 'c') return pad(ch, f);
        if (verb === 'q') return pad(quote(ch, "'", f.plus), f);
        let u = 'U+' + cp.toString(16).toUpperCase().padStart(Math.max(4, f.prec ?? 0), '0');
        if (f.sharp && isPrint(cp)) u += ` '${ch}'`;
        return pad(u, f);
      }
      return badVerb(verb, a);
    }
    case 'float':
      if ('bxXeEfFgGv'.includes(verb)) return fmtFloat(a.v, verb, f);
      return badVerb(verb, a);
    case 'string':
      if (verb === 's' || verb === 'v') return pad(verb === 'v' && f.sharp ? quote(a.v) : truncate(a.v, f), f);
      if (verb === 'q') {
        const s = truncate(a.v, f);
        if (f.sharp && !/[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(s)) return pad('`' + s + '`', f);
        return pad(quote(s, '"', f.plus), f);
      }
      if (verb === 'x' || verb === 'X') return hexString(a.v, verb, f);
      return badVerb(verb, a);
  }
}

/** Go's fmt.Sprintf over already-converted arguments. */
export function goSprintf(format: string, args: readonly Arg[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  const n = format.length;
  let i = 0;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Spec = { plus: false, minus: false, sharp: false, space: false, zero: false, wid: undefined, prec: undefined };
    flags: for (; i < n; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = true;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    let goodArgNum = true;
    const argIndex = (): void => {
      if (format[i] !== '[') return;
      reordered = true;
      const close = format.indexOf(']', i);
      const idx = close > 0 ? format.slice(i + 1, close) : '';
      if (close < 0 || !/^\d+$/.test(idx) || Number(idx) < 1 || Number(idx) > args.length) {
        goodArgNum = false;
        i = close < 0 ? i + 1 : close + 1;
        return;
      }
      argNum = Number(idx) - 1;
      i = close + 1;
    };
    const number = (): number | 'bad' | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argNum++];
        if (a === undefined || a.kind !== 'int' || a.v > BigInt(MAX_WIDTH) || a.v < -BigInt(MAX_WIDTH)) return 'bad';
        return Number(a.v);
      }
      // Go's parsenum: a run of digits past 1e6 swallows the rest of the format.
      let v = 0;
      let digits = 0;
      while (i < n && format[i]! >= '0' && format[i]! <= '9') {
        if (v > MAX_WIDTH) {
          i = n;
          return undefined;
        }
        v = v * 10 + (format.charCodeAt(i) - 48);
        digits++;
        i++;
      }
      return digits > 0 ? v : undefined;
    };
    argIndex();
    const w = number();
    if (w === 'bad') out += '%!(BADWIDTH)';
    else if (w !== undefined) {
      f.wid = Math.abs(w);
      if (w < 0) f.minus = true;
    }
    if (format[i] === '.') {
      i++;
      argIndex();
      const p = number();
      if (p === 'bad' || (typeof p === 'number' && p < 0)) out += '%!(BADPREC)';
      else f.prec = p ?? 0;
    }
    argIndex();
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    const a = args[argNum];
    if (a === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    argNum++;
    f.zero = f.zero && !f.minus;
    out += formatArg(a, verb, f);
  }
  if (!reordered && argNum < args.length) {
    out += '%!(EXTRA ' + args.slice(argNum).map((a) => `${TYPE_NAME[a.kind]}=${plain(a)}`).join(', ') + ')';
  }
  return out;
}

export const builtins: Builtin[] = [
  {
    name: 'sprintf',
    args: ['string', 'array'],
    result: 'string',
    fn: (args) => goSprintf(str('sprintf', args, 1), arr('sprintf', args, 2).map(toArg)),
    description: 'Formats values with Go fmt verbs (%s, %v, %d, %f, %.2f, %x, %q, ...); composite values print in Rego syntax.',
    category: 'strings',
  },
];
