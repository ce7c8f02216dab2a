// Time builtins. Timestamps are nanoseconds since the epoch, computed exactly in BigInt
// and returned as float64 numbers: values past 2^53 (dates after 1970-04-15) are
// rounded to the nearest representable number (about 256 ns today).

import type { Value } from '../value.js';
import { fail, int, str, typeError } from './operands.js';
import { INT64_MAX, INT64_MIN, NS_PER_S, UTC, WEEKDAYS, instantOf, loadZone, wallOf, type Zone } from './time-civil.js';
import { LayoutParseError, NAMED_LAYOUTS, format, parse } from './time-layout.js';
import type { Builtin } from './types.js';

const TZ_ARG = 'either number (ns) or [number (ns), string (tz)]';

interface ZonedTime {
  ns: bigint;
  zone: Zone;
  zoneName: string;
  layout: string;
}

/** OPA's tzTime: a number of ns, or [ns], [ns, tz] or [ns, tz, layout]. */
function zoned(name: string, v: Value): ZonedTime {
  let n: Value;
  let zoneName = '';
  let layout = '';
  if (Array.isArray(v)) {
    if (v.length === 0) throw typeError(name, 1, v, TZ_ARG);
    n = v[0] as Value;
    if (typeof n !== 'number') throw typeError(name, 1, n, 'number');
    if (v.length > 1) {
      const tz = v[1] as Value;
      if (typeof tz !== 'string') throw typeError(name, 1, tz, 'string');
      zoneName = tz;
    }
    if (v.length > 2) {
      const l = v[2] as Value;
      if (typeof l !== 'string') throw typeError(name, 1, l, 'string');
      layout = l;
    }
  } else if (typeof v === 'number') {
    n = v;
  } else {
    throw typeError(name, 1, v, TZ_ARG);
  }
  const num = n as number;
  if (!Number.isInteger(num) || num > 9.223372036854775e18 || num < -9.223372036854775e18) throw fail(name, 'timestamp too big');
  let zone: Zone;
  try {
    zone = loadZone(zoneName);
  } catch (e) {
    throw fail(name, (e as Error).message);
  }
  return { ns: BigInt(num), zone, zoneName, layout };
}

function safeNs(name: string, ns: bigint): number {
  if (ns < INT64_MIN || ns > INT64_MAX) throw fail(name, 'time outside of valid range');
  return Number(ns);
}

function parseWith(name: string, layout: string, value: string): number {
  try {
    return safeNs(name, parse(layout, value));
  } catch (e) {
    if (e instanceof LayoutParseError) throw fail(name, e.message);
    throw e;
  }
}

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1_000_000n,
  s: NS_PER_S,
  m: 60n * NS_PER_S,
  h: 3600n * NS_PER_S,
};

/** Go's time.ParseDuration, exact. */
function parseDuration(s: string): number {
  const name = 'time.parse_duration_ns';
  const invalid = (): Error => fail(name, `time: invalid duration ${JSON.stringify(s)}`);
  let rest = s;
  let neg = false;
  if (rest[0] === '-' || rest[0] === '+') {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    if (m[0] === '' || m[0] === '.' || (m[1] === '' && (m[2] ?? '') === '')) throw invalid();
    rest = rest.slice(m[0].length);
    const u = /^[^\d.]+/.exec(rest);
    if (!u) throw fail(name, `time: missing unit in duration ${JSON.stringify(s)}`);
    const unit = DURATION_UNITS[u[0]];
    if (unit === undefined) throw fail(name, `time: unknown unit ${JSON.stringify(u[0])} in duration ${JSON.stringify(s)}`);
    rest = rest.slice(u[0].length);
    const frac = m[2] ?? '';
    total += BigInt(m[1] || '0') * unit + (frac === '' ? 0n : (BigInt(frac) * unit) / 10n ** BigInt(frac.length));
    if (total > INT64_MAX + (neg ? 1n : 0n)) throw invalid();
  }
  return Number(neg ? -total : total);
}

/** Go's AddDate in the value's zone, normalizing overflowing days and months. */
function addDate(args: readonly Value[]): number {
  const name = 'time.add_date';
  const t = zoned(name, args[0]!);
  const years = int(name, args, 2);
  const months = int(name, args, 3);
  const days = int(name, args, 4);
  const w = wallOf(t.ns, t.zone);
  const ns = instantOf(t.zone, w.year + years, w.month + months, w.day + days, w.hour, w.minute, w.second, w.nanos);
  return safeNs(name, ns);
}

function diff(args: readonly Value[]): Value {
  const a = zoned('time.diff', args[0]!);
  const b = zoned('time.diff', args[1]!);
  // Both are read in the first value's zone, earliest first.
  const [t1, t2] = a.ns <= b.ns ? [a.ns, b.ns] : [b.ns, a.ns];
  const w1 = wallOf(t1, a.zone);
  const w2 = wallOf(t2, a.zone);
  let year = w2.year - w1.year;
  let month = w2.month - w1.month;
  let day = w2.day - w1.day;
  let hour = w2.hour - w1.hour;
  let min = w2.minute - w1.minute;
  let sec = w2.second - w1.second;
  if (sec < 0) {
    sec += 60;
    min--;
  }
  if (min < 0) {
    min += 60;
    hour--;
  }
  if (hour < 0) {
    hour += 24;
    day--;
  }
  if (day < 0) {
    // Days in w1's month: day 32 of it overflows into the next month by (32 - length).
    const overflow = wallOf(instantOf(UTC, w1.year, w1.month, 32, 0, 0, 0, 0), UTC).day;
    day += 32 - overflow;
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  return [year, month, day, hour, min, sec];
}

function zonedFn(name: string, result: 'array' | 'string', f: (t: ZonedTime) => Value, description: string): Builtin {
  return {
    name,
    args: ['number|array'],
    result,
    fn: ([v]) => f(zoned(name, v!)),
    description,
    category: 'time',
  };
}

export const builtins: Builtin[] = [
  {
    name: 'time.now_ns',
    args: [],
    result: 'number',
    fn: (_args, ctx) => ctx.nowNs,
    description: 'The current time in nanoseconds since the epoch, fixed for the whole evaluation.',
    category: 'time',
    nondeterministic: true,
  },
  {
    name: 'time.parse_rfc3339_ns',
    args: ['string'],
    result: 'number',
    fn: (args) => parseWith('time.parse_rfc3339_ns', NAMED_LAYOUTS.RFC3339!, str('time.parse_rfc3339_ns', args, 1)),
    description: 'Parses an RFC 3339 timestamp into nanoseconds since the epoch.',
    category: 'time',
  },
  {
    name: 'time.parse_ns',
    args: ['string', 'string'],
    result: 'number',
    fn: (args) => {
      const layout = str('time.parse_ns', args, 1);
      return parseWith('time.parse_ns', NAMED_LAYOUTS[layout] ?? layout, str('time.parse_ns', args, 2));
    },
    description: 'Parses a timestamp with a Go layout (or a name such as "RFC1123") into nanoseconds since the epoch.',
    category: 'time',
  },
  {
    name: 'time.parse_duration_ns',
    args: ['string'],
    result: 'number',
    fn: (args) => parseDuration(str('time.parse_duration_ns', args, 1)),
    description: 'Parses a Go duration such as "1h30m" or "250ms" into nanoseconds.',
    category: 'time',
  },
  zonedFn(
    'time.format',
    'string',
    (t) => format(wallOf(t.ns, t.zone), t.layout === '' ? NAMED_LAYOUTS.RFC3339Nano! : (NAMED_LAYOUTS[t.layout] ?? t.layout)),
    'Formats ns (or [ns, tz] or [ns, tz, layout]) as RFC 3339 or with a Go layout.',
  ),
  zonedFn(
    'time.date',
    'array',
    (t) => {
      const w = wallOf(t.ns, t.zone);
      return [w.year, w.month, w.day];
    },
    'The [year, month, day] of ns (or [ns, tz]).',
  ),
  zonedFn(
    'time.clock',
    'array',
    (t) => {
      const w = wallOf(t.ns, t.zone);
      return [w.hour, w.minute, w.second];
    },
    'The [hour, minute, second] of ns (or [ns, tz]).',
  ),
  zonedFn('time.weekday', 'string', (t) => WEEKDAYS[wallOf(t.ns, t.zone).weekday]!, 'The day of the week of ns (or [ns, tz]), e.g. "Monday".'),
  {
    name: 'time.add_date',
    args: ['number|array', 'number', 'number', 'number'],
    result: 'number',
    fn: addDate,
    description: 'Adds years, months and days to ns (or [ns, tz]), normalizing overflow as Go does.',
    category: 'time',
  },
  {
    name: 'time.diff',
    args: ['number|array', 'number|array'],
    result: 'array',
    fn: diff,
    description: 'The difference between two times as [years, months, days, hours, minutes, seconds].',
    category: 'time',
  },
];

