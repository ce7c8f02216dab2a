import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oldestSlot, resetMs, retryAfterMs, settleDelta, slotAt, slotLeavesAt, slotMs, usedAt } from '../../src/quota/window.js';

const W = 60_000;

describe('slot arithmetic', () => {
  it('cuts a window into 60 slots of ceil(W / 60) ms', () => {
    expect(slotMs(60_000)).toBe(1000);
    expect(slotMs(86_400_000)).toBe(1_440_000);
    expect(slotMs(1000)).toBe(17);
    expect(slotMs(100_000)).toBe(1667);
    expect(slotAt(59_999, W)).toBe(59);
    expect(slotAt(60_000, W)).toBe(60);
  });

  it('counts every slot that overlaps (t − W, t], and only those (property, against the definition)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 400_000 }), fc.integer({ min: 0, max: 10 ** 13 }), (w, t) => {
        const S = slotMs(w);
        const o = oldestSlot(t, w);
        // slot s covers [s·S, (s+1)·S − 1]; it overlaps [t − W + 1, t] iff (s+1)·S − 1 ≥ t − W + 1
        expect((o + 1) * S - 1).toBeGreaterThanOrEqual(t - w + 1);
        expect(o * S - 1).toBeLessThan(t - w + 1);
        // at most 61 slots are ever counted
        expect(slotAt(t, w) - o + 1).toBeLessThanOrEqual(61);
        // a slot stops counting exactly at slotLeavesAt
        expect(oldestSlot(slotLeavesAt(o, w), w)).toBe(o + 1);
        expect(oldestSlot(slotLeavesAt(o, w) - 1, w)).toBe(o);
      }),
    );
  });

  it('never forgets a charge made less than W ms ago (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 400_000 }), fc.integer({ min: 0, max: 10 ** 13 }), fc.nat(), (w, x, d) => {
        const later = x + (d % w); // 0 ≤ later − x < W
        expect(slotAt(x, w)).toBeGreaterThanOrEqual(oldestSlot(later, w));
      }),
    );
  });
});

describe('usage, reset and retry', () => {
  const slots = new Map([
    [100, 6],
    [110, 3],
    [120, 1],
    [40, 50], // long gone
  ]);
  const now = 130_500;

  it('sums the counted slots', () => {
    expect(usedAt(slots, now, W)).toBe(10);
    expect(usedAt(new Map(), now, W)).toBe(0);
  });

  it('resets when the oldest counted slot leaves', () => {
    expect(resetMs(slots, now, W)).toBe(slotLeavesAt(100, W) - now);
    expect(resetMs(new Map(), now, W)).toBe(0);
  });

  it('waits until just enough old slots have left', () => {
    expect(retryAfterMs(slots, now, W, 10, 0)).toBe(0);
    expect(retryAfterMs(slots, now, W, 12, 2)).toBe(0);
    expect(retryAfterMs(slots, now, W, 10, 1)).toBe(slotLeavesAt(100, W) - now);
    expect(retryAfterMs(slots, now, W, 10, 6)).toBe(slotLeavesAt(100, W) - now);
    expect(retryAfterMs(slots, now, W, 10, 7)).toBe(slotLeavesAt(110, W) - now);
    expect(retryAfterMs(slots, now, W, 10, 10)).toBe(slotLeavesAt(120, W) - now);
    expect(retryAfterMs(slots, now, W, 10, 11)).toBe(Infinity);
  });

  it('is exact: at now + wait the amount fits, 1 ms earlier it does not (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 40 })), { maxLength: 20 }),
        fc.integer({ min: 0, max: 250_000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.nat(300),
        (charges, t, limit, amount) => {
          const m = new Map<number, number>();
          for (const [s, n] of charges) m.set(s, (m.get(s) ?? 0) + n);
          const wait = retryAfterMs(m, t, W, limit, amount);
          if (amount > limit) {
            expect(wait).toBe(Infinity);
            return;
          }
          expect(usedAt(m, t + wait, W) + amount).toBeLessThanOrEqual(limit);
          if (wait > 0) expect(usedAt(m, t + wait - 1, W) + amount).toBeGreaterThan(limit);
        },
      ),
    );
  });
});

describe('settleDelta', () => {
  it('gives back what was not used, never charges more than was reserved', () => {
    expect(settleDelta(100, 30)).toBe(-70);
    expect(settleDelta(100, 0)).toBe(-100);
    expect(settleDelta(100, 100)).toBe(0);
    expect(settleDelta(100, 5000)).toBe(0);
    expect(settleDelta(100, -5)).toBe(-100);
    expect(settleDelta(100, 29.2)).toBe(-70);
    expect(settleDelta(100, Number.NaN)).toBe(0);
  });
});
