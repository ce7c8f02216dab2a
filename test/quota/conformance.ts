import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { QuotaStoreError, type QuotaLine, type QuotaStore, type Reservation, type ReserveResult } from '../../src/quota/types.js';
import { slotLeavesAt } from '../../src/quota/window.js';
import { ReferenceModel } from './model.js';

// One behaviour, three stores: every store runs this suite (memory.test.ts,
// sqlite.test.ts, redis.test.ts). `open` gives a fresh, empty store each call; times
// are explicit, so the answers are exact.

export type OpenStore = () => Promise<QuotaStore>;

/** A time in the middle of a 1 s slot, so that slot arithmetic is visible. */
export const T0 = 1_700_000_000_500;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export function line(over: Partial<QuotaLine> = {}): QuotaLine {
  return { name: 'minute', key: 'alice', limit: 10, windowMs: MINUTE, unit: 'tokens', amount: 1, ...over };
}

function reservation(r: ReserveResult): Reservation {
  if (!r.ok) throw new Error(`expected an admitted reservation, got a refusal by ${r.exhausted.name}`);
  return r.reservation;
}

function refused(r: ReserveResult): Extract<ReserveResult, { ok: false }> {
  if (r.ok) throw new Error('expected a refusal, got an admitted reservation');
  return r;
}

export function quotaStoreConformance(kind: string, open: OpenStore): void {
  describe(`${kind} store: the quota store contract`, () => {
    const opened: QuotaStore[] = [];
    const fresh = async (): Promise<QuotaStore> => {
      const s = await open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('admits up to the limit exactly and refuses one unit more', async () => {
      const s = await fresh();
      expect((await s.reserve([line({ amount: 4 })], T0)).ok).toBe(true);
      const r = await s.reserve([line({ amount: 6 })], T0 + 10);
      expect(r.ok).toBe(true);
      expect(r.states).toEqual([{ name: 'minute', key: 'alice', unit: 'tokens', limit: 10, windowMs: MINUTE, used: 10, remaining: 0, resetMs: slotLeavesAt(Math.floor(T0 / 1000), MINUTE) - (T0 + 10) }]);
      const no = refused(await s.reserve([line({ amount: 1 })], T0 + 20));
      expect(no.exhausted).toMatchObject({ name: 'minute', key: 'alice', used: 10, remaining: 0, limit: 10, requested: 1 });
      expect(no.retryAfterMs).toBeGreaterThan(0);
      expect(Number.isFinite(no.retryAfterMs)).toBe(true);
      expect((await s.usage(T0 + 20)).map((u) => u.used)).toEqual([10]);
    });

    it('refuses for good (Infinity) an amount larger than the limit, and a limit of 0 admits only nothing', async () => {
      const s = await fresh();
      expect(refused(await s.reserve([line({ amount: 11 })], T0)).retryAfterMs).toBe(Infinity);
      expect(refused(await s.reserve([line({ limit: 0, amount: 1 })], T0)).retryAfterMs).toBe(Infinity);
      const zero = await s.reserve([line({ limit: 0, amount: 0 })], T0);
      expect(zero.ok).toBe(true);
      expect(await s.usage(T0)).toEqual([]);
    });

    it('is all or none: one exhausted line means nothing is charged on the others', async () => {
      const s = await fresh();
      await s.reserve([line({ name: 'daily', windowMs: 24 * HOUR, limit: 5, amount: 5 })], T0);
      const lines = [line({ name: 'minute', limit: 100, amount: 3 }), line({ name: 'daily', windowMs: 24 * HOUR, limit: 5, amount: 3 }), line({ name: 'hourly', windowMs: HOUR, limit: 100, amount: 3 })];
      const no = refused(await s.reserve(lines, T0 + 1));
      expect(no.exhausted.name).toBe('daily');
      expect(no.states.map((x) => [x.name, x.used])).toEqual([['minute', 0], ['daily', 5], ['hourly', 0]]);
      expect((await s.usage(T0 + 2)).map((u) => [u.name, u.used])).toEqual([['daily', 5]]);
      const yes = await s.reserve([lines[0]!, lines[2]!], T0 + 3);
      expect(yes.states.map((x) => x.used)).toEqual([3, 3]);
    });

    it('names the first refusing line and waits for the slowest one', async () => {
      const s = await fresh();
      const a = line({ name: 'a', limit: 10 });
      const b = line({ name: 'b', limit: 10 });
      await s.reserve([{ ...b, amount: 10 }], T0); // b frees when slot(T0) leaves
      await s.reserve([{ ...a, amount: 10 }], T0 + 30_000); // a frees 30 s later
      const no = refused(await s.reserve([{ ...a, amount: 1 }, { ...b, amount: 1 }], T0 + 40_000));
      expect(no.exhausted.name).toBe('a');
      expect(no.retryAfterMs).toBe(slotLeavesAt(Math.floor((T0 + 30_000) / 1000), MINUTE) - (T0 + 40_000));
      const at = T0 + 40_000 + no.retryAfterMs;
      expect((await s.reserve([{ ...a, amount: 1 }, { ...b, amount: 1 }], at - 1)).ok).toBe(false);
      expect((await s.reserve([{ ...a, amount: 1 }, { ...b, amount: 1 }], at)).ok).toBe(true);
    });

    it('adds up lines of the same counter within one reservation', async () => {
      const s = await fresh();
      const no = refused(await s.reserve([line({ amount: 6 }), line({ amount: 6 })], T0));
      expect(no.exhausted).toMatchObject({ used: 0, requested: 6 });
      expect(no.retryAfterMs).toBe(Infinity); // 12 > 10 can never fit
      expect(await s.usage(T0)).toEqual([]);
      const yes = await s.reserve([line({ amount: 5 }), line({ amount: 5 })], T0);
      expect(yes.states.map((x) => x.used)).toEqual([10, 10]);
    });

    it('settles down (refund), to 0 (release), never above what was reserved, and only once', async () => {
      const s = await fresh();
      const l = line({ limit: 1000 });
      const r1 = reservation(await s.reserve([{ ...l, amount: 100 }], T0));
      await s.settle(r1, [30], T0 + 5);
      expect((await s.usage(T0 + 5))[0]!.used).toBe(30);
      await s.settle(r1, [0], T0 + 6); // a second settlement gives nothing back
      expect((await s.usage(T0 + 6))[0]!.used).toBe(30);

      const r2 = reservation(await s.reserve([{ ...l, amount: 200 }], T0 + 10));
      await s.settle(r2, [0], T0 + 20);
      expect((await s.usage(T0 + 20))[0]!.used).toBe(30);

      const r3 = reservation(await s.reserve([{ ...l, amount: 50 }], T0 + 30));
      await s.settle(r3, [5000], T0 + 40); // the upstream reported more than reserved
      expect((await s.usage(T0 + 40))[0]!.used).toBe(80);

      await s.settle(r1, [0], T0 + 50);
      const r4 = reservation(await s.reserve([{ ...l, amount: 20 }], T0 + 60));
      await s.settle(r4, [0], T0 + 70);
      expect((await s.usage(T0 + 70))[0]!.used).toBe(80);
      await expect(s.settle(r4, [1, 2], T0 + 70)).rejects.toMatchObject({ code: 'quota_store_error' });
    });

    it('a release of everything leaves the counter out of the listings', async () => {
      const s = await fresh();
      const r = reservation(await s.reserve([line({ amount: 7 }), line({ name: 'daily', windowMs: 24 * HOUR, limit: 100, amount: 7 })], T0));
      expect(await s.usage(T0)).toHaveLength(2);
      await s.settle(r, [0, 0], T0 + 1);
      expect(await s.usage(T0 + 1)).toEqual([]);
      expect((await s.reserve([line({ amount: 10 })], T0 + 2)).ok).toBe(true);
    });

    it('settling after the slot left the window gives nothing back and never goes below zero', async () => {
      const s = await fresh();
      const r = reservation(await s.reserve([line({ amount: 10 })], T0));
      const later = slotLeavesAt(r.slots[0]!, MINUTE);
      await s.settle(r, [0], later);
      expect(await s.usage(later)).toEqual([]);
      const again = await s.reserve([line({ amount: 10 })], later);
      expect(again.states[0]!.used).toBe(10);
      expect(refused(await s.reserve([line({ amount: 1 })], later + 1)).exhausted.used).toBe(10);
    });

    it('keeps usage for the full window: a burst at the end of one minute and the start of the next cannot double the budget', async () => {
      const s = await fresh();
      const base = Math.floor(T0 / MINUTE) * MINUTE; // a whole minute
      const end = base + MINUTE - 1; // the last ms of that minute, the last ms of its last slot
      expect((await s.reserve([line({ amount: 10 })], end)).ok).toBe(true);
      expect((await s.reserve([line({ amount: 1 })], end + 1)).ok).toBe(false); // next minute: refused
      expect((await s.reserve([line({ amount: 1 })], end + MINUTE - 1)).ok).toBe(false);
      // exactly W after the charge, no interval of length W holds both
      expect((await s.reserve([line({ amount: 10 })], end + MINUTE)).ok).toBe(true);
    });

    it('counts the oldest, partly overlapping slot in full (the conservative side)', async () => {
      const s = await fresh();
      const start = Math.floor(T0 / 1000) * 1000; // the first ms of a slot
      await s.reserve([line({ amount: 10 })], start);
      // a charge in a slot's first ms stays counted W + S − 1 ms: its slot overlaps the window that long
      const leaves = slotLeavesAt(start / 1000, MINUTE);
      expect(leaves - start).toBe(MINUTE + 999);
      expect((await s.reserve([line({ amount: 1 })], leaves - 1)).ok).toBe(false);
      expect((await s.reserve([line({ amount: 1 })], leaves)).ok).toBe(true);
    });

    it('retryAfterMs is exact: admitted after that long, refused 1 ms earlier', async () => {
      const s = await fresh();
      await s.reserve([line({ amount: 6 })], T0);
      await s.reserve([line({ amount: 3 })], T0 + 10_000);
      await s.reserve([line({ amount: 1 })], T0 + 20_000);
      // needs 5: the first charge (6) must leave
      const a = refused(await s.reserve([line({ amount: 5 })], T0 + 30_000));
      expect(a.retryAfterMs).toBe(slotLeavesAt(Math.floor(T0 / 1000), MINUTE) - (T0 + 30_000));
      // needs 8: the first two must leave
      const b = refused(await s.reserve([line({ amount: 8 })], T0 + 30_000));
      expect(b.retryAfterMs).toBe(slotLeavesAt(Math.floor((T0 + 10_000) / 1000), MINUTE) - (T0 + 30_000));
      const at = T0 + 30_000 + b.retryAfterMs;
      expect(refused(await s.reserve([line({ amount: 8 })], at - 1)).retryAfterMs).toBe(1);
      expect((await s.reserve([line({ amount: 8 })], at)).ok).toBe(true);
    });

    it('reports resetMs as the time until the oldest counted usage leaves', async () => {
      const s = await fresh();
      await s.reserve([line({ amount: 2 })], T0);
      await s.reserve([line({ amount: 2 })], T0 + 5000);
      const [u] = await s.usage(T0 + 7000);
      expect(u).toMatchObject({ used: 4, remaining: 6, resetMs: slotLeavesAt(Math.floor(T0 / 1000), MINUTE) - (T0 + 7000) });
    });

    it('counts requests when the unit is requests', async () => {
      const s = await fresh();
      const l = line({ name: 'rpm', unit: 'requests', limit: 3, amount: 1 });
      for (let i = 0; i < 3; i++) expect((await s.reserve([l], T0 + i)).ok).toBe(true);
      const no = refused(await s.reserve([l], T0 + 3));
      expect(no.exhausted).toMatchObject({ name: 'rpm', unit: 'requests', used: 3, limit: 3 });
      expect(await s.usage(T0 + 3)).toEqual([{ name: 'rpm', key: 'alice', unit: 'requests', limit: 3, windowMs: MINUTE, used: 3, remaining: 0, resetMs: slotLeavesAt(Math.floor(T0 / 1000), MINUTE) - (T0 + 3) }]);
    });

    it('lists usage by name, window and key, filters by name and key, and remembers the last limit', async () => {
      const s = await fresh();
      await s.reserve([line({ name: 'minute', key: 'bob', amount: 2 }), line({ name: 'daily', key: 'bob', windowMs: 24 * HOUR, limit: 1000, amount: 2 })], T0);
      await s.reserve([line({ name: 'minute', key: 'alice', amount: 3 }), line({ name: 'daily', key: 'alice', windowMs: HOUR, limit: 500, amount: 3 })], T0 + 1);
      await s.reserve([line({ name: 'minute', key: 'alice', limit: 20, amount: 1 })], T0 + 2);
      const all = await s.usage(T0 + 3);
      expect(all.map((u) => [u.name, u.windowMs, u.key, u.used, u.limit])).toEqual([
        ['daily', HOUR, 'alice', 3, 500],
        ['daily', 24 * HOUR, 'bob', 2, 1000],
        ['minute', MINUTE, 'alice', 4, 20],
        ['minute', MINUTE, 'bob', 2, 10],
      ]);
      expect((await s.usage(T0 + 3, { name: 'minute' })).map((u) => u.key)).toEqual(['alice', 'bob']);
      expect((await s.usage(T0 + 3, { key: 'bob' })).map((u) => u.name)).toEqual(['daily', 'minute']);
      expect((await s.usage(T0 + 3, { name: 'daily', key: 'alice' })).map((u) => u.windowMs)).toEqual([HOUR]);
      expect(await s.usage(T0 + 3, { name: 'nope' })).toEqual([]);
      // a minute later only the longer windows still hold usage
      expect((await s.usage(T0 + 3 + 2 * MINUTE)).map((u) => u.name)).toEqual(['daily', 'daily']);
    });

    it('keeps names and keys with separators, percent signs, quotes and non-ASCII characters apart', async () => {
      const s = await fresh();
      const keys = ['a:b', 'a%3Ab', 'a', 'a:b:c', '{"team":"x"}', 'zoë 🚀', '*', ''];
      for (const [i, key] of keys.entries()) await s.reserve([line({ name: 'n:1%', key, amount: i + 1 })], T0);
      const listed = await s.usage(T0, { name: 'n:1%' });
      expect(new Map(listed.map((u) => [u.key, u.used]))).toEqual(new Map(keys.map((k, i) => [k, i + 1])));
      expect((await s.usage(T0, { key: 'a:b' })).map((u) => u.used)).toEqual([1]);
      expect((await s.usage(T0, { key: '*' })).map((u) => u.used)).toEqual([7]);
    });

    it('admits exactly 50 of 500 concurrent reservations against a limit of 50', async () => {
      const s = await fresh();
      const l = line({ name: 'burst', limit: 50, amount: 1 });
      const results = await Promise.all(Array.from({ length: 500 }, (_, i) => s.reserve([l], T0 + (i % 7))));
      expect(results.filter((r) => r.ok)).toHaveLength(50);
      expect((await s.usage(T0 + 10))[0]!.used).toBe(50);
    });

    it('refuses malformed lines before writing anything', async () => {
      const s = await fresh();
      const bad: Array<Partial<QuotaLine>> = [{ amount: -1 }, { amount: 1.5 }, { limit: Number.NaN }, { windowMs: 10 }, { name: '' }, { unit: 'bytes' as 'tokens' }];
      for (const b of bad) {
        await expect(s.reserve([line({ name: 'ok', amount: 1 }), line(b)], T0)).rejects.toMatchObject({ name: 'QuotaStoreError', code: 'quota_store_error' });
      }
      await expect(s.reserve([line()], Number.NaN)).rejects.toBeInstanceOf(QuotaStoreError);
      expect(await s.usage(T0)).toEqual([]);
    });

    it('answers quota_store_unavailable once closed', async () => {
      const s = await open();
      await s.close();
      await expect(s.reserve([line()], T0)).rejects.toMatchObject({ code: 'quota_store_unavailable' });
    });

    it('matches the reference model and never charges past a limit in any interval of a window (property)', async () => {
      const s = await fresh();
      let run = 0;
      // small steps, and jumps to just before or after a window's edge, where a scheme that forgets the oldest slot would overshoot
      const step = fc.oneof(fc.nat(2500), fc.integer({ min: 57_000, max: 61_500 }), fc.integer({ min: 97_000, max: 102_000 }));
      const op = fc.oneof(
        { weight: 6, arbitrary: fc.record({ kind: fc.constant('reserve' as const), step, lines: fc.array(fc.record({ which: fc.nat(3), amount: fc.nat(45) }), { minLength: 1, maxLength: 3 }) }) },
        { weight: 3, arbitrary: fc.record({ kind: fc.constant('settle' as const), step, pick: fc.nat(), actual: fc.array(fc.nat(60), { minLength: 3, maxLength: 3 }) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), step: fc.integer({ min: 1000, max: 130_000 }) }) },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40, size: 'max' }), fc.integer({ min: 0, max: 100_000 }), async (ops, offset) => {
          run++;
          const name = (n: string): string => `p${run}${n}`;
          // windows whose slots divide evenly (60 s, 1 h) and one that does not (100 s: slots of 1667 ms)
          const specs: QuotaLine[] = [
            line({ name: name('m'), key: 'u1', limit: 60 }),
            line({ name: name('m'), key: 'u2', limit: 60 }),
            line({ name: name('x'), key: 'u1', windowMs: 100_000, limit: 70 }),
            line({ name: name('h'), key: 'u1', windowMs: HOUR, limit: 12, unit: 'requests' }),
          ];
          const model = new ReferenceModel();
          const open: Array<{ r: Reservation; charges: Parameters<ReferenceModel['settle']>[0] }> = [];
          let now = T0 + offset;
          for (const o of ops) {
            now += o.step;
            if (o.kind === 'reserve') {
              const lines = o.lines.map((x) => ({ ...specs[x.which]!, amount: specs[x.which]!.unit === 'requests' ? 1 : x.amount }));
              const got = await s.reserve(lines, now);
              const want = model.reserve(lines, now);
              if (want.ok) {
                expect(got.ok).toBe(true);
                const r = reservation(got);
                expect({ at: r.atMs, slots: r.slots, states: got.states }).toEqual({ at: want.atMs, slots: want.slots, states: want.states });
                open.push({ r, charges: want.charges });
              } else {
                const no = refused(got);
                expect({ exhausted: no.exhausted, retryAfterMs: no.retryAfterMs, states: no.states }).toEqual({ exhausted: want.exhausted, retryAfterMs: want.retryAfterMs, states: want.states });
              }
            } else if (o.kind === 'settle' && open.length > 0) {
              const [{ r, charges }] = open.splice(o.pick % open.length, 1);
              const actual = r.lines.map((_, i) => o.actual[i % 3]!);
              await s.settle(r!, actual, now);
              model.settle(charges!, actual, now);
            }
          }
          for (const n of ['m', 'x', 'h']) expect(await s.usage(now, { name: name(n) })).toEqual(model.usage(now, { name: name(n) }));
          expect(model.overshoots()).toEqual([]);
        }),
        { numRuns: 100 },
      );
    });
  });
}
