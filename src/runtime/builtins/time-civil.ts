// Proleptic Gregorian calendar arithmetic on whole days and seconds, and time zones.
// Instants are BigInt nanoseconds since the Unix epoch (a float64 cannot hold them
// exactly); wall-clock fields are plain numbers.

export const NS_PER_S = 1_000_000_000n;
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

export const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Days since 1970-01-01 of a civil date (month 1-12; out-of-range days roll over). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = floorDiv(yy, 400);
  const yoe = yy - era * 400;
  const doy = floorDiv(153 * (m + (m > 2 ? -3 : 9)) + 2, 5) + d - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const d = doy - floorDiv(153 * mp + 2, 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Wall-clock fields of an instant in a zone. */
export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  /** 0 = Sunday */
  weekday: number;
  /** 1-based day of the year */
  yday: number;
  offset: number;
  zone: string;
}

export interface Zone {
  /** UTC offset in seconds at the given Unix second */
  offsetAt(unixSeconds: number): number;
  abbreviation(unixSeconds: number): string;
}

export const UTC: Zone = { offsetAt: () => 0, abbreviation: () => 'UTC' };

export function fixedZone(offset: number, name = ''): Zone {
  return { offsetAt: () => offset, abbreviation: () => name };
}

/** IANA zones through Intl; abbreviations are Intl's short names (e.g. "EST", "GMT+1"). */
function intlZone(name: string): Zone {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  });
  const abbr = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'short' });
  return {
    offsetAt(s: number): number {
      // Intl handles years 1..275760 only; clamp so out-of-range instants still format.
      const ms = Math.min(Math.max(s * 1000, -62135596800000), 8.64e15);
      const f: Record<string, string> = {};
      for (const p of parts.formatToParts(new Date(ms))) f[p.type] = p.value;
      let year = Number(f.year);
      if (f.era === 'BC' || f.era === 'B') year = 1 - year;
      const local = daysFromCivil(year, Number(f.month), Number(f.day)) * 86400 + Number(f.hour) * 3600 + Number(f.minute) * 60 + Number(f.second);
      return local - Math.floor(ms / 1000);
    },
    abbreviation(s: number): string {
      const ms = Math.min(Math.max(s * 1000, -62135596800000), 8.64e15);
      return abbr.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? name;
    },
  };
}

const zones = new Map<string, Zone>();
const ZONE_CACHE_MAX = 64;

/** Resolves a zone name as OPA does: "" and "UTC" are UTC, "Local" the host zone. Throws on unknown names. */
export function loadZone(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  const key = name === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : name;
  let z = zones.get(key);
  if (!z) {
    try {
      z = intlZone(key);
    } catch {
      throw new Error(`unknown time zone ${name}`);
    }
    if (zones.size >= ZONE_CACHE_MAX) zones.delete(zones.keys().next().value!);
    zones.set(key, z);
  }
  return z;
}

export function splitNs(ns: bigint): [number, number] {
  let s = ns / NS_PER_S;
  let n = ns % NS_PER_S;
  if (n < 0n) {
    n += NS_PER_S;
    s -= 1n;
  }
  return [Number(s), Number(n)];
}

export function wallOf(ns: bigint, zone: Zone): Wall {
  const [secs, nanos] = splitNs(ns);
  const offset = zone.offsetAt(secs);
  const local = secs + offset;
  const days = floorDiv(local, 86400);
  const sod = local - days * 86400;
  const [year, month, day] = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: floorDiv(sod, 3600),
    minute: floorDiv(sod % 3600, 60),
    second: sod % 60,
    nanos,
    weekday: (((days + 4) % 7) + 7) % 7,
    yday: days - daysFromCivil(year, 1, 1) + 1,
    offset,
    zone: zone.abbreviation(secs),
  };
}

/** The instant of a wall-clock time in a zone (fields may overflow and are normalized). */
export function instantOf(
  zone: Zone,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nanos: number,
): bigint {
  // Normalize months into the year first, as Go's time.Date does.
  const m0 = month - 1;
  const y = year + floorDiv(m0, 12);
  const m = m0 - floorDiv(m0, 12) * 12 + 1;
  const local = daysFromCivil(y, m, day) * 86400 + hour * 3600 + minute * 60 + second;
  // The offset depends on the instant; two rounds settle it except inside DST gaps.
  let offset = zone.offsetAt(local);
  offset = zone.offsetAt(local - offset);
  return BigInt(local - offset) * NS_PER_S + BigInt(nanos);
}
