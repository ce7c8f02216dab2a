import { describe, expect, it } from 'vitest';
import { MemoryQuotaStore } from '../../src/quota/memory.js';
import { quotaStoreConformance, line, MINUTE, T0 } from './conformance.js';

quotaStoreConformance('memory', async () => new MemoryQuotaStore());

describe('MemoryQuotaStore bounds', () => {
  it('never evicts a counter that holds usage: a full store refuses new counters until old ones empty', async () => {
    const s = new MemoryQuotaStore({ maxCounters: 2 });
    await s.reserve([line({ key: 'a', amount: 1 })], T0);
    await s.reserve([line({ key: 'b', amount: 1 })], T0);
    await expect(s.reserve([line({ key: 'c', amount: 1 })], T0 + 5000)).rejects.toMatchObject({ name: 'QuotaStoreError', code: 'quota_store_unavailable' });
    // nothing was charged by the refused call, and existing counters still work
    expect((await s.usage(T0 + 5000)).map((u) => u.key)).toEqual(['a', 'b']);
    expect((await s.reserve([line({ key: 'a', amount: 1 })], T0 + 5000)).ok).toBe(true);
    // once a window has passed, their room is reused
    const later = T0 + 5000 + 2 * MINUTE;
    expect((await s.reserve([line({ key: 'c', amount: 1 })], later)).ok).toBe(true);
    expect(s.size).toBeLessThanOrEqual(2);
    await s.close();
  });

  it('drops idle counters in the background, so the map does not grow with keys seen once', async () => {
    const s = new MemoryQuotaStore();
    for (let i = 0; i < 100; i++) await s.reserve([line({ key: `k${i}`, amount: 1 })], T0);
    expect(s.size).toBe(100);
    const later = T0 + 2 * MINUTE;
    for (let i = 0; i < 60; i++) await s.reserve([line({ key: 'busy', amount: 0 })], later + i);
    expect(s.size).toBeLessThan(5);
    await s.close();
  });

  it('refusals and zero amounts create no counters', async () => {
    const s = new MemoryQuotaStore();
    await s.reserve([line({ limit: 0, amount: 1 })], T0);
    await s.reserve([line({ key: 'z', amount: 0 })], T0);
    expect(s.size).toBe(0);
    await s.close();
  });
});
