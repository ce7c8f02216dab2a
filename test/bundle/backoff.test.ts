import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffCap,
  backoffDelay,
  DEFAULT_HTTP_POLLING,
  DEFAULT_LOCAL_POLLING,
  MAX_TIMER_MS,
  nextDelay,
  pollDelay,
  resolvePolling,
  type PollingSettings,
} from '../../src/bundle/backoff.js';

const ms = fc.integer({ min: 0, max: 10_000_000 });
/** random() as the client may be given it, including values a bad source could return */
const rnd = fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(0, 1, -1, 2, Number.NaN, Infinity));

const settings = fc
  .tuple(ms, ms, fc.integer({ min: 1, max: 100_000 }), ms)
  .map(([a, b, base, extra]): PollingSettings => ({
    minDelayMs: Math.min(a, b),
    maxDelayMs: Math.max(a, b),
    backoffBaseMs: base,
    backoffMaxMs: base + extra,
    timeoutMs: 1000,
  }));

describe('pollDelay', () => {
  it('stays within [min, max] for any random value', () => {
    fc.assert(
      fc.property(settings, rnd, (s, r) => {
        const d = pollDelay(s, () => r);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(s.minDelayMs);
        expect(d).toBeLessThanOrEqual(s.maxDelayMs);
      }),
    );
  });

  it('spans the whole interval: 0 gives min, just under 1 gives max', () => {
    const s = { minDelayMs: 60_000, maxDelayMs: 120_000 };
    expect(pollDelay(s, () => 0)).toBe(60_000);
    expect(pollDelay(s, () => 0.5)).toBe(90_000);
    expect(pollDelay(s, () => 1 - 1e-12)).toBe(120_000);
  });

  it('is uniform enough that a fleet does not poll in step', () => {
    const s = { minDelayMs: 0, maxDelayMs: 9 };
    const seen = new Set<number>();
    for (let i = 0; i < 10; i++) seen.add(pollDelay(s, () => i / 10));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('backoff', () => {
  it('the cap doubles from the base and never passes the maximum', () => {
    const s = { backoffBaseMs: 1000, backoffMaxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6, 100, 5000].map((n) => backoffCap(s, n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000]);
  });

  it('the cap is monotone in the failure count and bounded by [base, max]', () => {
    fc.assert(
      fc.property(settings, fc.integer({ min: 1, max: 100_000 }), (s, n) => {
        const c = backoffCap(s, n);
        expect(c).toBeLessThanOrEqual(s.backoffMaxMs);
        expect(c).toBeGreaterThanOrEqual(s.backoffBaseMs);
        expect(backoffCap(s, n + 1)).toBeGreaterThanOrEqual(c);
      }),
    );
  });

  it('a retry delay lies in [base, cap(n)], whole milliseconds, for any random value', () => {
    fc.assert(
      fc.property(settings, fc.integer({ min: 1, max: 100_000 }), rnd, (s, n, r) => {
        const d = backoffDelay(s, n, () => r);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(s.backoffBaseMs);
        expect(d).toBeLessThanOrEqual(backoffCap(s, n));
      }),
    );
  });

  it('with the same random value, a retry never comes sooner after more failures', () => {
    fc.assert(
      fc.property(settings, fc.integer({ min: 1, max: 60 }), rnd, (s, n, r) => {
        expect(backoffDelay(s, n + 1, () => r)).toBeGreaterThanOrEqual(backoffDelay(s, n, () => r));
      }),
    );
  });

  it('nextDelay: polling interval after a success, backoff after failures', () => {
    const s = resolvePolling({ minDelayMs: 50_000, maxDelayMs: 60_000, backoffBaseMs: 100, backoffMaxMs: 1000 }, DEFAULT_HTTP_POLLING);
    expect(nextDelay(s, 0, () => 0)).toBe(50_000);
    expect(nextDelay(s, 1, () => 0.99999)).toBe(100);
    expect(nextDelay(s, 3, () => 0.99999)).toBe(400);
    expect(nextDelay(s, 30, () => 0.99999)).toBe(1000);
  });
});

describe('resolvePolling', () => {
  it('fills OPA defaults for HTTP and quick ones for local sources', () => {
    expect(resolvePolling(undefined, DEFAULT_HTTP_POLLING)).toEqual({
      minDelayMs: 60_000,
      maxDelayMs: 120_000,
      backoffBaseMs: 1000,
      backoffMaxMs: 120_000,
      timeoutMs: 30_000,
    });
    expect(resolvePolling({}, DEFAULT_LOCAL_POLLING).maxDelayMs).toBe(2000);
  });

  it('a lone maximum below the default minimum pulls the minimum down, and the backoff cap follows it', () => {
    expect(resolvePolling({ maxDelayMs: 20 }, DEFAULT_HTTP_POLLING)).toMatchObject({ minDelayMs: 20, maxDelayMs: 20, backoffMaxMs: 1000 });
    expect(resolvePolling({ maxDelayMs: 300_000 }, DEFAULT_HTTP_POLLING)).toMatchObject({ minDelayMs: 60_000, backoffMaxMs: 300_000 });
    expect(resolvePolling({ minDelayMs: 500_000 }, DEFAULT_HTTP_POLLING)).toMatchObject({ minDelayMs: 500_000, maxDelayMs: 500_000 });
    expect(resolvePolling({ backoffMaxMs: 10 }, DEFAULT_HTTP_POLLING)).toMatchObject({ backoffBaseMs: 10, backoffMaxMs: 10 });
  });

  it('rejects contradictions and out-of-range values, naming the setting', () => {
    expect(() => resolvePolling({ minDelayMs: 10, maxDelayMs: 5 }, DEFAULT_HTTP_POLLING)).toThrow(/minDelayMs \(10\) is greater than polling.maxDelayMs \(5\)/);
    expect(() => resolvePolling({ backoffBaseMs: 10, backoffMaxMs: 5 }, DEFAULT_HTTP_POLLING)).toThrow(/backoffBaseMs/);
    expect(() => resolvePolling({ timeoutMs: 0 }, DEFAULT_HTTP_POLLING)).toThrow(/timeoutMs/);
    expect(() => resolvePolling({ maxDelayMs: -1 }, DEFAULT_HTTP_POLLING)).toThrow(/polling.maxDelayMs/);
    expect(() => resolvePolling({ maxDelayMs: Number.NaN }, DEFAULT_HTTP_POLLING)).toThrow(RangeError);
    expect(() => resolvePolling({ maxDelayMs: MAX_TIMER_MS + 1 }, DEFAULT_HTTP_POLLING)).toThrow(RangeError);
  });

  it('any valid settings it returns are ordered', () => {
    fc.assert(
      fc.property(
        fc.record({ minDelayMs: ms, maxDelayMs: ms, backoffBaseMs: ms, backoffMaxMs: ms }, { requiredKeys: [] }),
        (given) => {
          let s: PollingSettings;
          try {
            s = resolvePolling(given, DEFAULT_HTTP_POLLING);
          } catch (e) {
            expect(e).toBeInstanceOf(RangeError);
            return;
          }
          expect(s.minDelayMs).toBeLessThanOrEqual(s.maxDelayMs);
          expect(s.backoffBaseMs).toBeLessThanOrEqual(s.backoffMaxMs);
          for (const [k, v] of Object.entries(given)) if (v !== undefined) expect(s[k as keyof PollingSettings]).toBe(v);
        },
      ),
    );
  });
});
