// units.parse and units.parse_bytes, computed exactly on decimal digits (BigInt) so that
// "1.1K" is 1100 and "1m" is 0.001, as OPA's rational arithmetic gives.

import { fail, str } from './operands.js';
import type { Builtin } from './types.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MAX_EXPONENT_DIGITS = 6;
/** Beyond this decimal exponent a float64 is infinite or zero anyway. */
const EXP_LIMIT = 400;

interface Decimal {
  /** value = m × 10^e */
  m: bigint;
  e: number;
}

/** Splits "10.5Ki" into "10.5" and "Ki", as OPA does (digits, '.', exponent forms). */
function splitNumUnit(name: string, s: string): [string, string] {
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/[0-9.+-]/.test(c)) {
      i++;
      continue;
    }
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (next === undefined || !/[0-9+-]/.test(next)) break;
      let j = i + 1;
      if (next === '+' || next === '-') j++;
      let k = j;
      while (k < s.length && /[0-9]/.test(s[k]!)) k++;
      if (k - j > MAX_EXPONENT_DIGITS) throw fail(name, 'exponent too large');
      i = j;
      continue;
    }
    break;
  }
  return [s.slice(0, i), s.slice(i)];
}

function parseDecimal(s: string): Decimal | undefined {
  if (!NUMBER.test(s)) return undefined;
  const m = /^([+-]?)(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/.exec(s)!;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const e = Number(m[4] ?? 0) - (m[3] ?? '').length;
  const v = BigInt(digits === '' ? '0' : digits);
  return { m: m[1] === '-' ? -v : v, e };
}

function toNumber(name: string, d: Decimal): number {
  if (d.m === 0n) return 0;
  const digits = d.m < 0n ? (-d.m).toString() : d.m.toString();
  if (d.e + digits.length > EXP_LIMIT) throw fail(name, 'number too large');
  const n = Number(`${d.m}e${d.e}`);
  if (!Number.isFinite(n)) throw fail(name, 'number too large');
  return n === 0 ? 0 : n;
}

function pow10(e: number): bigint {
  return 10n ** BigInt(e);
}

const SI: Record<string, bigint> = { k: 1000n, m: 1000n ** 2n, g: 1000n ** 3n, t: 1000n ** 4n, p: 1000n ** 5n, e: 1000n ** 6n };
const BINARY: Record<string, bigint> = { ki: 1n << 10n, mi: 1n << 20n, gi: 1n << 30n, ti: 1n << 40n, pi: 1n << 50n, ei: 1n << 60n };

function parseUnits(raw: string): number {
  const name = 'units.parse';
  const s = raw.replaceAll('"', '');
  if (s.includes(' ')) throw fail(name, 'spaces not allowed in resource strings');
  const [numText, unitText] = splitNumUnit(name, s);
  if (numText === '') throw fail(name, 'no amount provided');
  // Only the first letter keeps its case: "m" is milli, "M" mega, "Mi"/"mi" mebi.
  const unit = unitText.length > 1 ? unitText[0] + unitText.slice(1).toLowerCase() : unitText;
  let factor: bigint;
  let shift = 0;
  if (unit === 'm') {
    factor = 1n;
    shift = -3;
  } else if (unit === '') factor = 1n;
  else if (unit === 'M') factor = SI.m!;
  else if (/^[kKgGtTpPeE]$/.test(unit)) factor = SI[unit.toLowerCase()]!;
  else if (/^[kKmMgGtTpPeE]i$/.test(unit)) factor = BINARY[unit.toLowerCase()]!;
  else throw fail(name, `unit ${unit} not recognized`);
  const d = parseDecimal(numText);
  if (!d) throw fail(name, 'could not parse amount to a number');
  let r: Decimal = { m: d.m * factor, e: d.e + shift };
  // OPA prints fractions with 10 decimals: round half away from zero there.
  if (r.e < -10 && -10 - r.e > EXP_LIMIT + r.m.toString().length) {
    r = { m: 0n, e: 0 };
  } else if (r.e < -10) {
    const div = pow10(-10 - r.e);
    const q = r.m / div;
    const rem = r.m % div;
    const twice = (rem < 0n ? -rem : rem) * 2n;
    r = { m: twice >= div ? q + (r.m < 0n ? -1n : 1n) : q, e: -10 };
  }
  return toNumber(name, r);
}

function parseBytes(raw: string): number {
  const name = 'units.parse_bytes';
  const s = raw.toLowerCase().replaceAll('"', '');
  if (s.includes(' ')) throw fail(name, 'spaces not allowed in resource strings');
  const [numText, unit] = splitNumUnit(name, s);
  if (numText === '') throw fail(name, 'no byte amount provided');
  let factor: bigint;
  if (unit === '') factor = 1n;
  else if (/^[kmgtpe]b?$/.test(unit)) factor = SI[unit[0]!]!;
  else if (/^[kmgtpe]ib?$/.test(unit)) factor = BINARY[unit.slice(0, 2)]!;
  else throw fail(name, `byte unit ${unit} not recognized`);
  const d = parseDecimal(numText);
  if (!d) throw fail(name, 'could not parse byte amount to a number');
  const m = d.m * factor;
  if (d.e >= 0) return toNumber(name, { m, e: d.e });
  // Whole bytes: truncate toward zero.
  if (-d.e > EXP_LIMIT) return 0;
  return toNumber(name, { m: m / pow10(-d.e), e: 0 });
}

export const builtins: Builtin[] = [
  {
    name: 'units.parse',
    args: ['string'],
    result: 'number',
    fn: (args) => parseUnits(str('units.parse', args, 1)),
    description: 'Parses a quantity with a decimal (k, M, G, ..., m for milli) or binary (Ki, Mi, ...) suffix.',
    category: 'units',
  },
  {
    name: 'units.parse_bytes',
    args: ['string'],
    result: 'number',
    fn: (args) => parseBytes(str('units.parse_bytes', args, 1)),
    description: 'Parses a byte size such as "10KB", "1.5GiB" or "512" into a whole number of bytes.',
    category: 'units',
  },
];
