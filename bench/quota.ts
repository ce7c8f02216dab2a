// Quota store costs (issue 5): one reservation plus its settlement, per request, for
// each store, as the proxy does it (two quotas per request: a daily token budget and
// a per-minute request rate, for one of 1,000 users). Median and p99 of single
// sequential requests, and the throughput with 32 in flight. Run with `npm run bench`
// or `npx tsx bench/quota.ts`. Redis must be running at 127.0.0.1:6379.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createQuotaStore, type QuotaLine, type QuotaStore } from '../src/quota/index.js';
import { dropRedisPrefix } from '../test/support/redis.js';

const SCALE = Number(process.env['BENCH_SCALE'] ?? '1') || 1;
const USERS = 1000;

function lines(i: number): QuotaLine[] {
  const user = `user-${i % USERS}`;
  return [
    { name: 'daily-tokens', key: user, limit: 1e12, windowMs: 86_400_000, unit: 'tokens', amount: 1200 },
    { name: 'requests-per-minute', key: user, limit: 1e9, windowMs: 60_000, unit: 'requests', amount: 1 },
  ];
}

async function cycle(store: QuotaStore, i: number): Promise<void> {
  const r = await store.reserve(lines(i), Date.now());
  if (!r.ok) throw new Error(`refused: ${r.exhausted.name}`);
  await store.settle(r.reservation, [850, 1], Date.now());
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function measure(name: string, store: QuotaStore): Promise<void> {
  const n = Math.max(200, Math.round(20_000 * SCALE));
  for (let i = 0; i < Math.min(2000, n); i++) await cycle(store, i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await cycle(store, i);
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  let done = 0;
  const until = performance.now() + 2000 * Math.min(1, SCALE);
  await Promise.all(
    Array.from({ length: 32 }, async (_, w) => {
      for (let i = w; performance.now() < until; i += 32) {
        await cycle(store, i);
        done++;
      }
    }),
  );
  const secs = 2 * Math.min(1, SCALE);
  console.log(
    `${name.padEnd(8)} reserve + settle: median ${quantile(times, 0.5).toFixed(1)} µs, p99 ${quantile(times, 0.99).toFixed(1)} µs (${n} sequential); ${(done / secs).toFixed(0)} per second with 32 in flight`,
  );
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}; two quotas per request, 1,000 users`);
  const dir = mkdtempSync(join(tmpdir(), 'railgate-bench-quota-'));
  const prefix = `railgate-bench-${process.pid}`;
  const stores: Array<[string, QuotaStore]> = [
    ['memory', createQuotaStore({ store: 'memory' })],
    ['sqlite', createQuotaStore({ store: 'sqlite', path: join(dir, 'quota.db') })],
    ['redis', createQuotaStore({ store: 'redis', url: 'redis://127.0.0.1:6379', prefix })],
  ];
  try {
    for (const [name, store] of stores) await measure(name, store);
  } finally {
    for (const [, store] of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
    // the bench's Redis counters expire with their windows; remove them now
    await dropRedisPrefix(prefix);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
