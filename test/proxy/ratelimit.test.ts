import { describe, expect, it } from 'vitest';
import type { QuotaState } from '../../src/quota/types.js';
import { rateLimitHeaders, tightest } from '../../src/proxy/ratelimit.js';

// RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers) from the
// states a reservation returns.

const state = (over: Partial<QuotaState>): QuotaState => ({ name: 'daily', key: 'u1', unit: 'tokens', limit: 100_000, windowMs: 86_400_000, used: 0, remaining: 100_000, resetMs: 0, ...over });

describe('RateLimit headers', () => {
  it('lists every quota in RateLimit-Policy and the tightest in RateLimit', () => {
    const states = [state({ remaining: 12_345, resetMs: 3_599_001 }), state({ name: 'minute', unit: 'requests', limit: 20, windowMs: 60_000, remaining: 19, resetMs: 1000 })];
    expect(rateLimitHeaders(states, [2000, 1])).toEqual({
      'ratelimit-policy': '"daily";q=100000;w=86400, "minute";q=20;w=60',
      ratelimit: '"daily";r=12345;t=3600',
    });
  });

  it('the tightest is the one with the fewest requests like this one left; a tie goes to the one that frees up last', () => {
    const a = state({ remaining: 10_000 });
    const b = state({ name: 'rpm', unit: 'requests', limit: 60, remaining: 3 });
    expect(tightest([a, b], [1000, 1])).toBe(1);
    expect(tightest([a, b], [5000, 1])).toBe(0);
    expect(tightest([state({ remaining: 5, resetMs: 10 }), state({ name: 'b', remaining: 5, resetMs: 20 })], [1, 1])).toBe(1);
  });

  it('names the focus quota when asked (the exhausted one of a 429)', () => {
    const states = [state({ remaining: 0 }), state({ name: 'rpm', remaining: 59 })];
    expect(rateLimitHeaders(states, [10, 1], 1).ratelimit).toBe('"rpm";r=59;t=0');
  });

  it('quotes names as structured-field strings', () => {
    expect(rateLimitHeaders([state({ name: 'team "a" \\ b' })], [1])['ratelimit-policy']).toBe('"team \\"a\\" \\\\ b";q=100000;w=86400');
  });

  it('nothing for no quotas', () => {
    expect(rateLimitHeaders([], [])).toEqual({});
  });
});
