// Durations and sizes as people write them in railgate.yaml.
//
// A duration is one or more <number><unit> with units ms, s, m, h, as in Go:
// `250ms`, `5s`, `1m30s`, `1.5h`; `0` alone is zero. The result is whole
// milliseconds. A size is a number of bytes, or <number><unit> with units b, kb, mb,
// gb (also k/m/g and kib/mib/gib), each a power of 1024: `512kb`, `4mb`.

/** `reason` says more than "not a duration" when there is more to say, else '' */
export type Parsed = { ok: true; value: number } | { ok: false; reason: string };

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** The longest wait Node's timers take (about 24.8 days). */
export const MAX_DURATION_MS = 2 ** 31 - 1;

export function parseDuration(text: string): Parsed {
  const s = text.trim();
  if (s === '0') return { ok: true, value: 0 };
  if (!DURATION.test(s)) {
    return { ok: false, reason: /^\d+(\.\d+)?$/.test(s) ? 'a number needs a unit: ms, s, m or h' : '' };
  }
  let ms = 0;
  for (const m of s.matchAll(DURATION_PART)) ms += Number(m[1]) * DURATION_UNITS[m[2]!]!;
  ms = Math.round(ms);
  if (ms > MAX_DURATION_MS) return { ok: false, reason: 'longer than 24 days' };
  if (ms === 0 && /[1-9]/.test(s)) return { ok: false, reason: 'shorter than 1ms' };
  return { ok: true, value: ms };
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};
const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

export function parseSize(value: number | string): Parsed {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? { ok: true, value } : { ok: false, reason: 'not a whole number of bytes' };
  }
  const m = SIZE.exec(value.trim());
  const unit = SIZE_UNITS[m?.[2]?.toLowerCase() ?? 'x'];
  if (!m || unit === undefined) return { ok: false, reason: '' };
  const bytes = Math.round(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes)) return { ok: false, reason: 'too large' };
  return { ok: true, value: bytes };
}

/** 4194304 → "4mb", for messages and docs. */
export function formatSize(bytes: number): string {
  for (const [unit, n] of [['gb', 1024 ** 3], ['mb', 1024 ** 2], ['kb', 1024]] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return `${bytes} bytes`;
}

/** 90000 → "1m30s", for messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  let rest = ms;
  let out = '';
  for (const [unit, n] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    if (rest >= n) {
      out += `${Math.floor(rest / n)}${unit}`;
      rest %= n;
    }
  }
  return out;
}
