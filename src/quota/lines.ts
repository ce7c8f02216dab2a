import { randomUUID } from 'node:crypto';
import { compareCodePoints, MAX_KEY_LENGTH, MAX_NAME_LENGTH, MAX_QUOTAS_PER_DECISION, MAX_WINDOW_MS, MIN_WINDOW_MS } from './spec.js';
import { QuotaStoreError, type QuotaLine, type Reservation, type ReserveResult } from './types.js';
import { settleDelta, slotAt, stateOf, type Slots, type Verdict } from './window.js';

// What every store does the same way around its own storage: checking what it is
// asked (a malformed line is a bug in the caller, refused before any write), turning
// counters into the answer of reserve(), and settling each reservation at most once.

/** The caller's clock as whole ms. */
export function checkNow(nowMs: number): number {
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw new QuotaStoreError('quota_store_error', `the time must be a number of ms, got ${String(nowMs)}`);
  return Math.floor(nowMs);
}

export function checkLines(lines: readonly QuotaLine[]): void {
  if (lines.length > MAX_QUOTAS_PER_DECISION) {
    throw new QuotaStoreError('quota_store_error', `a reservation covers at most ${MAX_QUOTAS_PER_DECISION} quotas, got ${lines.length}`);
  }
  lines.forEach((l, i) => {
    const bad = (what: string): never => {
      throw new QuotaStoreError('quota_store_error', `quota line ${i}: ${what} (read quota entries with readQuotas)`);
    };
    if (typeof l.name !== 'string' || l.name === '' || l.name.length > MAX_NAME_LENGTH) bad('name must be a non-empty string');
    if (typeof l.key !== 'string' || l.key.length > MAX_KEY_LENGTH) bad(`key must be a string of at most ${MAX_KEY_LENGTH} characters`);
    if (!Number.isSafeInteger(l.windowMs) || l.windowMs < MIN_WINDOW_MS || l.windowMs > MAX_WINDOW_MS) bad(`windowMs must be a whole number in [${MIN_WINDOW_MS}, ${MAX_WINDOW_MS}]`);
    if (!Number.isSafeInteger(l.limit) || l.limit < 0) bad('limit must be a whole number ≥ 0');
    if (!Number.isSafeInteger(l.amount) || l.amount < 0) bad('amount must be a whole number ≥ 0');
    if (l.unit !== 'tokens' && l.unit !== 'requests') bad('unit must be "tokens" or "requests"');
  });
}

/** The answer to a refused reservation; `before` is each line's counter as it stands. */
export function refusal(lines: readonly QuotaLine[], before: readonly Slots[], nowMs: number, verdict: Extract<Verdict, { ok: false }>): ReserveResult {
  const states = lines.map((line, i) => stateOf(line, before[i]!, nowMs));
  const line = lines[verdict.exhausted]!;
  return { ok: false, exhausted: { ...states[verdict.exhausted]!, requested: line.amount }, retryAfterMs: verdict.retryAfterMs, states };
}

/** The answer to an admitted reservation; `after` is each line's counter with the charges in. */
export function admission(lines: readonly QuotaLine[], after: readonly Slots[], nowMs: number): ReserveResult {
  const copy = Object.freeze(lines.map((l) => Object.freeze({ ...l })));
  const reservation: Reservation = Object.freeze({
    id: randomUUID(),
    lines: copy,
    slots: Object.freeze(lines.map((l) => slotAt(nowMs, l.windowMs))),
    atMs: nowMs,
  });
  return { ok: true, reservation, states: lines.map((line, i) => stateOf(line, after[i]!, nowMs)) };
}

/**
 * Remembers which reservations were settled, so that settling one twice gives back
 * nothing the second time (a refund paid twice would let the budget overshoot).
 */
export class Settlements {
  private readonly done = new WeakSet<Reservation>();

  /** The amount to add to each line's slot, or undefined when already settled. */
  claim(reservation: Reservation, actual: readonly number[]): number[] | undefined {
    const { lines, slots } = reservation;
    if (!Array.isArray(actual) || actual.length !== lines.length || slots.length !== lines.length) {
      throw new QuotaStoreError('quota_store_error', `settle needs one actual amount per quota line: ${lines.length} lines, ${Array.isArray(actual) ? actual.length : 'no'} amounts`);
    }
    if (this.done.has(reservation)) return undefined;
    this.done.add(reservation);
    return lines.map((l, i) => settleDelta(l.amount, actual[i]!));
  }
}

/** Listing order: name, window, key (the same in every store). */
export function byCounter(a: { name: string; windowMs: number; key: string }, b: { name: string; windowMs: number; key: string }): number {
  return cmp(a.name, b.name) || a.windowMs - b.windowMs || cmp(a.key, b.key);
}

function cmp(a: string, b: string): number {
  return a === b ? 0 : compareCodePoints(a, b);
}

/** Listings show at most this many counters (the busiest deployments filter by name or key). */
export const MAX_LISTED_COUNTERS = 10_000;
