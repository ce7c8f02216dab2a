import { Redis } from 'ioredis';

// Tests and benchmarks that write to the real Redis use a prefix of their own and
// remove everything under it when they are done.

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Deletes every key of the quota store prefix `prefix` (keys are `{prefix}:…`). */
export async function dropRedisPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
