import { admission, byCounter, checkLines, checkNow, MAX_LISTED_COUNTERS, refusal, Settlements } from './lines.js';
import { QuotaStoreError, type QuotaLine, type QuotaState, type QuotaStore, type QuotaUnit, type Reservation, type ReserveResult } from './types.js';
import { charged, counterId, expiresAt, judge, oldestSlot, stateOf, usedAt } from './window.js';

// Counters in a Map, for tests and single-process setups where losing every budget
// on restart is acceptable. Atomicity is free: reserve() does all its work in one
// synchronous stretch, so no other call interleaves.
//
// Bounded: at most `maxCounters` counters. Slots that left their window are pruned
// whenever their counter is touched, and every call also inspects a couple of other
// counters and drops those whose window is empty, so idle keys do not pile up. A
// counter that still holds usage is never evicted (that would hand out budget
// again): when the map is full of live counters, a reservation that needs a new
// counter fails with quota_store_unavailable (the proxy fails closed).

interface Counter {
  name: string;
  key: string;
  windowMs: number;
  limit: number;
  unit: QuotaUnit;
  slots: Map<number, number>;
}

export interface MemoryQuotaStoreOptions {
  /** default 1,000,000 (a few hundred bytes each) */
  maxCounters?: number;
}

/** Counters inspected per call by the background sweep. */
const SWEEP_STEP = 2;
/** A full sweep (when the map is full) runs at most this often, in the caller's ms. */
const FULL_SWEEP_EVERY_MS = 1000;

export class MemoryQuotaStore implements QuotaStore {
  readonly kind = 'memory' as const;
  private readonly counters = new Map<string, Counter>();
  private readonly maxCounters: number;
  private readonly settlements = new Settlements();
  private cursor: Iterator<[string, Counter]> | undefined;
  private lastFullSweep = -Infinity;
  private closed = false;

  constructor(opts: MemoryQuotaStoreOptions = {}) {
    this.maxCounters = opts.maxCounters ?? 1_000_000;
    if (!Number.isSafeInteger(this.maxCounters) || this.maxCounters < 1) throw new RangeError('maxCounters must be a whole number ≥ 1');
  }

  async reserve(lines: readonly QuotaLine[], nowMs: number): Promise<ReserveResult> {
    this.open();
    checkLines(lines);
    const now = checkNow(nowMs);
    this.sweep(SWEEP_STEP, now);
    const before = lines.map((l) => this.slotsOf(l, now));
    const verdict = judge(lines, before, now);
    if (!verdict.ok) return refusal(lines, before, now, verdict);
    const after = charged(lines, before, now);
    // make room first, so that a full store refuses before anything is charged
    const fresh = new Set(lines.filter((l) => l.amount > 0 && !this.counters.has(counterId(l))).map(counterId));
    if (fresh.size > 0) this.makeRoom(fresh.size, now);
    lines.forEach((l, i) => {
      if (l.amount === 0) return;
      const id = counterId(l);
      const c = this.counters.get(id);
      if (c) {
        c.slots = after[i]!;
        c.limit = l.limit;
        c.unit = l.unit;
      } else {
        this.counters.set(id, { name: l.name, key: l.key, windowMs: l.windowMs, limit: l.limit, unit: l.unit, slots: after[i]! });
      }
    });
    return admission(lines, after, now);
  }

  async settle(reservation: Reservation, actual: readonly number[], nowMs: number): Promise<void> {
    this.open();
    const now = checkNow(nowMs);
    const deltas = this.settlements.claim(reservation, actual);
    if (!deltas) return;
    reservation.lines.forEach((l, i) => {
      const delta = deltas[i]!;
      const slot = reservation.slots[i]!;
      const c = this.counters.get(counterId(l));
      // a slot that left the window (or was pruned) is no longer counted: nothing to give back
      if (delta === 0 || !c || slot < oldestSlot(now, l.windowMs)) return;
      const used = c.slots.get(slot);
      if (used === undefined) return;
      if (used + delta > 0) c.slots.set(slot, used + delta);
      else c.slots.delete(slot);
    });
  }

  async usage(nowMs: number, filter: { name?: string; key?: string } = {}): Promise<QuotaState[]> {
    this.open();
    const now = checkNow(nowMs);
    const out: QuotaState[] = [];
    for (const c of this.counters.values()) {
      if (filter.name !== undefined && c.name !== filter.name) continue;
      if (filter.key !== undefined && c.key !== filter.key) continue;
      if (usedAt(c.slots, now, c.windowMs) > 0) out.push(stateOf(c, c.slots, now));
    }
    return out.sort(byCounter).slice(0, MAX_LISTED_COUNTERS);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.counters.clear();
  }

  /** How many counters are held (for tests of the bound). */
  get size(): number {
    return this.counters.size;
  }

  private open(): void {
    if (this.closed) throw new QuotaStoreError('quota_store_unavailable', 'the in-memory quota store is closed');
  }

  /** The counter's slots still in its window (pruning the rest); a new empty map when it has none. */
  private slotsOf(line: QuotaLine, now: number): Map<number, number> {
    const c = this.counters.get(counterId(line));
    if (!c) return new Map();
    const oldest = oldestSlot(now, c.windowMs);
    for (const slot of c.slots.keys()) if (slot < oldest) c.slots.delete(slot);
    return c.slots;
  }

  private dead(c: Counter, now: number): boolean {
    return !(expiresAt(c.slots, c.windowMs) > now);
  }

  /** Looks at the next `n` counters (round robin) and drops those with an empty window. */
  private sweep(n: number, now: number): void {
    for (let i = 0; i < n && this.counters.size > 0; i++) {
      let next = this.cursor?.next();
      if (!next || next.done) {
        this.cursor = this.counters.entries();
        next = this.cursor.next();
        if (next.done) return;
      }
      const [id, c] = next.value;
      if (this.dead(c, now)) this.counters.delete(id);
    }
  }

  private makeRoom(needed: number, now: number): void {
    if (this.counters.size + needed <= this.maxCounters) return;
    if (now - this.lastFullSweep >= FULL_SWEEP_EVERY_MS) {
      this.lastFullSweep = now;
      for (const [id, c] of this.counters) if (this.dead(c, now)) this.counters.delete(id);
    }
    if (this.counters.size + needed > this.maxCounters) {
      throw new QuotaStoreError(
        'quota_store_unavailable',
        `the in-memory quota store is full: ${this.counters.size} counters hold usage (at most ${this.maxCounters}); use the sqlite or redis store for this many keys`,
      );
    }
  }
}
