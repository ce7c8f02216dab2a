import { createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisQuotaStore } from '../../src/quota/redis.js';
import { slotMs } from '../../src/quota/window.js';
import { quotaStoreConformance, line, MINUTE, T0 } from './conformance.js';

// Against the real Redis at 127.0.0.1:6379 (never skipped: these tests fail when it
// is absent). Every store gets its own key prefix under this run's, and everything
// under the run's prefix is deleted afterwards.

const URL_ = 'redis://127.0.0.1:6379';
const RUN = `rg-test-quota-${process.pid}-${Date.now().toString(36)}`;
let n = 0;
const prefix = (): string => `${RUN}-${++n}`;
const admin = new Redis(URL_, { lazyConnect: true, maxRetriesPerRequest: 1 });

beforeAll(async () => {
  await admin.connect();
  expect(await admin.ping()).toBe('PONG');
});

afterAll(async () => {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `{${RUN}-*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await admin.del(...keys);
  } while (cursor !== '0');
  await admin.quit();
});

quotaStoreConformance('redis', async () => new RedisQuotaStore({ url: URL_, prefix: prefix(), clock: 'caller' }));

/** A TCP server that accepts connections and never answers (a hung Redis). */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, sockets };
}

describe('RedisQuotaStore', () => {
  it('two replicas (two connections, one prefix) share one budget: 500 concurrent reservations, exactly 50 admitted', async () => {
    const p = prefix();
    const a = new RedisQuotaStore({ url: URL_, prefix: p, clock: 'caller' });
    const b = new RedisQuotaStore({ url: URL_, prefix: p, clock: 'caller' });
    const l = line({ name: 'shared', key: 'team', limit: 50, amount: 1 });
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => (i % 2 ? a : b).reserve([l], T0 + i)));
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    expect((await a.usage(T0 + 600))[0]!.used).toBe(50);
    await Promise.all([a.close(), b.close()]);
  });

  it('lays keys out as {prefix}:c:<name>:<window>:<key>, hash-tagged, expiring W + S after the last charge', async () => {
    const p = prefix();
    const s = new RedisQuotaStore({ url: URL_, prefix: p, clock: 'caller' });
    await s.reserve([line({ name: 'per:min', key: 'a:b%', limit: 10, amount: 3 })], T0);
    const key = `{${p}}:c:per%3Amin:${MINUTE}:a%3Ab%25`;
    expect(s.keyOf({ name: 'per:min', windowMs: MINUTE, key: 'a:b%' })).toBe(key);
    expect(await admin.hgetall(key)).toEqual({ [String(Math.floor(T0 / 1000))]: '3', _l: '10', _u: 'tokens' });
    const ttl = await admin.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(MINUTE + slotMs(MINUTE));
    await s.close();
  });

  it('runs on Redis’ clock by default, so replicas with skewed clocks agree', async () => {
    const p = prefix();
    const s = new RedisQuotaStore({ url: URL_, prefix: p });
    const [sec, usec] = await admin.time();
    const redisNow = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    // the caller's clock is off by a day: the reservation is placed on Redis' time anyway
    const r = await s.reserve([line({ limit: 10, amount: 10 })], Date.now() - 86_400_000);
    if (!r.ok) throw new Error('expected admission');
    expect(r.reservation.atMs).toBeGreaterThanOrEqual(redisNow);
    expect(r.reservation.atMs - redisNow).toBeLessThan(MINUTE);
    const skewed = await s.reserve([line({ limit: 10, amount: 1 })], Date.now() + 86_400_000);
    expect(skewed.ok).toBe(false);
    expect((await s.usage(0)).map((u) => u.used)).toEqual([10]);
    await s.settle(r.reservation, [4], 0);
    expect((await s.usage(0)).map((u) => u.used)).toEqual([4]);
    await s.close();
  });

  it('reports an unreachable Redis (a closed port) as quota_store_unavailable, quickly', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const s = new RedisQuotaStore({ url: `redis://:hunter2@127.0.0.1:${port}`, prefix: prefix(), timeoutMs: 500 });
    const err = await s.reserve([line()], T0).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'QuotaStoreError', code: 'quota_store_unavailable' });
    expect(String((err as Error).message)).toContain(`127.0.0.1:${port}`);
    expect(String((err as Error).message)).not.toContain('hunter2');
    // while it stays down, calls keep failing fast instead of queueing
    await expect(s.reserve([line()], T0)).rejects.toMatchObject({ code: 'quota_store_unavailable' });
    await expect(s.usage(T0)).rejects.toMatchObject({ code: 'quota_store_unavailable' });
    await s.close();
  }, 5000);

  it('reports a Redis that accepts connections but never answers as quota_store_unavailable after the timeout', async () => {
    const { server, port, sockets } = await silentServer();
    const s = new RedisQuotaStore({ url: `redis://127.0.0.1:${port}`, prefix: prefix(), timeoutMs: 300 });
    await expect(s.reserve([line()], T0)).rejects.toMatchObject({ name: 'QuotaStoreError', code: 'quota_store_unavailable' });
    await s.close();
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }, 5000);

  it('refuses a prefix that would break the hash tag', () => {
    expect(() => new RedisQuotaStore({ url: URL_, prefix: 'a{b}' })).toThrow(expect.objectContaining({ code: 'quota_store_error' }));
    expect(() => new RedisQuotaStore({ url: URL_, prefix: '' })).toThrow(expect.objectContaining({ code: 'quota_store_error' }));
  });
});
