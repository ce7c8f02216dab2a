import type { QuotaSpec, QuotaUnit } from './types.js';

// The `quota` entries of a decision document, checked and normalised. The checker
// (src/lang/check/decisions.ts) catches what a policy's source shows; this is the
// run-time check of what the evaluation produced. A malformed entry refuses the
// request (fail closed) with an error naming the entry and the field to fix.

/** Windows shorter than this would make slots of a few ms: more bookkeeping than budget. */
export const MIN_WINDOW_MS = 1000;
/** A leap year: a yearly budget fits, nothing longer is a budget any more. */
export const MAX_WINDOW_MS = 366 * 86_400_000;
/** Names go into `RateLimit-Policy` headers as structured-field strings: printable ASCII. */
export const MAX_NAME_LENGTH = 128;
/** A key names who shares a budget (a user id, a team); anything longer is a policy bug. */
export const MAX_KEY_LENGTH = 1024;
/** Every entry is a counter read and written per request, in one atomic step. */
export const MAX_QUOTAS_PER_DECISION = 32;
/** How deep a non-string key may nest. */
const MAX_KEY_DEPTH = 32;

export class QuotaSpecError extends Error {
  readonly code = 'quota_spec_error';
  constructor(
    /** the entry's index in the decision's quota set (-1: the set as a whole) */
    readonly index: number,
    /** the offending field, when one is to blame */
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'QuotaSpecError';
  }
}

const DURATION_PART = /(\d+)(?:\.(\d+))?(ns|us|µs|μs|ms|s|m|h|d)/gy;
const NS_PER: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
};

/**
 * A window as written in a policy, in ms: one or more <number><unit> (`30s`, `1h30m`,
 * `1.5h`, `30d`; units ns, us, ms, s, m, h, d). Returns why not when it is not one.
 */
export function parseWindow(text: string): { ok: true; ms: number } | { ok: false; reason: string } {
  const bad = { ok: false as const, reason: 'must be a duration like "1m", "24h", "30d" or "1h30m" (units ns, us, ms, s, m, h, d)' };
  if (text.length === 0 || text.length > 64) return bad;
  let ns = 0n;
  let at = 0;
  DURATION_PART.lastIndex = 0;
  for (let m = DURATION_PART.exec(text); m; m = DURATION_PART.exec(text)) {
    const unit = NS_PER[m[3]!]!;
    const frac = m[2] ?? '';
    ns += BigInt(m[1]!) * unit + (frac === '' ? 0n : (BigInt(frac) * unit) / 10n ** BigInt(frac.length));
    at = DURATION_PART.lastIndex;
  }
  if (at !== text.length) return bad;
  if (ns % 1_000_000n !== 0n) return { ok: false, reason: 'must be a whole number of milliseconds' };
  if (ns < BigInt(MIN_WINDOW_MS) * 1_000_000n) return { ok: false, reason: 'must be at least 1s' };
  if (ns > BigInt(MAX_WINDOW_MS) * 1_000_000n) return { ok: false, reason: 'must be at most 366d' };
  return { ok: true, ms: Number(ns / 1_000_000n) };
}

const FORMAT_UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** 86400000 → "1d", 5400000 → "1h30m": a window as people write it, for listings and messages. */
export function formatWindow(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0) return `${ms}ms`;
  let rest = ms;
  let out = '';
  for (const [unit, size] of FORMAT_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

/**
 * A key as a string: strings as they are, any other JSON value as canonical JSON
 * (object keys sorted by code point, no whitespace), so `{"team": "a", "tier": 1}`
 * and `{"tier": 1, "team": "a"}` share one budget.
 */
export function canonicalKey(value: unknown, depth = 0): string {
  if (typeof value === 'string') return depth === 0 ? value : JSON.stringify(value);
  if (depth > MAX_KEY_DEPTH) throw new RangeError(`nested deeper than ${MAX_KEY_DEPTH} levels`);
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`the number ${value} is not JSON`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalKey(v, depth + 1)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareCodePoints(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalKey(v, depth + 1)}`).join(',')}}`;
  }
  throw new RangeError(`a ${typeof value} is not JSON`);
}

/** Code point order (UTF-8 byte order, as SQLite sorts TEXT), not UTF-16 unit order. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function readOne(entry: Record<string, unknown>, index: number): QuotaSpec {
  const rawName = entry['name'];
  const fail = (field: string, what: string): never => {
    const label = typeof rawName === 'string' && PRINTABLE_ASCII.test(rawName) ? ` (${JSON.stringify(rawName.slice(0, MAX_NAME_LENGTH))})` : '';
    throw new QuotaSpecError(index, field, `quota entry ${index}${label}: "${field}" ${what}`);
  };

  if (typeof rawName !== 'string' || rawName === '') fail('name', `must be a non-empty string, got ${rawName === '' ? 'an empty string' : kind(rawName)}`);
  const name = rawName as string;
  if (name.length > MAX_NAME_LENGTH || !PRINTABLE_ASCII.test(name)) {
    fail('name', `must be at most ${MAX_NAME_LENGTH} printable ASCII characters (it is shown in RateLimit headers)`);
  }

  if (!('key' in entry) || entry['key'] === undefined) fail('key', 'is missing: say who shares the budget, e.g. "key": input.user.id');
  let key: string;
  try {
    key = canonicalKey(entry['key']);
  } catch (e) {
    return fail('key', `must be a string or a JSON value: ${(e as Error).message}`);
  }
  if (key.length > MAX_KEY_LENGTH) fail('key', `is ${key.length} characters long; at most ${MAX_KEY_LENGTH} (use an id, not a document)`);

  const limit = entry['limit'];
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
    fail('limit', `must be a whole number ≥ 0, got ${typeof limit === 'number' ? String(limit) : kind(limit)}`);
  }

  const window = entry['window'];
  if (typeof window !== 'string') fail('window', `must be a duration string like "24h", got ${kind(window)}`);
  const parsed = parseWindow(window as string);
  if (!parsed.ok) fail('window', `${parsed.reason}, got ${JSON.stringify((window as string).slice(0, 64))}`);

  const unit = entry['unit'] ?? 'tokens';
  if (unit !== 'tokens' && unit !== 'requests') fail('unit', `must be "tokens" or "requests", got ${typeof unit === 'string' ? JSON.stringify(unit.slice(0, 64)) : kind(unit)}`);

  return { name, key, limit: limit as number, windowMs: (parsed as { ms: number }).ms, unit: unit as QuotaUnit };
}

/**
 * The decision's quota entries as specs, in order. Entries naming the same counter
 * (name, window, key) merge into the first one, keeping the stricter (lower) limit;
 * if they disagree on the unit that is an error. Throws QuotaSpecError.
 */
export function readQuotas(entries: ReadonlyArray<Record<string, unknown>>): QuotaSpec[] {
  if (entries.length > 4 * MAX_QUOTAS_PER_DECISION) {
    throw new QuotaSpecError(-1, undefined, `the decision has ${entries.length} quota entries; at most ${MAX_QUOTAS_PER_DECISION} apply to one request`);
  }
  const out: QuotaSpec[] = [];
  const seen = new Map<string, { at: number; index: number }>();
  entries.forEach((entry, index) => {
    const spec = readOne(entry, index);
    const id = JSON.stringify([spec.name, spec.windowMs, spec.key]);
    const prev = seen.get(id);
    if (prev === undefined) {
      seen.set(id, { at: out.length, index });
      out.push(spec);
      return;
    }
    const first = out[prev.at]!;
    if (first.unit !== spec.unit) {
      throw new QuotaSpecError(
        index,
        'unit',
        `quota entry ${index} (${JSON.stringify(spec.name)}): counts ${spec.unit} but entry ${prev.index} counts ${first.unit} for the same name, window and key; give them different names`,
      );
    }
    first.limit = Math.min(first.limit, spec.limit);
  });
  if (out.length > MAX_QUOTAS_PER_DECISION) {
    throw new QuotaSpecError(-1, undefined, `the decision has ${out.length} quota entries; at most ${MAX_QUOTAS_PER_DECISION} apply to one request`);
  }
  return out;
}
