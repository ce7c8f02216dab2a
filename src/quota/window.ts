import type { QuotaLine, QuotaState, QuotaUnit } from './types.js';

// The sliding window, counted in slots, conservatively (docs/quotas.md, "The window").
//
// A window of W ms is cut into slots of S = ceil(W / 60) ms; slot s holds what was
// charged at instants [s·S, (s+1)·S). Usage at instant t (whole ms) is the sum of
// every slot that overlaps (t − W, t], the oldest, partly overlapping one counted in
// full: slots s ≥ floor((t − W + 1) / S). Slots newer than t (another replica's
// clock running ahead) count too. A charge made less than W ms before t is therefore
// always counted at t, which is what makes "never more than the limit in any interval
// of length W" hold; the price is that budget frees up in steps of S.
//
// Everything here is pure arithmetic on whole milliseconds. The stores use it as is,
// and the Redis Lua scripts (redis-scripts.ts) repeat the admission part of it; the
// conformance tests hold them to the same answers.

/** Slots per window (the last, partly overlapping one makes 61 at most). */
export const SLOTS_PER_WINDOW = 60;

/** slot index → amount charged to it. Only positive entries matter. */
export type Slots = ReadonlyMap<number, number>;

/** The slot length S of a window: ceil(W / 60) ms. */
export function slotMs(windowMs: number): number {
  return Math.ceil(windowMs / SLOTS_PER_WINDOW);
}

/** The slot a charge at nowMs goes to. */
export function slotAt(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / slotMs(windowMs));
}

/** The oldest slot still counted at nowMs: the one holding instant nowMs − W + 1. */
export function oldestSlot(nowMs: number, windowMs: number): number {
  return Math.floor((nowMs - windowMs + 1) / slotMs(windowMs));
}

/** The first instant at which slot `slot` is no longer counted. */
export function slotLeavesAt(slot: number, windowMs: number): number {
  return (slot + 1) * slotMs(windowMs) + windowMs - 1;
}

/** What a counter holds in its window at nowMs. */
export function usedAt(slots: Slots, nowMs: number, windowMs: number): number {
  const oldest = oldestSlot(nowMs, windowMs);
  let used = 0;
  for (const [slot, n] of slots) if (slot >= oldest && n > 0) used += n;
  return used;
}

/** The counted slots at nowMs, oldest first. */
function counted(slots: Slots, nowMs: number, windowMs: number): Array<[number, number]> {
  const oldest = oldestSlot(nowMs, windowMs);
  return [...slots].filter(([slot, n]) => slot >= oldest && n > 0).sort((a, b) => a[0] - b[0]);
}

/**
 * How long until `amount` more fits under `limit`, if nothing else is charged
 * meanwhile: 0 when it fits now, Infinity when it exceeds the limit itself. Old
 * slots leave one by one; the answer is the instant the last one that must go
 * leaves, so at nowMs + result the amount fits and 1 ms earlier it does not.
 */
export function retryAfterMs(slots: Slots, nowMs: number, windowMs: number, limit: number, amount: number): number {
  if (amount > limit) return Infinity;
  const live = counted(slots, nowMs, windowMs);
  let used = live.reduce((sum, [, n]) => sum + n, 0);
  if (used + amount <= limit) return 0;
  for (const [slot, n] of live) {
    used -= n;
    if (used + amount <= limit) return slotLeavesAt(slot, windowMs) - nowMs;
  }
  return Infinity; // unreachable: with every slot gone, amount ≤ limit fits
}

/** ms until the oldest counted usage leaves the window; 0 when nothing is counted. */
export function resetMs(slots: Slots, nowMs: number, windowMs: number): number {
  const live = counted(slots, nowMs, windowMs);
  return live.length === 0 ? 0 : slotLeavesAt(live[0]![0], windowMs) - nowMs;
}

/** The instant after which none of these slots is counted any more (-Infinity when empty). */
export function expiresAt(slots: Slots, windowMs: number): number {
  let newest = -Infinity;
  for (const [slot, n] of slots) if (n > 0 && slot > newest) newest = slot;
  return newest === -Infinity ? newest : slotLeavesAt(newest, windowMs);
}

/** What a counter is known by: (quota name, window, key). */
export function counterId(line: { name: string; windowMs: number; key: string }): string {
  return JSON.stringify([line.name, line.windowMs, line.key]);
}

export interface CounterInfo {
  name: string;
  key: string;
  windowMs: number;
  limit: number;
  unit: QuotaUnit;
}

export function stateOf(counter: CounterInfo, slots: Slots, nowMs: number): QuotaState {
  const used = usedAt(slots, nowMs, counter.windowMs);
  return {
    name: counter.name,
    key: counter.key,
    unit: counter.unit,
    limit: counter.limit,
    windowMs: counter.windowMs,
    used,
    remaining: Math.max(0, counter.limit - used),
    resetMs: resetMs(slots, nowMs, counter.windowMs),
  };
}

export type Verdict =
  | { ok: true }
  | {
      ok: false;
      /** the first line (in order) that cannot take its amount */
      exhausted: number;
      /** until every refusing line can take its amount (the longest wait among them) */
      retryAfterMs: number;
    };

/**
 * The all-or-none admission of one request. `slots[i]` holds line i's counter as it
 * stands (lines of the same counter share it). Lines of the same counter add up: a
 * line is judged with the amounts of the earlier lines of its counter included.
 */
export function judge(lines: readonly QuotaLine[], slots: readonly Slots[], nowMs: number): Verdict {
  const pending = new Map<string, number>();
  let exhausted = -1;
  let wait = 0;
  lines.forEach((line, i) => {
    const id = counterId(line);
    const before = pending.get(id) ?? 0;
    pending.set(id, before + line.amount);
    const asked = before + line.amount;
    if (usedAt(slots[i]!, nowMs, line.windowMs) + asked <= line.limit) return;
    if (exhausted < 0) exhausted = i;
    wait = Math.max(wait, retryAfterMs(slots[i]!, nowMs, line.windowMs, line.limit, asked));
  });
  return exhausted < 0 ? { ok: true } : { ok: false, exhausted, retryAfterMs: wait };
}

/** Each line's counter after charging every line to its current slot. */
export function charged(lines: readonly QuotaLine[], slots: readonly Slots[], nowMs: number): Map<number, number>[] {
  const after = new Map<string, Map<number, number>>();
  lines.forEach((line, i) => {
    const id = counterId(line);
    let m = after.get(id);
    if (!m) after.set(id, (m = new Map(slots[i]!)));
    if (line.amount === 0) return;
    const s = slotAt(nowMs, line.windowMs);
    m.set(s, (m.get(s) ?? 0) + line.amount);
  });
  return lines.map((line) => after.get(counterId(line))!);
}

/**
 * What settlement adds to the reserved slot: the actual usage, whole and clamped to
 * [0, reserved], minus the reservation. Never positive: a reservation is the most a
 * request can be charged. An actual that is not a number charges the whole
 * reservation (the safe side).
 */
export function settleDelta(reserved: number, actual: number): number {
  if (!Number.isFinite(actual)) return 0;
  return Math.min(reserved, Math.max(0, Math.ceil(actual))) - reserved;
}
