// When the bundle client polls next: a pure function of the polling settings, the
// number of consecutive failures and a random number in [0, 1). No clock and no
// timers here, so every delay the client can choose is testable without waiting.
//
// After a success the delay is uniform in [minDelayMs, maxDelayMs], so a fleet of
// proxies started together spreads its requests over the bundle server instead of
// arriving in step. After n failures in a row it is uniform in [base, cap(n)] with
// cap(n) = min(backoffMaxMs, backoffBaseMs · 2^(n-1)): exponential backoff with
// jitter. The jitter does not go down to zero ("full jitter") because a retry that
// happens at once by chance would hammer a server that has just failed; it starts at
// the base instead.

export interface PollingSettings {
  /** least delay between two polls after a success */
  minDelayMs: number;
  /** greatest delay between two polls after a success */
  maxDelayMs: number;
  /** the first retry delay after a failure, and the least one */
  backoffBaseMs: number;
  /** the retry delay never grows past this */
  backoffMaxMs: number;
  /** the longest one download may take, headers and body together */
  timeoutMs: number;
}

/** OPA's polling defaults (min_delay_seconds 60, max_delay_seconds 120), for HTTP sources. */
export const DEFAULT_HTTP_POLLING: Readonly<PollingSettings> = Object.freeze({
  minDelayMs: 60_000,
  maxDelayMs: 120_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 120_000,
  timeoutMs: 30_000,
});

/** A local file or directory costs a stat to poll: check it every second or two. */
export const DEFAULT_LOCAL_POLLING: Readonly<PollingSettings> = Object.freeze({
  minDelayMs: 1_000,
  maxDelayMs: 2_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 10_000,
  timeoutMs: 30_000,
});

/** The longest delay setTimeout accepts (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Fills the settings the caller left out from `defaults` and checks them; throws a
 * RangeError naming the setting. When only maxDelayMs is given and it is below the
 * default minimum, the minimum follows it down (and vice versa), so `{maxDelayMs: 5}`
 * means "poll at most every 5 ms", not an error.
 */
export function resolvePolling(given: Partial<PollingSettings> | undefined, defaults: Readonly<PollingSettings>): PollingSettings {
  const g = given ?? {};
  for (const [name, v] of Object.entries(g)) {
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_TIMER_MS) {
      throw new RangeError(`polling.${name} must be a number of milliseconds between 0 and ${MAX_TIMER_MS}, got ${String(v)}`);
    }
  }
  let minDelayMs = g.minDelayMs ?? defaults.minDelayMs;
  let maxDelayMs = g.maxDelayMs ?? defaults.maxDelayMs;
  if (g.minDelayMs === undefined && minDelayMs > maxDelayMs) minDelayMs = maxDelayMs;
  if (g.maxDelayMs === undefined && maxDelayMs < minDelayMs) maxDelayMs = minDelayMs;
  if (minDelayMs > maxDelayMs) {
    throw new RangeError(`polling.minDelayMs (${minDelayMs}) is greater than polling.maxDelayMs (${maxDelayMs})`);
  }
  let backoffBaseMs = g.backoffBaseMs ?? defaults.backoffBaseMs;
  // An unset backoff cap follows the polling maximum: a failing server is never
  // polled less often than a healthy one (OPA caps its retries the same way).
  let backoffMaxMs = g.backoffMaxMs ?? (g.maxDelayMs !== undefined ? Math.max(maxDelayMs, backoffBaseMs) : defaults.backoffMaxMs);
  if (g.backoffBaseMs === undefined && backoffBaseMs > backoffMaxMs) backoffBaseMs = backoffMaxMs;
  if (g.backoffMaxMs === undefined && backoffMaxMs < backoffBaseMs) backoffMaxMs = backoffBaseMs;
  if (backoffBaseMs > backoffMaxMs) {
    throw new RangeError(`polling.backoffBaseMs (${backoffBaseMs}) is greater than polling.backoffMaxMs (${backoffMaxMs})`);
  }
  const timeoutMs = g.timeoutMs ?? defaults.timeoutMs;
  if (timeoutMs <= 0) throw new RangeError('polling.timeoutMs must be greater than 0');
  return { minDelayMs, maxDelayMs, backoffBaseMs, backoffMaxMs, timeoutMs };
}

/** A random number clamped into [0, 1): a bad injected source cannot escape the bounds. */
function unit(random: () => number): number {
  const r = random();
  if (!Number.isFinite(r) || r <= 0) return 0;
  return r >= 1 ? 1 - Number.EPSILON : r;
}

/** The delay after a success: uniform in [min, max], whole milliseconds. */
export function pollDelay(s: Pick<PollingSettings, 'minDelayMs' | 'maxDelayMs'>, random: () => number): number {
  return Math.min(s.maxDelayMs, s.minDelayMs + Math.floor(unit(random) * (s.maxDelayMs - s.minDelayMs + 1)));
}

/** cap(n) = min(backoffMaxMs, backoffBaseMs · 2^(n-1)) for n ≥ 1 consecutive failures. */
export function backoffCap(s: Pick<PollingSettings, 'backoffBaseMs' | 'backoffMaxMs'>, failures: number): number {
  if (failures <= 0) return s.backoffBaseMs;
  // 2^n overflows to Infinity long after it passes any cap, and min() handles Infinity.
  return Math.min(s.backoffMaxMs, s.backoffBaseMs * 2 ** Math.min(failures - 1, 1024));
}

/** The retry delay after `failures` consecutive failures: uniform in [base, cap(failures)]. */
export function backoffDelay(s: Pick<PollingSettings, 'backoffBaseMs' | 'backoffMaxMs'>, failures: number, random: () => number): number {
  const cap = backoffCap(s, failures);
  const lo = Math.min(s.backoffBaseMs, cap);
  return Math.min(cap, lo + Math.floor(unit(random) * (cap - lo + 1)));
}

/** The delay before the next poll: polling delay after a success, backoff after a failure. */
export function nextDelay(s: PollingSettings, consecutiveFailures: number, random: () => number): number {
  return consecutiveFailures > 0 ? backoffDelay(s, consecutiveFailures, random) : pollDelay(s, random);
}
