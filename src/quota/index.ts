// Token and request budgets: reading the decision's quota entries, the window
// arithmetic, and the three stores (docs/quotas.md).

import { MemoryQuotaStore } from './memory.js';
import { RedisQuotaStore } from './redis.js';
import { SqliteQuotaStore } from './sqlite.js';
import type { QuotaStore } from './types.js';

export type { QuotaLine, QuotaSpec, QuotaState, QuotaStore, QuotaStoreErrorCode, QuotaUnit, Reservation, ReserveResult } from './types.js';
export { QuotaStoreError } from './types.js';
export {
  canonicalKey,
  formatWindow,
  MAX_KEY_LENGTH,
  MAX_NAME_LENGTH,
  MAX_QUOTAS_PER_DECISION,
  MAX_WINDOW_MS,
  MIN_WINDOW_MS,
  parseWindow,
  QuotaSpecError,
  readQuotas,
} from './spec.js';
export { retryAfterMs, resetMs, slotAt, slotLeavesAt, slotMs, oldestSlot, usedAt, SLOTS_PER_WINDOW } from './window.js';
export { MAX_LISTED_COUNTERS } from './lines.js';
export { MemoryQuotaStore, type MemoryQuotaStoreOptions } from './memory.js';
export { SqliteQuotaStore, type SqliteQuotaStoreOptions } from './sqlite.js';
export { RedisQuotaStore, type RedisQuotaStoreOptions } from './redis.js';

export type QuotaStoreConfig =
  | { store: 'memory'; maxCounters?: number }
  | { store: 'sqlite'; path: string; busyTimeoutMs?: number }
  | { store: 'redis'; url: string; prefix?: string; clock?: 'redis' | 'caller'; timeoutMs?: number };

/** Opens the configured store. SQLite opens (and creates) its file now; Redis connects in the background. */
export function createQuotaStore(config: QuotaStoreConfig): QuotaStore {
  switch (config.store) {
    case 'memory':
      return new MemoryQuotaStore({ maxCounters: config.maxCounters });
    case 'sqlite':
      return new SqliteQuotaStore(config.path, { busyTimeoutMs: config.busyTimeoutMs });
    case 'redis':
      return new RedisQuotaStore({ url: config.url, prefix: config.prefix, clock: config.clock, timeoutMs: config.timeoutMs });
  }
}
