import type { QuotaState } from '../quota/types.js';

// Where a caller stands, in the IETF draft's headers (draft-ietf-httpapi-ratelimit-
// headers): `RateLimit-Policy` lists every quota that applied to the request
// (`"name";q=<limit>;w=<window seconds>`), `RateLimit` the one that would run out
// first for requests like this one (`"name";r=<remaining>;t=<seconds until usage
// starts leaving the window>`). Named so they never clash with the provider's own
// x-ratelimit-* headers, which pass through untouched.

/** A quota name as a structured-field string (names are printable ASCII: src/quota/spec.ts). */
function sfString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?')}"`;
}

const seconds = (ms: number): number => (Number.isFinite(ms) ? Math.max(0, Math.ceil(ms / 1000)) : 0);

/**
 * The quota that runs out first for requests asking `amounts` (the fewest such
 * requests left; at a tie, the one that frees up last).
 */
export function tightest(states: readonly QuotaState[], amounts: readonly number[]): number {
  let best = 0;
  let bestLeft = Infinity;
  states.forEach((s, i) => {
    const left = s.remaining / Math.max(1, amounts[i] ?? 1);
    if (left < bestLeft || (left === bestLeft && s.resetMs > states[best]!.resetMs)) {
      best = i;
      bestLeft = left;
    }
  });
  return best;
}

/** The two headers for `states` (one per quota line), `RateLimit` naming `focus` or the tightest quota. */
export function rateLimitHeaders(states: readonly QuotaState[], amounts: readonly number[], focus?: number): Record<string, string> {
  if (states.length === 0) return {};
  const policy = states.map((s) => `${sfString(s.name)};q=${s.limit};w=${seconds(s.windowMs)}`).join(', ');
  const s = states[focus ?? tightest(states, amounts)]!;
  return { 'ratelimit-policy': policy, ratelimit: `${sfString(s.name)};r=${Math.max(0, s.remaining)};t=${seconds(s.resetMs)}` };
}
