import type { QuotaLine, QuotaState, QuotaUnit } from '../../src/quota/types.js';
import { oldestSlot, resetMs, retryAfterMs, slotAt, usedAt } from '../../src/quota/window.js';

// The reference the stores are held to: the binding scheme written as plainly as
// possible on window.ts's slot functions (a log of charges, summed on demand), and a
// brute-force check of the promise itself over everything that was charged.

interface Charge {
  counter: string;
  slot: number;
  atMs: number;
  windowMs: number;
  limit: number;
  amount: number;
}

export type ModelAnswer =
  | { ok: true; atMs: number; slots: number[]; states: QuotaState[]; charges: Charge[] }
  | { ok: false; exhausted: QuotaState & { requested: number }; retryAfterMs: number; states: QuotaState[] };

const id = (l: { name: string; windowMs: number; key: string }): string => `${l.name}|${l.windowMs}|${l.key}`;

export class ReferenceModel {
  /** every charge ever made (settlement lowers `amount`) */
  readonly charges: Charge[] = [];
  private readonly meta = new Map<string, { name: string; key: string; windowMs: number; limit: number; unit: QuotaUnit }>();

  private slots(counter: string): Map<number, number> {
    const m = new Map<number, number>();
    for (const c of this.charges) if (c.counter === counter && c.amount > 0) m.set(c.slot, (m.get(c.slot) ?? 0) + c.amount);
    return m;
  }

  private state(l: { name: string; key: string; windowMs: number; limit: number; unit: QuotaUnit }, now: number): QuotaState {
    const s = this.slots(id(l));
    const used = usedAt(s, now, l.windowMs);
    return { name: l.name, key: l.key, unit: l.unit, limit: l.limit, windowMs: l.windowMs, used, remaining: Math.max(0, l.limit - used), resetMs: resetMs(s, now, l.windowMs) };
  }

  reserve(lines: readonly QuotaLine[], now: number): ModelAnswer {
    const asked = new Map<string, number>();
    let exhausted = -1;
    let wait = 0;
    lines.forEach((l, i) => {
      const total = (asked.get(id(l)) ?? 0) + l.amount;
      asked.set(id(l), total);
      const s = this.slots(id(l));
      if (usedAt(s, now, l.windowMs) + total > l.limit) {
        if (exhausted < 0) exhausted = i;
        wait = Math.max(wait, retryAfterMs(s, now, l.windowMs, l.limit, total));
      }
    });
    if (exhausted >= 0) {
      const states = lines.map((l) => this.state(l, now));
      return { ok: false, exhausted: { ...states[exhausted]!, requested: lines[exhausted]!.amount }, retryAfterMs: wait, states };
    }
    const charges = lines.map((l) => ({ counter: id(l), slot: slotAt(now, l.windowMs), atMs: now, windowMs: l.windowMs, limit: l.limit, amount: l.amount }));
    this.charges.push(...charges);
    for (const l of lines) if (l.amount > 0) this.meta.set(id(l), { name: l.name, key: l.key, windowMs: l.windowMs, limit: l.limit, unit: l.unit });
    return { ok: true, atMs: now, slots: charges.map((c) => c.slot), states: lines.map((l) => this.state(l, now)), charges };
  }

  /** What settlement leaves of each charge: the actual usage, clamped to [0, reserved]; a slot already out of the window keeps its charge. */
  settle(charges: Charge[], actual: readonly number[], now: number): void {
    charges.forEach((c, i) => {
      if (c.slot < oldestSlot(now, c.windowMs)) return;
      c.amount = Math.min(c.amount, Math.max(0, Math.ceil(actual[i]!)));
    });
  }

  usage(now: number, filter: { name?: string; key?: string } = {}): QuotaState[] {
    return [...this.meta.values()]
      .filter((m) => (filter.name === undefined || m.name === filter.name) && (filter.key === undefined || m.key === filter.key))
      .map((m) => this.state(m, now))
      .filter((s) => s.used > 0)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.windowMs - b.windowMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  }

  /**
   * The promise, checked by brute force: for every counter and every interval
   * (a − W, a] of whole ms, what the charges in it add up to (after settlement) is
   * at most the limit. The sum only grows when a passes a charge, so checking every
   * a that is a charge's time covers every interval.
   */
  overshoots(): string[] {
    const out: string[] = [];
    const byCounter = new Map<string, Charge[]>();
    for (const c of this.charges) byCounter.set(c.counter, [...(byCounter.get(c.counter) ?? []), c]);
    for (const [counter, cs] of byCounter) {
      for (const end of cs) {
        const inside = cs.filter((c) => c.atMs > end.atMs - end.windowMs && c.atMs <= end.atMs);
        const sum = inside.reduce((n, c) => n + c.amount, 0);
        const limit = Math.min(...inside.map((c) => c.limit));
        if (sum > limit) out.push(`${counter}: ${sum} > ${limit} in (${end.atMs - end.windowMs}, ${end.atMs}]`);
      }
    }
    return out;
  }
}
