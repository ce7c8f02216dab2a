import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/config/index.js';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { RedisQuotaStore } from '../../src/quota/index.js';
import { fixture, spawnRailgate, type Running } from '../cli/run.js';
import { dropRedisPrefix } from '../support/redis.js';

// Two `railgate serve` processes — replicas behind a load balancer — share one
// budget through the real Redis at 127.0.0.1:6379: 500 concurrent requests spread
// over both, against a budget that admits 50, are admitted exactly 50 times.

const CLIENT_KEY = 'rg-replica-test-key';
const PREFIX = `railgate-e2e-${process.pid}-${Date.now()}`;
const REDIS_URL = 'redis://127.0.0.1:6379';

const POLICY = `package app

quota contains {"name": "team-requests", "key": input.user.id, "limit": 50, "window": "1h", "unit": "requests"}
`;

let mock: MockUpstream;
let work: { dir: string; cleanup: () => void };
const replicas: Array<{ run: Running; url: string }> = [];

function config(upstream: string): string {
  return `listen: 127.0.0.1:0
bundle:
  source: ./policies
identity:
  api_keys:
    - id: team-a
      hash: ${hashApiKey(CLIENT_KEY)}
connections:
  - name: openai
    protocol: openai
    upstream: ${upstream}
    policy: app
quota:
  store: redis
  url: ${REDIS_URL}
  prefix: ${PREFIX}
log:
  level: warn
`;
}

/** Starts `railgate serve` in its own process and waits for its banner. */
async function startReplica(cwd: string): Promise<{ run: Running; url: string }> {
  const run = spawnRailgate(['serve', '--config', 'railgate.yaml'], cwd);
  const out = await run.ready('Ctrl+C stops the proxy', 60_000);
  return { run, url: /listening on (http:\/\/\S+)/.exec(out)![1]! };
}

beforeAll(async () => {
  // fail loudly, never skip: the shared budget is the point of this test
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
  await probe.connect().catch((e: unknown) => {
    throw new Error(`Redis is not reachable at ${REDIS_URL} (${String(e)}): start it (redis-server --daemonize yes --port 6379); .ci/run does`);
  });
  probe.disconnect();
  mock = await startMockUpstream({ maxRecorded: 0 });
  work = fixture({ 'policies/app.gate': POLICY });
  writeFileSync(join(work.dir, 'railgate.yaml'), config(mock.url));
  replicas.push(await startReplica(work.dir), await startReplica(work.dir));
}, 120_000);

afterAll(async () => {
  for (const { run } of replicas) {
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }
  await mock?.close();
  work?.cleanup();
  await dropRedisPrefix(PREFIX);
});

describe('two proxy processes sharing Redis', () => {
  it('admit exactly 50 of 500 concurrent requests against a budget of 50', async () => {
    expect(replicas[0]!.url).not.toBe(replicas[1]!.url);
    const pools = replicas.map((r) => new Pool(r.url, { connections: 64 }));
    try {
      const statuses = await Promise.all(
        Array.from({ length: 500 }, async (_, i) => {
          const r = await pools[i % 2]!.request({
            method: 'POST',
            path: '/openai/v1/chat/completions',
            headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `request ${i}` }] }),
          });
          const text = await r.body.text();
          if (r.statusCode === 429) expect(JSON.parse(text).error).toMatchObject({ code: 'quota_exhausted' });
          return { status: r.statusCode, replica: i % 2 };
        }),
      );
      const ok = statuses.filter((s) => s.status === 200);
      expect(ok).toHaveLength(50);
      expect(statuses.filter((s) => s.status === 429)).toHaveLength(450);
      // 50 in all, not 50 per replica: the budget really is shared
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
    const store = new RedisQuotaStore({ url: REDIS_URL, prefix: PREFIX });
    try {
      const [state] = await store.usage(Date.now(), { name: 'team-requests' });
      expect(state).toMatchObject({ key: 'team-a', limit: 50, used: 50, remaining: 0 });
    } finally {
      await store.close();
    }
  }, 120_000);
});
