// Checks a raw pattern match must pass to count: checksums (Luhn, mod-97), format
// rules a regular expression states badly (SSN ranges, IBAN lengths), and entropy.
// Each is pure and total: any string in, a boolean out, never an exception.

/** A check on the matched value; `text`, `start`, `end` give its surroundings. */
export type Check = (value: string, text: string, start: number, end: number) => boolean;

/** A validator a declaration names: `validate luhn`, `validate entropy(3.5)`. */
export interface ValidatorSpec {
  name: string;
  /** the argument's meaning, for `entropy(N)`; absent when it takes none */
  arg?: { name: string; min: number; max: number };
  make(arg?: number): Check;
  description: string;
}

function digitsOf(value: string): string {
  let d = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) d += value[i];
  }
  return d;
}

/** The Luhn checksum over the digits of `value` (separators ignored). */
export function luhn(value: string): boolean {
  const d = digitsOf(value);
  if (d.length < 2) return false;
  let sum = 0;
  for (let i = d.length - 1, dbl = false; i >= 0; i--, dbl = !dbl) {
    let x = d.charCodeAt(i) - 48;
    if (dbl) {
      x *= 2;
      if (x > 9) x -= 9;
    }
    sum += x;
  }
  return sum % 10 === 0;
}

/** IBAN length by country (ISO 13616 registry). */
export const IBAN_LENGTH: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/**
 * An IBAN: known country, that country's length, mod-97 == 1. Spaces are allowed only
 * as the printed grouping (every four characters).
 */
export function iban(value: string): boolean {
  if (value.includes(' ') && !/^[A-Z0-9]{4}(?: [A-Z0-9]{4})*(?: [A-Z0-9]{1,4})?$/.test(value)) return false;
  const s = value.replace(/ /g, '');
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(s)) return false;
  if (IBAN_LENGTH[s.slice(0, 2)] !== s.length) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < moved.length; i++) {
    const c = moved.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 55;
    rem = (v > 9 ? rem * 100 + v : rem * 10 + v) % 97;
  }
  return rem === 1;
}

/** US SSN format rules: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export function ssn(value: string): boolean {
  const d = digitsOf(value);
  if (d.length !== 9) return false;
  const area = d.slice(0, 3);
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (d.slice(3, 5) === '00' || d.slice(5) === '0000') return false;
  // numbers published as examples, never issued
  return d !== '078051120' && d !== '219099999' && d !== '123456789';
}

/** Shannon entropy of the value in bits per character. */
export function entropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...value].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

function base64UrlDecode(s: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined;
  try {
    return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

/** A JWT: three base64url parts whose header decodes to a JSON object with "alg". */
export function jwt(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3) return false;
  const header = base64UrlDecode(parts[0]!);
  const payload = base64UrlDecode(parts[1]!);
  if (header === undefined || payload === undefined) return false;
  try {
    const h: unknown = JSON.parse(header);
    const p: unknown = JSON.parse(payload);
    return typeof h === 'object' && h !== null && !Array.isArray(h) && typeof (h as Record<string, unknown>).alg === 'string' && typeof p === 'object' && p !== null;
  } catch {
    return false;
  }
}

/** Card brands by IIN prefix and the lengths they issue. */
const CARD_BRANDS: Array<{ prefix: RegExp; lengths: number[] }> = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(?:5[1-5]|2(?:2(?:2[1-9]|[3-9]\d)|[3-6]\d\d|7(?:[01]\d|20)))/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^(?:6011|64[4-9]|65)/, lengths: [16, 17, 18, 19] }, // Discover
  { prefix: /^35(?:2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^(?:30[0-5]|309|36|3[89])/, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // UnionPay
  { prefix: /^(?:50|5[6-9]|6[0-9])/, lengths: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
];

/**
 * A payment card number: a known issuer prefix with one of its lengths, the Luhn
 * checksum, and separators (if any) used consistently between digit groups.
 */
export function creditCard(value: string): boolean {
  const d = digitsOf(value);
  const seps = value.replace(/[0-9]/g, '');
  if (seps.length > 0) {
    if (new Set(seps).size !== 1) return false;
    const groups = value.split(seps[0]!);
    if (groups.length < 3 || groups.some((g) => g.length < 3 || g.length > 6)) return false;
  }
  if (/^(\d)\1+$/.test(d)) return false;
  return CARD_BRANDS.some((b) => b.prefix.test(d) && b.lengths.includes(d.length)) && luhn(d);
}

/**
 * A phone number: E.164 length (8-15 digits) when written with `+`, otherwise a NANP
 * number (10 digits, or 11 with a leading 1) whose area code and exchange start 2-9.
 * Separators are required, so a bare run of digits (an id) is not a phone number.
 */
export function phone(value: string): boolean {
  const d = digitsOf(value);
  const intl = value.startsWith('+');
  if (!/[ .()-]/.test(value) && !(intl && d.length >= 10)) return false;
  if (intl && !d.startsWith('1')) return d.length >= 8 && d.length <= 15;
  const n = d.length === 11 && d[0] === '1' ? d.slice(1) : d;
  if (n.length !== 10 || n[0]! < '2' || n[3]! < '2') return false;
  // N11 codes (411, 911) are services; one digit repeated is a placeholder
  return n.slice(1, 3) !== '11' && !/^(\d)\1+$/.test(n.slice(3));
}

/** An IPv4 address without leading zeros in any octet. */
export function ipv4(value: string): boolean {
  let parts = 0;
  let octet = 0;
  let len = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 46;
    if (c === 46) {
      if (len === 0 || octet > 255 || (len > 1 && value.charCodeAt(i - len) === 48)) return false;
      parts++;
      octet = 0;
      len = 0;
    } else if (c >= 48 && c <= 57 && len < 3) {
      octet = octet * 10 + (c - 48);
      len++;
    } else return false;
  }
  return parts === 4;
}

/** An IPv6 address (RFC 4291 text forms, with an optional embedded IPv4 tail). */
export function ipv6(value: string): boolean {
  let s = value;
  let tail = 0;
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    if (!ipv4(v4[1]!)) return false;
    s = s.slice(0, s.length - v4[1]!.length) + '0:0';
    tail = 2;
  }
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...left, ...right];
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  if (halves.length === 1) return all.length === 8;
  if (all.length > 7) return false;
  // `Foo::Bar` and `a::b` in code are not addresses: a compressed address shows at
  // least three groups, or is a well-known short form (::, ::1, fe80::1, ...)
  if (tail === 0 && all.length < 3 && !(all.length <= 1 || (left[0]?.length ?? 0) >= 3)) return false;
  return all.length > 0;
}

/** True unless the value is a UUID or a bare hex digest (git SHA, MD5, SHA-1/256/512). */
export function notHashOrUuid(value: string): boolean {
  if (/^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(value)) return false;
  return !(/^[0-9a-fA-F]+$/.test(value) && [32, 40, 56, 64, 96, 128].includes(value.length));
}

/** The validators a classifier declaration may name, by name. */
export const VALIDATORS: ReadonlyMap<string, ValidatorSpec> = new Map(
  (
    [
      { name: 'luhn', make: () => (v: string) => luhn(v), description: 'the Luhn checksum over the digits' },
      { name: 'credit_card', make: () => (v: string) => creditCard(v), description: 'a known card issuer prefix and length, and the Luhn checksum' },
      { name: 'iban', make: () => (v: string) => iban(v), description: "the country's IBAN length and the mod-97 checksum" },
      { name: 'ssn', make: () => (v: string) => ssn(v), description: 'US SSN rules: no 000, 666 or 9xx area, no 00 group, no 0000 serial' },
      {
        name: 'entropy',
        arg: { name: 'bits per character', min: 0, max: 16 },
        make: (min = 3.5) => (v: string) => entropy(v) >= min,
        description: 'Shannon entropy of at least N bits per character',
      },
      { name: 'jwt', make: () => (v: string) => jwt(v), description: 'a JWT whose header decodes to JSON with "alg"' },
      { name: 'phone', make: () => (v: string) => phone(v), description: 'a plausible phone number (E.164 length, NANP rules)' },
      { name: 'ipv4', make: () => (v: string) => ipv4(v), description: 'an IPv4 address with octets 0-255 and no leading zeros' },
      { name: 'ipv6', make: () => (v: string) => ipv6(v), description: 'an IPv6 address' },
      { name: 'not_hash', make: () => (v: string) => notHashOrUuid(v), description: 'not a UUID or a hex digest (git SHA, MD5, SHA-256)' },
    ] satisfies ValidatorSpec[]
  ).map((v) => [v.name, v]),
);
