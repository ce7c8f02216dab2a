// Token and request budgets: the quota entries of a decision, and the stores that
// count them. A request reserves before it is forwarded (atomically against every
// quota that applies, all or none) and settles after, so concurrent requests can
// never spend past a limit: the gateway's promise is that a budget is not exceeded.

export type QuotaUnit = 'tokens' | 'requests';

/** One quota entry of a decision, checked and normalised (`window` in ms). */
export interface QuotaSpec {
  name: string;
  /** who shares the budget; non-string keys are their canonical JSON */
  key: string;
  limit: number;
  windowMs: number;
  unit: QuotaUnit;
}

/** What one request asks of one quota. */
export interface QuotaLine extends QuotaSpec {
  /** tokens (prompt + completion cap) or 1 request */
  amount: number;
}

/** Where a counter stands, for response headers, `railgate quota show` and the admin API. */
export interface QuotaState {
  name: string;
  key: string;
  unit: QuotaUnit;
  limit: number;
  windowMs: number;
  /** charged and reserved within the current window */
  used: number;
  remaining: number;
  /** ms until the oldest usage still counted leaves the window (0 when nothing is counted) */
  resetMs: number;
}

/** A reservation held between forwarding and settlement. */
export interface Reservation {
  readonly id: string;
  readonly lines: readonly QuotaLine[];
  /** the time slot each line was charged to (settlement adjusts that slot), same order as lines */
  readonly slots: readonly number[];
  readonly atMs: number;
}

export type ReserveResult =
  | { ok: true; reservation: Reservation; states: QuotaState[] }
  | {
      ok: false;
      /** the first quota (in line order) that cannot take the amount */
      exhausted: QuotaState & { requested: number };
      /** ms until every refusing quota can take its amount (the longest wait: Retry-After); Infinity when an amount exceeds its limit itself */
      retryAfterMs: number;
      states: QuotaState[];
    };

export type QuotaStoreErrorCode = 'quota_store_unavailable' | 'quota_store_error';

export class QuotaStoreError extends Error {
  constructor(
    readonly code: QuotaStoreErrorCode,
    message: string,
    opts: { cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'QuotaStoreError';
  }
}

export interface QuotaStore {
  readonly kind: 'memory' | 'sqlite' | 'redis';
  /** Reserves every line's amount atomically: all or none. Throws QuotaStoreError when the store cannot be reached. */
  reserve(lines: readonly QuotaLine[], nowMs: number): Promise<ReserveResult>;
  /**
   * Settles a reservation on what was actually used, per line (same order): the
   * difference to the reserved amount is added to (or given back from) the slot the
   * reservation was charged to. `actual` 0 for every line releases it entirely.
   */
  settle(reservation: Reservation, actual: readonly number[], nowMs: number): Promise<void>;
  /** Current usage of every counter (or those matching the filter) that has usage in its window. */
  usage(nowMs: number, filter?: { name?: string; key?: string }): Promise<QuotaState[]>;
  close(): Promise<void>;
}
